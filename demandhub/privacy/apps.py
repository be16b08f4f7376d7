from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "demandhub.privacy"
    label = "privacy"
    verbose_name = "Retention, legal holds and subject access"

from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "demandhub.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding"

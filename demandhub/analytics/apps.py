from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "demandhub.analytics"
    label = "analytics"
    verbose_name = "Analytics"

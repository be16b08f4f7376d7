from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "demandhub.dispatch"
    label = "dispatch"
    verbose_name = "Dispatch"

from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "demandhub.dispatch"
    label = "dispatch"
    verbose_name = "Dispatch"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)

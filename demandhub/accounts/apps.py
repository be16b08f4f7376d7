from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "demandhub.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (audits sign-in and sign-out; Django sends these)

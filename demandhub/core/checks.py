"""System checks: refuse to serve production traffic with the development secret key."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

DEV_KEY_ERROR = "demandhub.E001"


def development_key_in_production() -> Error | None:
    from demandhub.config.settings import DEVELOPMENT_SECRET_KEY

    if not settings.DEBUG and settings.SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        return Error(
            "DEBUG is off but SECRET_KEY is the development key.",
            hint="Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value.",
            id=DEV_KEY_ERROR,
        )
    return None


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[Error]:
    error = development_key_in_production()
    return [error] if error else []

"""System checks: refuse to start with a turn-out setting the recommender cannot use."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .travel import turnout_table

BAD_TURNOUT = "dispatch.E001"


@register()
def check_turnout(app_configs: Any, **kwargs: Any) -> list[Error]:
    try:
        turnout_table(settings.DISPATCH_TURNOUT_SECONDS)
    except (ValueError, AttributeError) as e:
        return [Error(f"DISPATCH_TURNOUT_SECONDS: {e}", hint="docs/operations.md", id=BAD_TURNOUT)]
    return []

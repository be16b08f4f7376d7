"""Contacts settings, read lazily from Django settings or the environment."""

import os
from datetime import timedelta

from django.conf import settings


def aml_hmac_key() -> str:
    """DEMANDHUB_AML_HMAC_KEY: when set, HTTPS AML messages must carry a matching HMAC."""
    return str(getattr(settings, "AML_HMAC_KEY", None) or os.getenv("DEMANDHUB_AML_HMAC_KEY", ""))


def aml_match_window() -> timedelta:
    """DEMANDHUB_AML_MATCH_WINDOW (seconds, default 900): how recent a 999 call from the same
    number must be for a handset location to be attached to it."""
    seconds = getattr(settings, "AML_MATCH_WINDOW", None) or os.getenv(
        "DEMANDHUB_AML_MATCH_WINDOW", "900"
    )
    return timedelta(seconds=int(seconds))


def uploads_dir() -> "os.PathLike[str]":
    """Photos sent with online reports: <DEMANDHUB_DATA_DIR>/uploads."""
    return settings.DATA_DIR / "uploads"  # type: ignore[no-any-return]

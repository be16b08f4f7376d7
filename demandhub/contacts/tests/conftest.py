"""Fixtures for the contacts tests: the gateway's service account and its bearer token."""

import os
import uuid

import pytest
from django.core.cache import cache

from demandhub.accounts.actions import issue_token
from demandhub.accounts.models import User
from demandhub.accounts.tests.factories import UserFactory


@pytest.fixture
def gateway(db: None) -> User:
    """The telephony system / AML receiver / message gateway service account."""
    return UserFactory(username="gateway", roles=["contact_gateway"])


@pytest.fixture
def gateway_auth(gateway: User) -> dict[str, str]:
    """Headers for Django's test client authenticating as the gateway."""
    _, secret = issue_token(gateway, by=None, name="telephony")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path


# Parallel test runs (xdist workers, other branches' runs) share one Redis; each test database
# numbers its contacts from 1, so chat groups ("chat.1") and the "contacts" group would cross.
_PREFIX = f"demandhub-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def _private_channel_layer(settings) -> None:  # type: ignore[no-untyped-def]
    layers = settings.CHANNEL_LAYERS
    if layers["default"]["BACKEND"].startswith("channels_redis"):
        config = {**layers["default"]["CONFIG"], "prefix": _PREFIX}
        settings.CHANNEL_LAYERS = {"default": {**layers["default"], "CONFIG": config}}

"""Dispatch personas beyond the shared ones: a response officer and a vehicle locator device."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from demandhub.accounts.models import User
from demandhub.accounts.tests.factories import UserFactory


@pytest.fixture
def response_officer(db: None) -> User:
    return UserFactory(username="response_officer", roles=["response_officer"])


@pytest.fixture
def second_officer(db: None) -> User:
    return UserFactory(username="second_officer", roles=["response_officer"])


@pytest.fixture
def vehicle_locator(db: None) -> User:
    return UserFactory(username="vehicle_locator", roles=["vehicle_locator"])


class Listener:
    """A channel joined to live groups, to read the notices actions send on commit."""

    def __init__(self, *groups: str) -> None:
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        for group in groups:
            async_to_sync(self.layer.group_add)(group, self.channel)

    def notices(self) -> list[tuple[str, str]]:
        out = []
        while True:
            try:
                message = async_to_sync(self._receive_now)()
            except TimeoutError:
                return out
            # One notice, or a transaction's several to one group (realtime.messages).
            for change in message["changes"] if message["type"] == "changes" else [message]:
                out.append((change["kind"], change["pk"]))

    async def _receive_now(self) -> dict[str, str]:
        import asyncio

        return await asyncio.wait_for(self.layer.receive(self.channel), timeout=0.05)  # type: ignore[no-any-return]


@pytest.fixture
def listener(settings: object) -> Listener:
    """Hears this process's notices only: with REDIS_URL set (as CI's PostgreSQL run does),
    parallel workers share Redis groups, and their notices must not reach this test."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}  # type: ignore[attr-defined]
    return Listener("resources", "incidents")

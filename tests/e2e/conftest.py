"""Fixtures for end-to-end tests: the real server, run as `demandhub demo` would run it."""

import os
import re
from collections.abc import Iterator

import pytest

from .server import DemoServer, running_demo_server, shared_demo_server


@pytest.fixture
def _roles() -> None:
    """These tests talk to their server's own database, never to the test database."""


@pytest.fixture(scope="session")
def demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> DemoServer:
    """The demo control room on 127.0.0.1, seeded, one per test process."""
    return shared_demo_server(request, tmp_path_factory, worker_id)


@pytest.fixture
def own_demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[DemoServer]:
    """A demo server for one test alone, for tests that damage what they are given."""
    name = re.sub(r"\W", "_", f"e2e_{os.getpid()}_{worker_id}_{request.node.name}").lower()[:50]
    with running_demo_server(tmp_path_factory.mktemp("own-demo-server"), name=name) as server:
        yield server

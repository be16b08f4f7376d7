"""Channel-layer groups for scene streams and sending to them once a transaction commits.

Each link has a group its caller's socket joins; each incident has a group the watching staff's
sockets join. Messages are relayed only between a link's group and its own incident's group.
"""

from typing import Any

from django.db import transaction

from demandhub.core import realtime


def link_group(link_id: int) -> str:
    return f"scene-link-{link_id}"


def incident_group(incident_id: int) -> str:
    return f"scene-incident-{incident_id}"


def send_now(group: str, message: dict[str, Any]) -> None:
    realtime.send(group, message, f"{message.get('type', 'message')} on {group}")


def send_on_commit(group: str, message: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_now(group, message))

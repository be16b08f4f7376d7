"""Channel-layer groups for scene streams and sending to them once a transaction commits.

Each link has a group its caller's socket joins; each incident has a group the watching staff's
sockets join. Messages are relayed only between a link's group and its own incident's group.
"""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def link_group(link_id: int) -> str:
    return f"scene-link-{link_id}"


def incident_group(incident_id: int) -> str:
    return f"scene-incident-{incident_id}"


def send_now(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def send_on_commit(group: str, message: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_now(group, message))

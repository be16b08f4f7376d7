"""Websocket routes. Each consumer checks the permission its group needs (core.realtime.GROUPS)."""

from django.urls import path

from demandhub.contacts.consumers import OperatorChatConsumer, PublicChatConsumer
from demandhub.core.consumers import LiveConsumer

websocket_urlpatterns = [
    path("ws/live/<slug:group>/", LiveConsumer.as_asgi()),
    path("ws/chat/public/<slug:token>/", PublicChatConsumer.as_asgi()),
    path("ws/chat/<int:pk>/", OperatorChatConsumer.as_asgi()),
]

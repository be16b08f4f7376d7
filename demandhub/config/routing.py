"""Websocket routes. Each consumer checks the permission its group needs (core.realtime.GROUPS)."""

from django.urls import path

from demandhub.contacts.consumers import OperatorChatConsumer, PublicChatConsumer
from demandhub.core.consumers import LiveConsumer
from demandhub.scene.consumers import CallerConsumer, WatcherConsumer

websocket_urlpatterns = [
    path("ws/live/<slug:group>/", LiveConsumer.as_asgi()),
    path("ws/chat/public/<slug:token>/", PublicChatConsumer.as_asgi()),
    path("ws/chat/<int:pk>/", OperatorChatConsumer.as_asgi()),
    # Scene video signalling: staff watching an incident, and the caller holding a one-time link.
    path("ws/scene/incident/<int:pk>/", WatcherConsumer.as_asgi()),
    path("ws/scene/<str:token>/", CallerConsumer.as_asgi()),
]

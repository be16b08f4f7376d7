"""The ASGI application: HTTP through Django, websockets through Channels, in one process."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demandhub.config.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from demandhub.core.asgi_http import PooledASGIHandler  # noqa: E402  (needs Django set up)

django_asgi_app = PooledASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from demandhub.accounts.sessions import StaffSessionWebsocketMiddleware  # noqa: E402
from demandhub.core.checks import development_key_in_production  # noqa: E402

from .routing import websocket_urlpatterns  # noqa: E402

if error := development_key_in_production():
    raise ImproperlyConfigured(f"{error.msg} {error.hint}")

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(StaffSessionWebsocketMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)

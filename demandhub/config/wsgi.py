"""The WSGI application: HTTP only, for a pool of sync workers (gunicorn).

Websockets (/ws/) need the ASGI application (asgi.py, `demandhub serve`); `demandhub serve
--http-workers N` runs both, HTTP here and /ws/ there (docs/operations.md, "Nodes")."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demandhub.config.settings")
application = get_wsgi_application()

from demandhub.core.checks import development_key_in_production  # noqa: E402

if error := development_key_in_production():
    raise ImproperlyConfigured(f"{error.msg} {error.hint}")

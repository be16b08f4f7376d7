"""Django's HTTP under the ASGI server, run the way a WSGI worker runs it.

Django's own ASGI handler runs the middleware in async mode: each of our sync middleware (and
Django's, through MiddlewareMixin) hops to a thread and back, and each request's sync code runs
on a thread made for that request (asgiref's ThreadSensitiveContext), so no database
connection outlives its request: every call paid a new PostgreSQL connection, or a new SQLite
connection with its PRAGMAs. Here the whole request (middleware, view) is Django's sync
handler, as under WSGI, run by one hop onto a fixed pool of threads. Each thread keeps its
database connection between requests (CONN_MAX_AGE), so a process holds at most
DEMANDHUB_HTTP_THREADS connections for HTTP, and a slow request holds up only its own thread.

Django's handler also wraps each request in a ThreadSensitiveContext, which starts a thread
of its own for the request's signals and its response's close; here they run on asgiref's one
sync thread instead (the one Channels' consumers use), so no thread is made per request.
Those signals' check (drop a connection that failed or outlived CONN_MAX_AGE,
docs/operations.md) concerns the pool threads' connections, so it is made here too, on the
request's own thread, before and after it.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse

THREADS = int(os.getenv("DEMANDHUB_HTTP_THREADS", "4"))


class PooledASGIHandler(ASGIHandler):
    """ASGIHandler whose middleware chain is the sync one, run on `THREADS` threads."""

    def __init__(self, threads: int = THREADS) -> None:
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="http")
        super().__init__()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        chain = self._middleware_chain

        def respond(request: HttpRequest) -> HttpResponse:
            close_old_connections()
            try:
                return chain(request)  # type: ignore[no-any-return]
            finally:
                close_old_connections()

        self._middleware_chain: Any = sync_to_async(
            respond, thread_sensitive=False, executor=self.executor
        )

"""Who is acting, from where, under which request id: read by audit.record().

A context variable rather than a thread-local, because under ASGI a request may hop threads;
asgiref copies the context into the thread that runs sync code.
"""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None


_NONE = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "demandhub_request_context", default=None
)


def current() -> RequestContext:
    """The bound request's context; empty outside a request (commands, background work)."""
    return _current.get() or _NONE


def bind(context: RequestContext) -> contextvars.Token[RequestContext | None]:
    return _current.set(context)


def unbind(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)

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


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "demandhub_request_context", default=RequestContext()
)


def current() -> RequestContext:
    return _current.get()


def bind(context: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(context)


def unbind(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)

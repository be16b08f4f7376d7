"""The audit console: the trail, newest first, filterable, with its chain status on demand."""

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import chain
from .models import Action
from .queries import events_for_review, events_in_chain_order

PAGE_SIZE = 50


@require_GET
@permission_required("audit.view_event", raise_exception=True)
def events(request: HttpRequest) -> HttpResponse:
    filters = {
        key: request.GET.get(key, "").strip()[:64]
        for key in ("action", "actor", "subject_type", "subject_id")
    }
    page = Paginator(events_for_review(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "audit/events.html#table" if request.htmx else "audit/events.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {"page": page, "filters": filters, "actions": Action.choices},
    )


@require_GET
@permission_required("audit.view_event", raise_exception=True)
def chain_status(request: HttpRequest) -> HttpResponse:
    verdict = chain.verify(events_in_chain_order().iterator(chunk_size=2000))
    return render(request, "audit/events.html#chain", {"verdict": verdict})

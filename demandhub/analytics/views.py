"""Analytics pages: the staffing calculator, the performance dashboard with its CSV tables and
monthly report, and the supervisor's floor view."""

import csv
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from demandhub.contacts import queries as contact_queries
from demandhub.contacts.models import StaffState
from demandhub.dispatch.stack import deadline_alerts

from . import dashboard, erlang, floor, queries
from .charts import service_level_chart
from .forms import ErlangForm, PerformanceForm, ReportForm

TABLE_BELOW, TABLE_ABOVE = 3, 4


def _calculate(data: dict[str, Any]) -> dict[str, Any]:
    load = {
        "arrivals_per_hour": data["arrivals_per_hour"],
        "aht_seconds": data["aht_seconds"],
        "target_seconds": data["target_seconds"],
    }
    needed = erlang.agents_needed(service_level=data["service_level"], **load)
    agents = data["agents"] or needed.agents
    try:
        chosen: erlang.Staffing | None = erlang.staffing(agents=agents, **load)
        problem = None
    except erlang.NoSteadyState as e:
        chosen, problem = None, str(e)
    lowest = int(needed.traffic_erlangs) + 1
    first = max(lowest, min(agents, needed.agents) - TABLE_BELOW)
    last = max(agents, needed.agents) + TABLE_ABOVE
    rows = [erlang.staffing(agents=n, **load) for n in range(first, last + 1)]
    return {
        "needed": needed,
        "chosen": chosen,
        "problem": problem,
        "agents": agents,
        "rows": rows,
        "chart": service_level_chart(
            [(r.agents, r.service_level) for r in rows], data["service_level"]
        ),
        "target": data,
    }


@require_GET
@permission_required("analytics.view_capacity", raise_exception=True)
def capacity(request: HttpRequest) -> HttpResponse:
    if "arrivals_per_hour" in request.GET and "preset" not in request.GET:
        form = ErlangForm(request.GET)
    else:
        form = ErlangForm.preset(request.GET.get("channel", "999"))
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        try:
            context.update(_calculate(form.cleaned_data))
        except erlang.ErlangError as e:
            context["problem"] = str(e)
    if request.htmx:  # type: ignore[attr-defined]
        part = "calculator" if "preset" in request.GET else "result"
        return render(request, f"analytics/capacity.html#{part}", context)
    return render(request, "analytics/capacity.html", context)


# -- the performance dashboard, its CSV tables and the monthly report --------------------------


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _scope(data: dict[str, Any], start: date, end: date) -> queries.Scope:
    return queries.Scope(
        start=_local_midnight(start),
        end=_local_midnight(end + timedelta(days=1)),
        channel=data.get("channel") or "",
        area=data["area"].pk if data.get("area") else None,
        grade=data.get("grade"),
    )


def _performance_form(request: HttpRequest) -> PerformanceForm:
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("start", (today - timedelta(days=27)).isoformat())
    data.setdefault("end", today.isoformat())
    data.setdefault("period", "day")
    return PerformanceForm(data)


def _board(form: PerformanceForm) -> dashboard.Dashboard:
    data = form.cleaned_data
    return dashboard.build(
        _scope(data, data["start"], data["end"]),
        period=data["period"],
        last_day=data["end"],
        now=timezone.now(),
    )


def _presets(today: date) -> list[tuple[str, str]]:
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    return [
        ("Last 7 days", urlencode({"start": today - timedelta(days=6), "end": today})),
        ("Last 28 days", urlencode({"start": today - timedelta(days=27), "end": today})),
        ("This month", urlencode({"start": first, "end": today})),
        ("Last month", urlencode({"start": last_month_end.replace(day=1), "end": last_month_end})),
        (
            "Last 12 months",
            urlencode(
                {
                    "start": (first - timedelta(days=334)).replace(day=1),
                    "end": today,
                    "period": "month",
                }
            ),
        ),
    ]


@require_GET
@permission_required("analytics.view_performance", raise_exception=True)
def performance(request: HttpRequest) -> HttpResponse:
    form = _performance_form(request)
    context: dict[str, Any] = {"form": form, "presets": _presets(timezone.localdate())}
    if form.is_valid():
        context["board"] = _board(form)
        query = {k: v for k, v in form.data.items() if k in form.fields and v}
        context["query"] = urlencode(query)
        context["report_month"] = form.cleaned_data["end"].strftime("%Y-%m")
    # The range chips replace the form and the board (#performance); the form redraws #board.
    if request.htmx and request.headers.get("HX-Target") != "performance":  # type: ignore[attr-defined]
        return render(request, "analytics/performance.html#board", context)
    return render(request, "analytics/performance.html", context)


@require_GET
@permission_required("analytics.view_performance", raise_exception=True)
def performance_csv(request: HttpRequest, slug: str) -> HttpResponse:
    form = _performance_form(request)
    if not form.is_valid():
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponseBadRequest(f"The range or filters are not valid: {problems}\n")
    try:
        table = _board(form).panel(slug).table
    except KeyError:
        raise Http404("no such table") from None
    data = form.cleaned_data
    name = f"{slug}_{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return response


@require_GET
@permission_required("analytics.view_performance", raise_exception=True)
def monthly_report(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("month", timezone.localdate().strftime("%Y-%m"))
    month_form = ReportForm(data)
    if not month_form.is_valid():
        return render(request, "analytics/report.html", {"month_form": month_form}, status=400)
    year, month = (int(p) for p in month_form.cleaned_data["month"].split("-"))
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    data.update({"start": first.isoformat(), "end": last.isoformat(), "period": "day"})
    form = PerformanceForm(data)
    if not form.is_valid():
        return render(
            request, "analytics/report.html", {"month_form": month_form, "form": form}, status=400
        )
    context = {
        "month_form": month_form,
        "form": form,
        "first": first,
        "board": _board(form),
        "generated_at": timezone.localtime(),
        "previous": (first - timedelta(days=1)).strftime("%Y-%m"),
        "next": (last + timedelta(days=1)).strftime("%Y-%m"),
    }
    return render(request, "analytics/report.html", context)


# -- the supervisor's floor view ---------------------------------------------------------------


@dataclass(frozen=True)
class OnFloor:
    row: StaffState
    time_in_state: str
    long: bool
    run: floor.Run | None


def _floor_context() -> dict[str, Any]:
    now = timezone.now()
    since = now - floor.WELLBEING_WINDOW
    runs = floor.runs_since_break(
        queries.floor_handled_contacts(since=since), queries.floor_last_breaks(since=since)
    )
    people = [
        OnFloor(
            row=row,
            time_in_state=floor.format_duration(now - row.since),
            long=floor.is_long(row.state, now - row.since),
            run=runs.get(row.user_id),
        )
        for row in queries.floor_staff()
    ]
    counts = Counter(p.row.state for p in people)
    queues = [
        (q, floor.format_duration(now - q.oldest) if q.oldest else "")
        for q in contact_queries.queue_board(now)
    ]
    alerts = [
        (a, floor.format_duration(timedelta(seconds=abs(a.seconds_left))))
        for a in deadline_alerts(now=now)
    ]
    return {
        "now": now,
        "people": people,
        "states": [(s, label, counts[s]) for s, label in StaffState.State.choices if s != "off"],
        "prompts": [p for p in people if p.run and p.run.needs_prompt],
        "queues": queues,
        "alerts": alerts,
        "wellbeing_run": floor.WELLBEING_RUN,
    }


@require_GET
@permission_required("analytics.view_floor", raise_exception=True)
def floor_view(request: HttpRequest) -> HttpResponse:
    context = _floor_context()
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "analytics/floor.html#floor", context)
    return render(request, "analytics/floor.html", context)

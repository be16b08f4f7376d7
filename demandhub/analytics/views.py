"""The staffing calculator: Erlang C for one channel, recalculated as the planner types."""

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import erlang
from .charts import service_level_chart
from .forms import ErlangForm

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

"""The force directory: policing areas, stations and resources, on a map and in tables."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from demandhub.dispatch.models import Resource

from .queries import areas_with_stations


@require_GET
@permission_required("forces.view_policingarea", raise_exception=True)
def directory(request: HttpRequest) -> HttpResponse:
    areas = list(areas_with_stations())
    map_data = {
        "areas": [{"name": a.name, "type": a.area_type, "boundary": a.boundary} for a in areas],
        "stations": [
            {"name": s.name, "area": a.name, "lat": s.latitude, "lon": s.longitude}
            for a in areas
            for s in a.stations.all()
        ],
    }
    resources = None
    if request.user.has_perm("dispatch.view_resource"):
        resources = Resource.objects.select_related("home_station__area")
    return render(
        request,
        "forces/directory.html",
        {
            "areas": areas,
            "map_data": map_data,
            "resources": resources,
            "map_tiles": settings.MAP_TILE_URL,
        },
    )

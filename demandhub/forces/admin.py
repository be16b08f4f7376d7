from django.contrib import admin

from demandhub.audit.admin_mixins import AuditedModelAdmin

from .models import Force, PolicingArea, Station


@admin.register(Force)
class ForceAdmin(AuditedModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name"]


class StationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Station
    extra = 0


@admin.register(PolicingArea)
class PolicingAreaAdmin(AuditedModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "area_type", "force"]
    list_filter = ["area_type", "force"]
    inlines = [StationInline]


@admin.register(Station)
class StationAdmin(AuditedModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "area", "latitude", "longitude"]
    list_filter = ["area"]

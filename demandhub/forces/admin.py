from django.contrib import admin

from .models import Force, PolicingArea, Station


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name"]


class StationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Station
    extra = 0


@admin.register(PolicingArea)
class PolicingAreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "area_type", "force"]
    list_filter = ["area_type", "force"]
    inlines = [StationInline]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "area", "latitude", "longitude"]
    list_filter = ["area"]

from django.contrib import admin

from .models import Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["call_sign", "kind", "home_station", "status"]
    list_filter = ["kind", "status", "home_station__area"]
    search_fields = ["call_sign"]

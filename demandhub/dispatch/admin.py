from django.contrib import admin

from demandhub.audit.admin_mixins import AuditedModelAdmin

from .models import Resource


@admin.register(Resource)
class ResourceAdmin(AuditedModelAdmin):  # type: ignore[type-arg]
    list_display = ["call_sign", "kind", "home_station", "status"]
    list_filter = ["kind", "status", "home_station__area"]
    search_fields = ["call_sign"]

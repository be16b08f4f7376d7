from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the audit trail has no update or delete path, here or anywhere."""

    list_display = ["id", "occurred_at", "actor", "action", "subject_type", "subject_id"]
    list_filter = ["action"]
    search_fields = ["subject_id", "request_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

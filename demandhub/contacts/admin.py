"""Read-only admin views of contacts and of the raw payloads kept for inspection (telephony
events, AML messages). Changes go through the actions, never the admin."""

from typing import Any

from django.contrib import admin

from .models import AmlMessage, Contact, TelephonyEvent


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Contact)
class ContactAdmin(ReadOnly):
    list_display = ("__str__", "channel", "status", "outcome", "offered_at", "handled_by")
    list_filter = ("channel", "status", "outcome")
    search_fields = ("reference", "external_id", "caller_number", "caller_name")


@admin.register(TelephonyEvent)
class TelephonyEventAdmin(ReadOnly):
    list_display = ("received_at", "status", "line", "call_id", "event", "occurred_at", "error")
    list_filter = ("status", "line", "event")
    search_fields = ("call_id", "raw")


@admin.register(AmlMessage)
class AmlMessageAdmin(ReadOnly):
    list_display = ("received_at", "transport", "status", "device_number", "error")
    list_filter = ("status", "transport")
    search_fields = ("device_number", "raw")

from django.contrib import admin

from .models import CrimeRecord


@admin.register(CrimeRecord)
class CrimeRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("reference", "status", "reported_at", "recording_deadline")
    search_fields = ("reference", "summary")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # recorded through contacts (crimes.actions.record_crime), which audits

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

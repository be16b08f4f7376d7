from django.contrib import admin

from .models import DutyContact


@admin.register(DutyContact)
class DutyContactAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("team", "name", "phone")

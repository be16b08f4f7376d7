from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from demandhub.audit.admin_mixins import AuditedModelAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Police", {"fields": ("staff_number",)}))
    list_display = ["username", "get_full_name", "staff_number", "is_active"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # staff are deactivated, never deleted: records point at them


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Tokens are issued with `demandhub token issue`, which shows the secret once."""

    list_display = ["name", "prefix", "user", "issued_at", "revoked_at", "last_used_at"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

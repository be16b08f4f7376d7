from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from demandhub.audit.admin_mixins import AuditedModelAdmin

from .models import ApiToken, Restriction, Team, User


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


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):  # type: ignore[type-arg]
    """Named teams that restricted records open to (need-to-know, docs/security.md)."""

    list_display = ["title", "name"]
    filter_horizontal = ["members"]


@admin.register(Restriction)
class RestrictionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Restrictions are made and lifted through accounts.need_to_know (audited); read here."""

    list_display = ["subject_type", "subject_id", "category", "created_at", "lifted_at"]
    readonly_fields = [f.name for f in Restriction._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""Auditing changes made through the Django admin, in the admin's own transaction."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from . import record
from .models import Action


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every add, change and delete through the admin leaves an audit entry.

    The admin wraps each save in a transaction, so the entry commits or rolls back with it.
    """

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool
    ) -> None:  # type: ignore[type-arg]
        super().save_model(request, obj, form, change)
        record(
            Action.RECORD_CHANGED_IN_ADMIN,
            actor=request.user,  # type: ignore[arg-type]
            subject=obj,
            operation="changed" if change else "added",
            fields=sorted(form.changed_data),
        )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        record(
            Action.RECORD_CHANGED_IN_ADMIN,
            actor=request.user,  # type: ignore[arg-type]
            subject=obj,
            operation="deleted",
            was=str(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

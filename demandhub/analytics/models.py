"""Analytics only reads other apps' data; its one model exists to carry permissions."""

from django.db import models


class Capacity(models.Model):
    """No table: holds the analytics permissions (the staffing tools, the performance
    dashboards and reports, the live floor view)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_capacity", "Can use the staffing calculator and simulation"),
            ("view_performance", "Can see the performance dashboards, CSV tables and reports"),
            ("view_floor", "Can see the supervisor's live floor view"),
        ]

    def __str__(self) -> str:
        return "capacity"

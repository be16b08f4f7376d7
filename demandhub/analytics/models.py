"""Analytics only reads other apps' data; its one model exists to carry permissions."""

from django.db import models


class Capacity(models.Model):
    """No table: holds the permission for the staffing tools (Erlang C calculator, simulation,
    demand forecast)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_capacity", "Can use the staffing calculator and simulation")]

    def __str__(self) -> str:
        return "capacity"

"""Resources: the units a dispatcher can send."""

from django.db import models


class Resource(models.Model):
    """A deployable unit: a car, van, dog unit or team, known by its call sign.

    Status lifecycle (issue 4 adds the transition table): available, assigned, en route,
    at scene, transporting, at custody, refreshment, unavailable, off duty.
    """

    class Kind(models.TextChoices):
        RESPONSE_CAR = "response_car", "Response car"
        ARMED_RESPONSE = "armed_response", "Armed response vehicle"
        DOG_UNIT = "dog_unit", "Dog unit"
        ROADS_POLICING = "roads_policing", "Roads policing"
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood team"
        PUBLIC_ORDER = "public_order", "Public order van"
        CID = "cid", "CID"

    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        ASSIGNED = "assigned", "Assigned"
        EN_ROUTE = "en_route", "En route"
        AT_SCENE = "at_scene", "At scene"
        TRANSPORTING = "transporting", "Transporting"
        AT_CUSTODY = "at_custody", "At custody"
        REFRESHMENT = "refreshment", "Refreshment"
        UNAVAILABLE = "unavailable", "Unavailable"
        OFF_DUTY = "off_duty", "Off duty"

    call_sign = models.CharField(max_length=16, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    capabilities = models.JSONField(default=list, blank=True)
    home_station = models.ForeignKey("forces.Station", models.PROTECT, related_name="resources")
    crew_size = models.PositiveSmallIntegerField(default=2)
    status = models.CharField(max_length=16, choices=Status, default=Status.OFF_DUTY)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["call_sign"]

    def __str__(self) -> str:
        return self.call_sign

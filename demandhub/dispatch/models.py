"""Resources: the units a dispatcher can send, their status trail and where they have been."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Resource(models.Model):
    """A deployable unit: a car, van, dog unit or team, known by its call sign.

    Status lifecycle (workflow.NEXT holds the allowed moves; StatusChange the trail):

      * off duty: not booked on; not deployable
      * available: on duty, free to be sent
      * assigned: sent to an incident, not yet moving (set only by assignment)
      * en route, at scene: travelling to, then at, the incident
      * transporting, at custody: carrying a person, then at the custody suite
      * refreshment: meal break; not offered, back to available on return
      * unavailable: on duty but not deployable (vehicle fault, paperwork, court)

    The crew are the officers booked on to the unit; they see it on the mobile data terminal.
    latitude, longitude and position_at are the latest reported position (the track is in
    Position); null until the unit first reports.
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
    crew = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="crewed_resources"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["call_sign"]
        permissions = [
            ("change_resource_status", "Can change any resource's status"),
            ("report_position", "Can report unit positions (vehicle locators)"),
            ("assign_resource", "Can assign resources to incidents and stand them down"),
            ("crew_resource", "Can book on to a unit and use its mobile data terminal"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(latitude__isnull=True, longitude__isnull=True, position_at__isnull=True)
                    | Q(
                        latitude__gte=-90,
                        latitude__lte=90,
                        longitude__gte=-180,
                        longitude__lte=180,
                        position_at__isnull=False,
                    )
                ),
                name="dispatch_resource_position_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return self.call_sign

    @property
    def has_position(self) -> bool:
        return self.position_at is not None


class StatusChange(models.Model):
    """One row per status move of a resource. Written only by workflow.move(); never updated.

    * changed_by: the dispatcher or crew member; null for the system
    """

    resource = models.ForeignKey(Resource, models.PROTECT, related_name="status_changes")
    old_status = models.CharField(max_length=16, choices=Resource.Status)
    new_status = models.CharField(max_length=16, choices=Resource.Status)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["resource", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.old_status} -> {self.new_status}"


class Position(models.Model):
    """One reported position of a unit: its track. Written only by actions.report_positions;
    at most one row per fix (unit and recorded time).

    * recorded_at: when the device took the fix (its clock)
    * received_at: when the hub accepted it
    """

    resource = models.ForeignKey(Resource, models.PROTECT, related_name="positions")
    latitude = models.FloatField()
    longitude = models.FloatField()
    recorded_at = models.DateTimeField()
    received_at = models.DateTimeField()
    speed_kmh = models.FloatField(null=True, blank=True)
    heading = models.FloatField(null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="dispatch_position_on_earth",
            ),
            # One row per fix: a device's retry of a fix the track has adds nothing. Its
            # index also serves the track's reads (a unit's positions in time order).
            models.UniqueConstraint(
                fields=["resource", "recorded_at"], name="dispatch_position_once_per_fix"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} at {self.latitude},{self.longitude} ({self.recorded_at})"


class Assignment(models.Model):
    """A unit sent to an incident: one deployment, from dispatch to clearing.

    A resource has at most one active assignment (cleared_at null), which the database enforces.

      * assigned_at, assigned_by: when and by which dispatcher the unit was sent
      * en_route_at, arrived_at: when the crew first reported en route and at scene
      * cleared_at, cleared_by, clear_reason: when the deployment ended and why
      * diversion: the unit was taken off a less urgent incident to come to this one
        (a dispatcher's reassignment is not a diversion: its old one is cleared as reassigned)
    """

    class ClearReason(models.TextChoices):
        STOOD_DOWN = "stood_down", "Stood down"
        DIVERTED = "diverted", "Diverted to a more urgent incident"
        REASSIGNED = "reassigned", "Reassigned to another incident"
        COMPLETED = "completed", "Finished at the incident"
        UNAVAILABLE = "unavailable", "Became unavailable"

    incident = models.ForeignKey("incidents.Incident", models.PROTECT, related_name="assignments")
    resource = models.ForeignKey(Resource, models.PROTECT, related_name="assignments")
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    diversion = models.BooleanField(default=False)
    en_route_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    clear_reason = models.CharField(max_length=16, choices=ClearReason, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource"],
                condition=Q(cleared_at__isnull=True),
                name="dispatch_assignment_one_active_per_resource",
            ),
        ]
        indexes = [models.Index(fields=["incident", "assigned_at"])]
        permissions = [
            ("view_deadline_alerts", "Can see attendance deadline alerts"),
            ("view_response_times", "Can see response times against attendance targets"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} -> incident {self.incident_id}"

    @property
    def active(self) -> bool:
        return self.cleared_at is None

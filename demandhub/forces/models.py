"""Organisation reference data: a force, its policing areas and their stations."""

from django.db import models


class Force(models.Model):
    """A police force. `code` prefixes incident references (for example CC-20261123-0042)."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)

    def __str__(self) -> str:
        return self.name


class PolicingArea(models.Model):
    """A geographic command within a force. Its area type sets the Grade 1 attendance target
    (15 minutes urban, 20 rural; ../shared/DOMAIN.md section 2).

      * boundary: a GeoJSON Polygon, coordinates as [longitude, latitude] (WGS84)
    """

    class AreaType(models.TextChoices):
        URBAN = "urban", "Urban"
        RURAL = "rural", "Rural"

    force = models.ForeignKey(Force, models.PROTECT, related_name="areas")
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=120)
    area_type = models.CharField(max_length=8, choices=AreaType)
    boundary = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["force", "code"], name="forces_area_code_per_force"),
        ]

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    area = models.ForeignKey(PolicingArea, models.PROTECT, related_name="stations")
    name = models.CharField(max_length=120, unique=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="forces_station_coordinates_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return self.name

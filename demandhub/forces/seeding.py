"""Seeding the demo force, its staff logins and resources; a seeded database is left alone."""

from collections import Counter

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts import otp
from demandhub.accounts.actions import create_staff, sync_roles
from demandhub.accounts.models import User
from demandhub.accounts.roles import ROLES
from demandhub.audit.models import Action
from demandhub.dispatch.models import Resource

from . import demo_data
from .models import Force, PolicingArea, Station


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, role title) for each demo login, one per role."""
    return [(role.name, demo_data.DEMO_PASSWORD, role.title) for role in ROLES]


def demo_authenticator_keys() -> dict[str, str]:
    """username: the base32 key of the authenticator the seed enrolled for each demo login
    still using it (a demo login that re-enrolled through the site has its own)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(
        name=otp.DEMO_DEVICE_NAME, confirmed=True, user__username__in=[r.name for r in ROLES]
    ).select_related("user")
    return {d.user.username: otp.secret_base32(d) for d in devices}


@transaction.atomic
def seed_demo_force() -> Force | None:
    """Create the demo force with areas, stations, resources and one login per role.

    Returns None, changing nothing, when a force already exists.
    """
    sync_roles(by=None)
    if Force.objects.exists():
        return None
    force = Force.objects.create(**demo_data.FORCE)
    stations: dict[str, tuple[Station, str]] = {}
    for spec in demo_data.AREAS:
        area = PolicingArea.objects.create(
            force=force,
            code=spec["code"],
            name=spec["name"],
            area_type=spec["area_type"],
            boundary=spec["boundary"],
        )
        for name, lat, lon in spec["stations"]:
            station = Station.objects.create(area=area, name=name, latitude=lat, longitude=lon)
            stations[name] = (station, area.area_type)

    numbers: Counter[str] = Counter()
    resources = []

    def add(station: Station, kind: str, capabilities: list[str]) -> None:
        numbers[kind] += 1
        prefix = demo_data.CALL_SIGN_PREFIX[kind]
        resources.append(
            Resource(
                call_sign=f"{prefix}{numbers[kind]:02d}",
                kind=kind,
                capabilities=capabilities,
                home_station=station,
                crew_size=1 if kind == "cid" else 2,
                status=Resource.Status.AVAILABLE,
                # Demo units start at their station; a vehicle locator moves them from there.
                latitude=station.latitude,
                longitude=station.longitude,
                position_at=timezone.now(),
            )
        )

    for station, area_type in stations.values():
        fleet = demo_data.URBAN_FLEET if area_type == "urban" else demo_data.RURAL_FLEET
        for kind, capabilities, count in fleet:
            for _ in range(count):
                add(station, kind, capabilities)
    for station_name, kind, capabilities in demo_data.SPECIALISTS:
        add(stations[station_name][0], kind, capabilities)
    Resource.objects.bulk_create(resources)

    for username, password, _title in demo_logins():
        if not User.objects.filter(username=username).exists():
            first_name, last_name, staff_number = demo_data.DEMO_STAFF[username]
            user = create_staff(
                username,
                by=None,
                password=password,
                roles=[username],
                first_name=first_name,
                last_name=last_name,
                staff_number=staff_number,
            )
            # Enrolled already, so a newcomer signs in with the key `demandhub demo` prints
            # (or the code `demandhub otp code <username>` shows) instead of scanning a QR code.
            otp.enrol(user, confirmed=True, name=otp.DEMO_DEVICE_NAME)
    # The demo logins that open restricted crime records (with a reason): the restricted-crime
    # team, which migration crimes/0004 created (docs/security.md, need-to-know).
    from demandhub.accounts.models import Team
    from demandhub.crimes.offences import RESTRICTED_TEAM

    team, _ = Team.objects.get_or_create(
        name=RESTRICTED_TEAM, defaults={"title": "Restricted crime records (sexual offences)"}
    )
    team.members.add(
        *User.objects.filter(
            username__in=["imu_reviewer", "sergeant", "supervisor", "crime_registrar"]
        )
    )
    audit.record(
        Action.FORCE_SEEDED,
        actor=None,
        subject=force,
        areas=len(demo_data.AREAS),
        stations=len(stations),
        resources=len(resources),
    )
    return force

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from demandhub.contacts.models import Contact
from demandhub.incidents import grading
from demandhub.incidents.models import Incident, Person, WarningMarker


class ContactFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Contact

    channel = Contact.Channel.EMERGENCY_CALL
    caller_name = "Alex Caller"
    caller_number = factory.Sequence(lambda n: f"+4477009{n:05d}")
    offered_at = factory.LazyFunction(timezone.now)


class IncidentFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Incident

    reference = factory.Sequence(lambda n: f"CC-20260101-{n + 1:04d}")
    summary = "Something happened"
    opened_at = factory.LazyFunction(timezone.now)
    classification = "CRIME-THEFT"
    latitude = 52.2053
    longitude = 0.1218


class PersonFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Person

    incident = factory.SubFactory(IncidentFactory)
    role = Person.Role.VICTIM
    name = "Jo Bloggs"
    added_at = factory.LazyFunction(timezone.now)


class WarningMarkerFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = WarningMarker

    code = WarningMarker.Code.DANGEROUS_DOG
    latitude = 52.2053
    longitude = 0.1218
    added_at = factory.LazyFunction(timezone.now)


def thrive(
    level: str = "low", *, circumstances: tuple[str, ...] = (), **levels: str
) -> grading.Assessment:
    """A complete THRIVE+ assessment: every element at `level` unless named in `levels`."""
    data: dict[str, Any] = {
        "elements": {
            k: {"level": levels.get(k, level), "rationale": f"{k} considered"}
            for k in grading.ELEMENTS
        },
        "circumstances": list(circumstances),
        "plus": dict.fromkeys(grading.plus_checklist(), True),
    }
    return grading.Assessment.from_dict(data)


def minutes_ago(n: int) -> Any:
    return timezone.now() - timedelta(minutes=n)

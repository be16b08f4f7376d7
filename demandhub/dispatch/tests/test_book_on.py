import pytest

from demandhub.audit.models import Action, Event
from demandhub.dispatch.actions import book_off, book_on
from demandhub.dispatch.errors import AlreadyBookedOn, CommittedUnitCannotBookOff, NotBookedOn
from demandhub.dispatch.models import Resource

from .factories import ResourceFactory

Status = Resource.Status


def test_booking_on_joins_the_crew_and_brings_an_off_duty_unit_on_duty(response_officer):
    unit = ResourceFactory(status=Status.OFF_DUTY)

    book_on(unit, by=response_officer)

    unit.refresh_from_db()
    assert list(unit.crew.all()) == [response_officer]
    assert unit.status == Status.AVAILABLE
    assert unit.status_changes.get().reason == "booked on"
    assert Event.objects.get(action=Action.RESOURCE_BOOKED_ON).actor == response_officer


def test_an_officer_cannot_crew_two_units_at_once(response_officer):
    first, second = ResourceFactory(call_sign="R01"), ResourceFactory(call_sign="R02")
    book_on(first, by=response_officer)

    with pytest.raises(AlreadyBookedOn, match="already booked on to R01"):
        book_on(second, by=response_officer)

    assert not second.crew.exists()


def test_the_last_officer_booking_off_takes_a_free_unit_off_duty(response_officer, second_officer):
    unit = ResourceFactory(status=Status.OFF_DUTY)
    book_on(unit, by=response_officer)
    book_on(unit, by=second_officer)

    book_off(unit, by=second_officer)
    unit.refresh_from_db()
    assert unit.status == Status.AVAILABLE

    book_off(unit, by=response_officer)
    unit.refresh_from_db()
    assert unit.status == Status.OFF_DUTY
    assert not unit.crew.exists()
    assert Event.objects.filter(action=Action.RESOURCE_BOOKED_OFF).count() == 2


def test_the_last_officer_cannot_book_off_a_unit_working_an_incident(response_officer):
    unit = ResourceFactory(status=Status.OFF_DUTY)
    book_on(unit, by=response_officer)
    Resource.objects.filter(pk=unit.pk).update(status=Status.EN_ROUTE)

    with pytest.raises(CommittedUnitCannotBookOff, match="en route"):
        book_off(unit, by=response_officer)

    assert unit.crew.filter(pk=response_officer.pk).exists()


def test_booking_off_a_unit_one_is_not_on_is_refused(response_officer):
    unit = ResourceFactory()

    with pytest.raises(NotBookedOn):
        book_off(unit, by=response_officer)

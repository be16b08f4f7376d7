import pytest

from demandhub.audit.models import Action, Event
from demandhub.incidents.actions import add_log_entry, strike_log_entry
from demandhub.incidents.errors import AlreadyStricken, ReasonRequired

from .factories import IncidentFactory


def test_log_entries_are_appended_and_audited(call_handler):
    incident = IncidentFactory()

    entry = add_log_entry(incident, by=call_handler, text="Caller says the man has left")

    assert (entry.author, entry.text, entry.system) == (
        call_handler,
        "Caller says the man has left",
        False,
    )
    assert Event.objects.filter(action=Action.INCIDENT_LOGGED).count() == 1


def test_a_wrong_entry_is_struck_through_not_deleted(call_handler, supervisor):
    entry = add_log_entry(IncidentFactory(), by=call_handler, text="Wrong address given")

    strike_log_entry(entry, by=supervisor, reason="Entered on the wrong incident")

    entry.refresh_from_db()
    assert (entry.stricken, entry.stricken_by, entry.text) == (
        True,
        supervisor,
        "Wrong address given",
    )
    assert Event.objects.get(action=Action.INCIDENT_LOG_STRICKEN).data["reason"] == (
        "Entered on the wrong incident"
    )


def test_striking_needs_a_reason_and_happens_once(call_handler):
    entry = add_log_entry(IncidentFactory(), by=call_handler, text="x")

    with pytest.raises(ReasonRequired):
        strike_log_entry(entry, by=call_handler, reason="")
    strike_log_entry(entry, by=call_handler, reason="typo")
    with pytest.raises(AlreadyStricken):
        strike_log_entry(entry, by=call_handler, reason="again")

import pytest

from demandhub.contacts import workflow
from demandhub.contacts.errors import TransitionNotAllowed
from demandhub.contacts.models import Contact

from .factories import ContactFactory


def test_every_status_has_a_row_in_the_transition_table():
    assert set(workflow.NEXT) == set(Contact.Status)


def test_a_completed_contact_cannot_move_again(call_handler):
    contact = ContactFactory(status=Contact.Status.COMPLETED, outcome="advice_given")

    with pytest.raises(TransitionNotAllowed):
        workflow.move(contact, Contact.Status.IN_PROGRESS, by=call_handler)

    assert not contact.status_changes.exists()


def test_a_move_records_who_moved_it_and_why(call_handler):
    contact = ContactFactory()

    change = workflow.move(contact, Contact.Status.IN_PROGRESS, by=call_handler, reason="taken")

    assert (change.old_status, change.new_status, change.changed_by, change.reason) == (
        "queued",
        "in_progress",
        call_handler,
        "taken",
    )

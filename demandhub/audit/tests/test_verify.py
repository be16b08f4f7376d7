"""`demandhub audit verify` proves nobody rewrote, removed or inserted history."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from demandhub import audit
from demandhub.audit import chain
from demandhub.audit.models import Action, Event

from .tampering import execute


@pytest.fixture
def trail(supervisor):  # type: ignore[no-untyped-def]
    return [
        audit.record(Action.USER_ROLES_CHANGED, actor=supervisor, subject=supervisor, n=i)
        for i in range(5)
    ]


def test_an_intact_trail_verifies(trail, capsys):
    call_command("audit", "verify")

    assert f"audit chain intact: {Event.objects.count()} entries" in capsys.readouterr().out


def test_an_entry_altered_in_the_database_is_named_by_verify(trail):
    victim = trail[2]
    execute("UPDATE audit_event SET data = %s WHERE id = %s", ['{"n": 99}', victim.pk])

    with pytest.raises(CommandError, match=rf"broken at entry #{victim.pk}: its content") as e:
        call_command("audit", "verify")
    assert e.value.returncode == 1


def test_a_deleted_entry_breaks_the_chain_at_its_successor(trail):
    execute("DELETE FROM audit_event WHERE id = %s", [trail[1].pk])

    with pytest.raises(CommandError, match=rf"broken at entry #{trail[2].pk}: its previous-hash"):
        call_command("audit", "verify")


def test_a_forged_entry_with_a_recomputed_hash_still_breaks_the_link_after_it(trail):
    # The forger rewrites entry 3 and fixes its own hash, but cannot fix entry 4's prev_hash
    # without rewriting every later entry too.
    forged = Event.objects.get(pk=trail[3].pk)
    forged.data = {"n": 1000}
    new_hash = chain.hash_of(forged)
    execute(
        "UPDATE audit_event SET data = %s, hash = %s WHERE id = %s",
        ['{"n": 1000}', new_hash, forged.pk],
    )

    verdict = chain.verify(Event.objects.order_by("id"))

    assert (verdict.ok, verdict.broken_id) == (False, trail[4].pk)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET action = 'x' WHERE id = %s", "DELETE FROM audit_event WHERE id = %s"],
)
def test_postgresql_itself_refuses_to_update_or_delete_entries(trail, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [trail[0].pk])

    assert Event.objects.get(pk=trail[0].pk).action == Action.USER_ROLES_CHANGED


def test_two_entries_cannot_claim_the_same_predecessor(trail):
    twin = Event.objects.get(pk=trail[-1].pk)
    twin.pk = None

    with pytest.raises(DatabaseError), transaction.atomic():
        twin.save(force_insert=True)


def test_a_recorded_head_shows_the_newest_entries_were_deleted(trail, capsys):
    """A chain cut short at its end still verifies on its own; the head an earlier verify
    printed, kept outside the database, shows the cut."""
    call_command("audit", "verify")
    recorded = capsys.readouterr().out.rsplit("head ", 1)[1].strip()
    middle = trail[2].hash
    call_command("audit", "verify", "--head", middle, "--head", recorded)  # both reached
    assert "recorded head(s) reached: 2" in capsys.readouterr().out

    execute("DELETE FROM audit_event WHERE id >= %s", [trail[3].pk])

    call_command("audit", "verify")  # on its own, the shorter chain verifies
    call_command("audit", "verify", "--head", middle)  # the cut came after this head
    with pytest.raises(CommandError, match=f"does not reach the recorded head {recorded}") as e:
        call_command("audit", "verify", "--head", recorded)
    assert e.value.returncode == 1


def test_a_head_of_no_chain_is_refused(trail):
    with pytest.raises(CommandError, match="does not reach the recorded head"):
        call_command("audit", "verify", "--head", "f" * 64)

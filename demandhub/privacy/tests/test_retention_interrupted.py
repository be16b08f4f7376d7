"""A retention run interrupted after a batch commits but before its files are removed: the
files stay queued (privacy.FileToRemove), and the next run removes them first, changing
nothing else."""

from pathlib import Path

import pytest
from django.test import TestCase
from django.utils import timezone

from demandhub.audit import chain
from demandhub.audit.models import Event
from demandhub.audit.queries import events_in_chain_order
from demandhub.contacts.models import Attachment, Contact
from demandhub.privacy import retention
from demandhub.privacy.models import FileToRemove, RetentionDone

from .test_retention import OLD, _counts, _old_contact, _run

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    folder = tmp_path / "uploads" / "ab"
    folder.mkdir(parents=True)
    return folder


def _photo(contact: Contact, folder: Path, name: str) -> Path:
    path = folder / f"{name}.jpg"
    path.write_bytes(b"jpeg")
    Attachment.objects.create(
        contact=contact,
        original_name=f"{name}.jpg",
        content_type="image/jpeg",
        size=4,
        sha256=name,
        stored_as=f"ab/{name}.jpg",
        uploaded_at=OLD,
    )
    return path


def _interrupted_run() -> None:
    """A run whose process dies right after each batch commits: its after-commit removal
    never runs (the captured callbacks are dropped, not executed)."""
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        _run()
    # The removal that did not happen (the other callback announces the audit entries).
    assert [c for c in callbacks if c is retention.remove_queued_files]


def test_the_next_run_removes_the_queued_file_and_changes_nothing_else(uploads):
    contact = _old_contact()
    photo = _photo(contact, uploads, "own")

    _interrupted_run()

    # The batch committed: the contact is anonymised and audited, its photo row gone...
    assert Contact.objects.get(pk=contact.pk).caller_name == ""
    assert not Attachment.objects.exists()
    # ...and its file, which nothing refers to any more, is queued, not lost track of.
    assert photo.exists()
    assert list(FileToRemove.objects.values_list("path", flat=True)) == [str(photo)]

    before = _counts()
    events = list(Event.objects.values_list("pk", "hash"))
    done = list(RetentionDone.objects.values_list("record_type", "record_id"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        out = _run()

    assert not photo.exists()
    assert not FileToRemove.objects.exists()
    assert "1 file(s) queued by an earlier run removed first" in out
    assert "0 records did change" in out
    # Nothing else changed: the queue row is the only difference in any table.
    after = _counts()
    assert after.pop("privacy.FileToRemove") == 0
    assert before.pop("privacy.FileToRemove") == 1
    assert after == before
    assert list(Event.objects.values_list("pk", "hash")) == events
    assert list(RetentionDone.objects.values_list("record_type", "record_id")) == done
    assert chain.verify(events_in_chain_order()).ok


def test_a_dry_run_reports_the_queue_and_leaves_it(uploads):
    photo = _photo(_old_contact(), uploads, "own")
    _interrupted_run()

    out = _run("--dry-run")

    assert "1 file(s) queued by an earlier run would be removed first" in out
    assert photo.exists()
    assert FileToRemove.objects.count() == 1


def test_an_uninterrupted_run_leaves_nothing_queued(uploads):
    photo = _photo(_old_contact(), uploads, "own")
    with TestCase.captureOnCommitCallbacks(execute=True):
        _run()

    assert not photo.exists()
    assert not FileToRemove.objects.exists()


def test_a_queued_photo_stored_again_since_is_kept(uploads):
    """Photos are stored once by their hash: one sent again after the interrupted run is
    the new contact's file now, and the queue entry goes without removing it."""
    photo = _photo(_old_contact(), uploads, "own")
    _interrupted_run()
    recent = _old_contact()
    Contact.objects.filter(pk=recent.pk).update(offered_at=timezone.now())
    _photo(recent, uploads, "own")  # the same photo, the same file

    assert retention.remove_queued_files() == 1

    assert photo.exists()
    assert not FileToRemove.objects.exists()

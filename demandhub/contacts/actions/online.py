"""Online reports from the public: a crime, anti-social behaviour or a road traffic incident."""

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import conf
from ..models import Attachment, Contact
from ..uploads import CheckedPhoto, store
from .intake import receive_contact


@transaction.atomic
def submit_online_report(
    *,
    kind: str,
    name: str,
    email: str,
    phone: str,
    summary: str,
    details: dict[str, Any],
    photos: list[tuple[str, CheckedPhoto]],
) -> tuple[Contact, str]:
    """Queue the report with its photos (already checked); returns it and the tracking token.

    Photos are written before the rows that name them, so a row never points at a missing
    file; a failed transaction leaves at most an unreferenced file, harmless and deduplicated.
    """
    contact, token = receive_contact(
        by=None,
        channel=Contact.Channel.ONLINE_REPORT,
        caller_name=name,
        caller_email=email,
        caller_number=phone,
        subject=f"{Contact.ReportKind(kind).label}: {summary[:150]}",
        message=summary,
        report_kind=kind,
        report_details=details,
        public_link=True,
    )
    root = Path(conf.uploads_dir())
    now = timezone.now()
    for original_name, photo in photos:
        Attachment.objects.create(
            contact=contact,
            original_name=original_name[:200],
            content_type=photo.content_type,
            size=len(photo.data),
            sha256=photo.sha256,
            stored_as=store(photo, root),
            uploaded_at=now,
        )
    return contact, token

"""`demandhub subject-access --name N --dob D --phone P --email E --postcode PC --out DIR`"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from demandhub import audit
from demandhub.audit.models import Action
from demandhub.privacy import export
from demandhub.privacy.subject_access import Identifiers, SubjectAccessError, search


class Command(BaseCommand):
    help = "Find everything held about a person; write export.json and export.html."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="")
        parser.add_argument("--dob", default="", help="date of birth, YYYY-MM-DD")
        parser.add_argument("--phone", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--postcode", default="")
        parser.add_argument("--out", required=True, help="folder for the export")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ids = Identifiers.parse(
                name=options["name"],
                date_of_birth=options["dob"],
                phone=options["phone"],
                email=options["email"],
                postcode=options["postcode"],
            )
            found = search(ids)
            json_path, html_path = export.write(Path(options["out"]), ids, found)
        except SubjectAccessError as error:
            raise CommandError(str(error)) from error
        with transaction.atomic():
            # The entry says a search ran and what it found, not whom it was about.
            audit.record(
                Action.SUBJECT_ACCESS_SEARCHED,
                actor=None,
                subject_type="privacy.subjectaccess",
                subject_id=html_path.parent.name[:64],
                searched_by=ids.kinds(),
                records=len(found),
            )
        review = sum(1 for f in found if f.review)
        self.stdout.write(
            f"{len(found)} records found, {review} for review before disclosure: "
            f"{json_path}, {html_path}"
        )

"""`demandhub eido export REFERENCE | validate FILE | import FILE` (NENA EIDO JSON).

The schema comes from --schema or the EIDO_SCHEMA_PATH setting. validate exits 0 when the
document is valid and 1 with the reasons when it is not.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.incidents import eido
from demandhub.incidents.actions import import_eido_incident, record_eido_export
from demandhub.incidents.models import Incident


class Command(BaseCommand):
    help = "Export, validate and import NENA EIDO JSON documents."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="print an incident as EIDO JSON")
        export.add_argument("reference")
        validate = sub.add_parser("validate", help="check a document against the schema")
        validate.add_argument("file")
        imported = sub.add_parser("import", help="raise an incident from a document")
        imported.add_argument("file")
        for p in (export, validate, imported):
            p.add_argument(
                "--schema", default="", help="NENA's openapi.yaml (else EIDO_SCHEMA_PATH)"
            )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['subcommand']}")(options)
        except eido.SchemaUnavailable as e:
            raise CommandError(str(e), returncode=2) from e

    def _load(self, file: str) -> Any:
        try:
            return json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise CommandError(f"{file}: not a readable JSON document ({e})", returncode=1) from e

    def _export(self, options: dict[str, Any]) -> None:
        incident = Incident.objects.filter(reference=options["reference"]).first()
        if incident is None:
            raise CommandError(f"no incident {options['reference']}", returncode=1)
        document = eido.export_incident(incident)
        eido.validate(document, schema=options["schema"] or None)
        record_eido_export(incident, by=None)
        self.stdout.write(eido.dumps(document))

    def _validate(self, options: dict[str, Any]) -> None:
        reasons = eido.problems(self._load(options["file"]), schema=options["schema"] or None)
        if reasons:
            for reason in reasons:
                self.stderr.write(reason)
            self.stderr.write(f"{options['file']}: INVALID ({len(reasons)} problems)")
            sys.exit(1)
        self.stdout.write(f"{options['file']}: valid EIDO")

    def _import(self, options: dict[str, Any]) -> None:
        document = self._load(options["file"])
        try:
            incident = import_eido_incident(document, by=None, schema=options["schema"] or None)
        except eido.EidoInvalid as e:
            for reason in e.reasons:
                self.stderr.write(reason)
            raise CommandError(f"{options['file']}: not imported, the document is invalid") from e
        self.stdout.write(f"{incident.reference} raised from {options['file']}")

"""`demandhub location parse TEXT`: print the normalised location as JSON (exit 2 if unusable)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.incidents.locations import LocationInvalid, parse


class Command(BaseCommand):
    help = "Parse a location (grid reference, lat/lon, what3words, AML, address) into JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("parse", help="print the normalised location as JSON")
        p.add_argument("text", nargs="+", help="the location as typed or received")
        p.add_argument(
            "--kind",
            default="",
            choices=["", "latlon", "bng", "gridref", "what3words", "aml", "address"],
            help="force a format instead of recognising it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = " ".join(options["text"])
        try:
            location = parse(text, kind=options["kind"])
        except LocationInvalid as e:
            raise CommandError(str(e), returncode=2) from e
        self.stdout.write(json.dumps(location.as_dict(), indent=2, ensure_ascii=False))

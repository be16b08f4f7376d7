"""`demandhub aml parse TEXT`: read an AML message (SMS text or HTTPS form body) as JSON."""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demandhub.contacts import aml


class Command(BaseCommand):
    help = "Advanced Mobile Location tools. `aml parse TEXT` prints the parsed message as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        parse = sub.add_parser("parse", help="parse one message; exit 2 if it cannot be read")
        parse.add_argument("text", help="the message, e.g. 'A\"ML=1;lt=+51.5;...'")

    def handle(self, *args: Any, subcommand: str, text: str, **options: Any) -> None:
        try:
            position = aml.parse(text)
        except aml.AmlError as e:
            self.stderr.write(f"not a readable AML message: {e}")
            sys.exit(2)
        self.stdout.write(json.dumps(position.as_json(), indent=2))

"""`demandhub audit verify`: walk the hash chain; exit 1 naming the first broken entry."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.audit import chain
from demandhub.audit.queries import events_in_chain_order


class Command(BaseCommand):
    help = "Audit trail tools. `verify` checks that no entry was altered, removed or inserted."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="check the hash chain of the whole audit trail")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self.verify()

    def verify(self) -> None:
        verdict = chain.verify(events_in_chain_order().iterator(chunk_size=2000))
        if not verdict.ok:
            raise CommandError(
                f"audit chain broken at entry #{verdict.broken_id}: {verdict.reason} "
                f"({verdict.checked} entries before it are intact)",
                returncode=1,
            )
        self.stdout.write(f"audit chain intact: {verdict.checked} entries, head {verdict.head}")

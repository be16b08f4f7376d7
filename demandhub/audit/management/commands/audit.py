"""`demandhub audit verify [--head HASH ...]`: walk the hash chain; exit 1 naming the first
broken entry, or a head recorded earlier that the chain no longer reaches (its newest entries
were deleted: a shorter chain still verifies on its own)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.audit import chain
from demandhub.audit.models import Event
from demandhub.audit.queries import events_in_chain_order


class Command(BaseCommand):
    help = "Audit trail tools. `verify` checks that no entry was altered, removed or inserted."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check the hash chain of the whole audit trail")
        verify.add_argument(
            "--head",
            action="append",
            default=[],
            metavar="HASH",
            help="a head printed by an earlier verify and kept outside the database: fail if "
            "the chain no longer contains it (entries at the end were deleted); repeatable",
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self.verify(options["head"])

    def verify(self, heads: list[str]) -> None:
        verdict = chain.verify(events_in_chain_order().iterator(chunk_size=2000))
        if not verdict.ok:
            raise CommandError(
                f"audit chain broken at entry #{verdict.broken_id}: {verdict.reason} "
                f"({verdict.checked} entries before it are intact)",
                returncode=1,
            )
        for head in heads:
            # An intact chain holds an earlier head either as its head or as the previous-hash
            # of the entry after it (prev_hash is unique, so this is one indexed lookup).
            if head != verdict.head and not Event.objects.filter(prev_hash=head).exists():
                raise CommandError(
                    f"audit chain does not reach the recorded head {head}: entries after it "
                    f"were removed, or it is not a head of this trail ({verdict.checked} "
                    f"entries intact, head now {verdict.head})",
                    returncode=1,
                )
        self.stdout.write(f"audit chain intact: {verdict.checked} entries, head {verdict.head}")
        if heads:
            self.stdout.write(f"recorded head(s) reached: {len(heads)}")

"""`demandhub crimes vectors [--rebuild]`: store the linked-crime text vector of every crime
that has none from the current encoder (after an upgrade or a switch of encoder)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demandhub.crimes import linking


class Command(BaseCommand):
    help = "Crime tools. `vectors` encodes the crimes missing a text vector for linked crimes."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        vectors = sub.add_parser("vectors", help="encode crimes with no vector of this encoder")
        vectors.add_argument("--rebuild", action="store_true", help="re-encode every crime")
        vectors.add_argument("--batch", type=int, default=256, help="crimes per transaction")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "vectors":
            name, stored = linking.store_missing_vectors(
                batch=max(1, options["batch"]), rebuild=options["rebuild"]
            )
            self.stdout.write(f"{stored} crime vectors stored ({name})")

"""`demandhub idempotency prune [--hours 72]`: forget idempotency keys older than that.

A retry comes within minutes; keys are kept for days so that a gateway replaying its backlog
after an outage still gets its first answers. Run it daily (docs/operations.md).
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from demandhub.core.models import IdempotencyKey


class Command(BaseCommand):
    help = "Forget idempotency keys older than --hours (default 72)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        prune = sub.add_parser("prune", help="delete keys older than --hours")
        prune.add_argument("--hours", type=int, default=72)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hours"] < 1:
            self.stderr.write("--hours must be at least 1")
            raise SystemExit(2)
        cutoff = timezone.now() - timedelta(hours=options["hours"])
        deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"{deleted} idempotency keys older than {options['hours']} h deleted")

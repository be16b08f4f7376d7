"""`demandhub retention apply [--dry-run]` and `demandhub retention hold place|release|list`."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.accounts.models import User
from demandhub.privacy import holds, retention
from demandhub.privacy.models import LegalHold


class Command(BaseCommand):
    help = "Apply the retention schedule; place and release legal holds (docs/privacy.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        apply = sub.add_parser("apply", help="anonymise or delete what the schedule says is due")
        apply.add_argument("--dry-run", action="store_true", help="report only; change nothing")
        apply.add_argument("--batch-size", type=int, default=retention.BATCH_SIZE)
        hold = sub.add_parser("hold", help="legal holds")
        hold_sub = hold.add_subparsers(dest="hold_action", required=True)
        place = hold_sub.add_parser("place", help="hold a record (and the records linked to it)")
        place.add_argument("record_type", help="e.g. crimes.crimerecord, incidents.incident")
        place.add_argument("record_id")
        place.add_argument("--reason", required=True)
        place.add_argument("--by", required=True, help="username of the member of staff")
        release = hold_sub.add_parser("release", help="release a hold")
        release.add_argument("hold_id", type=int)
        release.add_argument("--reason", required=True)
        release.add_argument("--by", required=True, help="username of the member of staff")
        hold_sub.add_parser("list", help="the holds in force")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        try:
            if subcommand == "apply":
                self.apply(options["dry_run"], options["batch_size"])
            else:
                self.hold(options)
        except (holds.HoldError, ImproperlyConfigured) as error:
            raise CommandError(str(error)) from error

    def apply(self, dry_run: bool, batch_size: int) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if queued := retention.queued_files():
            # Left by a run interrupted between a batch's commit and removing its files.
            self.stdout.write(
                f"{queued} file(s) queued by an earlier run "
                + ("would be removed first" if dry_run else "removed first")
            )
        outcomes = retention.dry_run() if dry_run else retention.apply(batch_size=batch_size)
        verb = "would" if dry_run else "did"
        for o in outcomes:
            period = "never automatically (review)" if o.days is None else f"after {o.days} days"
            count = o.due if dry_run else o.done
            self.stdout.write(f"{o.key}: {o.action} {period}: {verb} {o.action} {count}")
            for record_id, hold_id in o.held:
                self.stdout.write(f"  kept by legal hold #{hold_id}: {o.key} {record_id}")
        total = sum(o.due if dry_run else o.done for o in outcomes)
        held = sum(len(o.held) for o in outcomes)
        self.stdout.write(
            f"{'dry run: nothing changed; ' if dry_run else ''}{total} records {verb} change, "
            f"{held} kept by legal holds"
        )

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no member of staff with username {username!r}")
        return user

    def hold(self, options: dict[str, Any]) -> None:
        action = options["hold_action"]
        if action == "place":
            hold = holds.place(
                options["record_type"],
                options["record_id"],
                reason=options["reason"],
                by=self._user(options["by"]),
            )
            self.stdout.write(
                f"legal hold #{hold.pk} placed on {hold.subject_type} {hold.subject_id}"
            )
        elif action == "release":
            hold = holds.release(
                options["hold_id"], reason=options["reason"], by=self._user(options["by"])
            )
            self.stdout.write(f"legal hold #{hold.pk} released")
        else:
            for hold in LegalHold.objects.filter(released_at__isnull=True).order_by("pk"):
                self.stdout.write(
                    f"#{hold.pk} {hold.subject_type} {hold.subject_id} since "
                    f"{hold.placed_at:%Y-%m-%d} by {hold.placed_by or 'system'}: {hold.reason}"
                )

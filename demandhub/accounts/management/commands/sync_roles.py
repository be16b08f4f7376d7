"""`demandhub sync_roles`: make the role Groups hold exactly the permissions in accounts/roles.py."""

from typing import Any

from django.core.management.base import BaseCommand

from demandhub.accounts.actions import sync_roles


class Command(BaseCommand):
    help = "Create or update one Group per role from accounts/roles.py (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = sync_roles(by=None)
        self.stdout.write(f"roles updated: {', '.join(changed)}" if changed else "roles up to date")

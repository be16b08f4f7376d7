"""`demandhub sync_roles`: make each role's Group hold exactly its permissions in roles.py."""

from typing import Any

from django.core.management.base import BaseCommand

from demandhub.accounts.actions import sync_roles


class Command(BaseCommand):
    help = "Create or update one Group per role from accounts/roles.py (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = sync_roles(by=None)
        self.stdout.write(f"roles updated: {', '.join(changed)}" if changed else "roles up to date")

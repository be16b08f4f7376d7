"""`demandhub seed`: create the demo force, resources and one login per role, if no force exists."""

from typing import Any

from django.core.management.base import BaseCommand

from demandhub.forces.seeding import demo_authenticator_keys, demo_logins, seed_demo_force


class Command(BaseCommand):
    help = "Seed the demo force (areas, stations, about 40 resources, one login per role) if empty."

    def handle(self, *args: Any, **options: Any) -> None:
        force = seed_demo_force()
        if options["verbosity"] == 0:
            return
        if force is None:
            self.stdout.write("A force already exists: nothing seeded.")
            return
        self.stdout.write(f"Seeded {force.name}.")
        keys = demo_authenticator_keys()
        for username, password, title in demo_logins():
            self.stdout.write(f"  {title:<28} {username} / {password} / {keys.get(username, '')}")

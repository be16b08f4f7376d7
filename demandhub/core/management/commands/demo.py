"""`demandhub demo`: migrate, seed the demo force if empty, and serve on 127.0.0.1:8000."""

import secrets
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from demandhub.config.settings import DEVELOPMENT_SECRET_KEY
from demandhub.forces.seeding import demo_logins


class Command(BaseCommand):
    help = "Set up and start the demo control room: migrate, seed if empty, serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")

    def handle(self, *args: Any, host: str, port: int, no_serve: bool, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self._ensure_secret_key()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed", verbosity=0)
        url = f"http://{host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demand Hub demo: {url}"))
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        self.stdout.write("Demo logins (username / password):")
        for username, password, title in demo_logins():
            self.stdout.write(f"  {title:<28} {username} / {password}")
        if not no_serve:
            call_command("serve", host=host, port=port)

    def _ensure_secret_key(self) -> None:
        """A demo needs no configuration: without SECRET_KEY, generate one in the data folder."""
        if settings.SECRET_KEY != DEVELOPMENT_SECRET_KEY:
            return
        path = settings.DATA_DIR / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        settings.SECRET_KEY = path.read_text().strip()

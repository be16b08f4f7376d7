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
        parser.add_argument(
            "--no-demand",
            action="store_true",
            help="do not send generated demand to the server (docs/demand.md)",
        )

    def handle(
        self, *args: Any, host: str, port: int, no_serve: bool, no_demand: bool, **options: Any
    ) -> None:
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
            if not no_demand:
                self._start_demand(host, port)
            call_command("serve", host=host, port=port)

    def _start_demand(self, host: str, port: int) -> None:
        """Living demand: the generator sends contacts to this server once it is up."""
        from demandhub.accounts.actions import issue_token, revoke_token
        from demandhub.accounts.models import ApiToken, User
        from demandhub.demand import background
        from demandhub.demand.queries import policing_areas

        gateway = User.objects.filter(username="contact_gateway", is_active=True).first()
        if gateway is None:
            self.stdout.write("Living demand: off (no active contact_gateway account)")
            return
        # One live token for the generator: the previous run's is revoked, not left to pile up.
        name = "demo demand generator"
        for old in ApiToken.objects.filter(user=gateway, name=name, revoked_at__isnull=True):
            revoke_token(old, by=None)
        _, token = issue_token(gateway, by=None, name=name)
        log_path = settings.DATA_DIR / "demand.log"
        local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        background.start(
            base_url=f"http://{local}:{port}",
            token=token,
            areas=policing_areas(),
            log_path=log_path,
        )
        self.stdout.write(f"Living demand: on, real time (log: {log_path}; --no-demand: off)")

    def _ensure_secret_key(self) -> None:
        """A demo needs no configuration: without SECRET_KEY, generate one in the data folder."""
        if settings.SECRET_KEY != DEVELOPMENT_SECRET_KEY:
            return
        path = settings.DATA_DIR / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        settings.SECRET_KEY = path.read_text().strip()

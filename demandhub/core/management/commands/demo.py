"""`demandhub demo`: migrate, seed the demo force if empty, and serve on 127.0.0.1:8000."""

import secrets
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from demandhub.config.settings import DEVELOPMENT_SECRET_KEY
from demandhub.forces.seeding import demo_authenticator_keys, demo_logins

# The simulated staff's own accounts, so their work is never mistaken for a person's (a person
# signed in as the demo call handler must not find the simulation's calls in their hands).
SIMULATED_HANDLER, SIMULATED_DISPATCHER = "simulated_call_handler", "simulated_dispatcher"
SIMULATED_STAFF = {
    SIMULATED_HANDLER: ("call_handler", "Simulated", "call handler"),
    SIMULATED_DISPATCHER: ("dispatcher", "Simulated", "dispatcher"),
}


def _fresh_token(username: str, name: str) -> str | None:
    """A new token for the account (the simulated staff's made first); the previous run's
    token of that name is revoked, not left to pile up. None when there is no such account."""
    from demandhub.accounts.actions import create_staff, issue_token, revoke_token
    from demandhub.accounts.models import ApiToken, User

    user = User.objects.filter(username=username).first()
    if user is None and username in SIMULATED_STAFF:
        role, first, last = SIMULATED_STAFF[username]
        user = create_staff(
            username,
            by=None,
            password=secrets.token_urlsafe(32),  # nobody signs in as a simulation
            roles=[role],
            first_name=first,
            last_name=last,
        )
    if user is None or not user.is_active:
        return None
    for old in ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True):
        revoke_token(old, by=None)
    return issue_token(user, by=None, name=name)[1]


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
        parser.add_argument(
            "--no-simulated-staff",
            action="store_true",
            help="no simulated call handlers, dispatcher and crews: people work every console",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        no_serve: bool,
        no_demand: bool,
        no_simulated_staff: bool,
        **options: Any,
    ) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self._ensure_secret_key()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed", verbosity=0)
        url = f"http://{host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demand Hub demo: {url}"))
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        self.stdout.write("Demo logins (username / password / authenticator key):")
        keys = demo_authenticator_keys()
        for username, password, title in demo_logins():
            key = keys.get(username, "(set up at sign-in)")
            self.stdout.write(f"  {title:<28} {username} / {password} / {key}")
        self.stdout.write(
            "Sign-in asks for a code: add the key to any authenticator app (time-based), or run"
            " `demandhub otp code <username>` for the current code of a demo login."
        )
        if not no_serve:
            if not no_demand:
                self._start_demand(host, port, simulated_staff=not no_simulated_staff)
            call_command("serve", host=host, port=port)

    def _start_demand(self, host: str, port: int, *, simulated_staff: bool) -> None:
        """Living demand: the generator sends contacts to this server once it is up; the
        simulated staff and crews answer, deploy and drive."""
        from demandhub.demand import background
        from demandhub.demand.queries import policing_areas

        token = _fresh_token("contact_gateway", "demo demand generator")
        if token is None:
            self.stdout.write("Living demand: off (no active contact_gateway account)")
            return
        log_path = settings.DATA_DIR / "demand.log"
        local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        base_url = f"http://{local}:{port}"
        staff = None
        sim_log = settings.DATA_DIR / "simulation.log"
        if simulated_staff:
            tokens = (
                _fresh_token(SIMULATED_HANDLER, "demo simulated staff"),
                _fresh_token(SIMULATED_DISPATCHER, "demo simulated staff"),
                _fresh_token("vehicle_locator", "demo simulated units"),
            )
            if None not in tokens:
                handler, dispatcher, locator = tokens
                staff = background.Staff(handler, dispatcher, locator, sim_log)  # type: ignore[arg-type]
        background.start(
            base_url=base_url,
            token=token,
            areas=policing_areas(),
            log_path=log_path,
            staff=staff,
        )
        self.stdout.write(f"Living demand: on, real time (log: {log_path}; --no-demand: off)")
        if staff is None:
            self.stdout.write("Simulated staff: off")
            return
        self.stdout.write(
            f"Simulated staff: on, answering 999/101 and deploying Grade 1-2 as "
            f"{SIMULATED_HANDLER} and {SIMULATED_DISPATCHER} (log: {sim_log}; "
            "--no-simulated-staff: off)"
        )

    def _ensure_secret_key(self) -> None:
        """A demo needs no configuration: without SECRET_KEY, generate one in the data folder."""
        if settings.SECRET_KEY != DEVELOPMENT_SECRET_KEY:
            return
        path = settings.DATA_DIR / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        settings.SECRET_KEY = path.read_text().strip()

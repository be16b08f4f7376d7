"""`demandhub otp code|reset|revoke-sessions`: the second factor and sessions, from the shell."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.accounts import actions, otp
from demandhub.accounts.errors import ReasonRequired
from demandhub.accounts.models import User


class Command(BaseCommand):
    help = "Second-factor tools: a demo login's current code, reset a lost authenticator."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        code = sub.add_parser(
            "code", help="the current code of a demo login's seeded authenticator (demo only)"
        )
        code.add_argument("username")
        reset = sub.add_parser(
            "reset", help="forget a user's authenticator (they set one up at next sign-in)"
        )
        reset.add_argument("username")
        reset.add_argument("--reason", required=True)
        revoke = sub.add_parser("revoke-sessions", help="sign a user out on every device")
        revoke.add_argument("username")
        revoke.add_argument("--reason", required=True)

    def handle(self, *args: Any, subcommand: str, username: str, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"no account {username!r}") from None
        try:
            if subcommand == "code":
                device = otp.confirmed_device(user)
                if device is None or device.name != otp.DEMO_DEVICE_NAME:
                    raise CommandError(
                        f"{username} does not use the seeded demo authenticator: codes are shown "
                        "only for demo logins, never for real staff"
                    )
                self.stdout.write(otp.current_code(device))
            elif subcommand == "reset":
                actions.reset_second_factor(user, by=None, reason=options["reason"])
                self.stdout.write(f"{username} sets up a new authenticator at next sign-in")
            else:
                actions.revoke_sessions(user, by=None, reason=options["reason"])
                self.stdout.write(f"{username} is signed out everywhere")
        except ReasonRequired as error:
            raise CommandError(str(error)) from None

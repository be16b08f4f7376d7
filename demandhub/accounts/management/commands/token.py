"""`demandhub token issue|revoke|list`: API tokens for devices and gateways."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.accounts.actions import issue_token, revoke_token
from demandhub.accounts.errors import TokenAlreadyRevoked
from demandhub.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue, revoke or list API bearer tokens. A token acts as its (service) account."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        issue = sub.add_parser("issue", help="issue a token; the secret is printed once")
        issue.add_argument("--user", required=True, help="username the token acts as")
        issue.add_argument("--name", required=True, help="what uses it, e.g. 'telephony gateway'")
        revoke = sub.add_parser("revoke", help="revoke a token by id")
        revoke.add_argument("token_id", type=int)
        sub.add_parser("list", help="list tokens (never their secrets)")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "issue":
            try:
                user = User.objects.get(username=options["user"], is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"no active account {options['user']!r}") from None
            token, secret = issue_token(user, by=None, name=options["name"])
            self.stdout.write(f"token #{token.pk} for {user.username}: {secret}")
            self.stdout.write("Keep it now: only its hash is stored.")
        elif subcommand == "revoke":
            try:
                revoke_token(ApiToken.objects.get(pk=options["token_id"]), by=None)
            except ApiToken.DoesNotExist:
                raise CommandError(f"no token #{options['token_id']}") from None
            except TokenAlreadyRevoked as e:
                raise CommandError(str(e)) from None
            self.stdout.write(f"token #{options['token_id']} revoked")
        else:
            for t in ApiToken.objects.select_related("user").order_by("id"):
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                self.stdout.write(f"#{t.pk} {t.name} as {t.user.username} ({t.prefix}…) {state}")

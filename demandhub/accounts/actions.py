"""Writes for staff accounts, roles and API tokens: each audited in its own transaction."""

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from demandhub import audit
from demandhub.audit.models import Action
from demandhub.core import realtime

from .errors import ReasonRequired, TokenAlreadyRevoked, UnknownRole
from .models import ApiToken, User, hash_token
from .roles import ADMIN_SITE_ROLES, ROLES, ROLES_BY_NAME

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice


def _permissions(codenames: Iterable[str]) -> list[Permission]:
    wanted = set(codenames)
    found = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    missing = wanted - found.keys()
    if missing:
        raise LookupError(f"roles.py names permissions that do not exist: {sorted(missing)}")
    return [found[name] for name in sorted(wanted)]


@transaction.atomic
def sync_roles(*, by: User | None) -> list[str]:
    """Make one Group per role hold exactly its permissions. by=None: run by a command."""
    changed = []
    for role in ROLES:
        group, created = Group.objects.get_or_create(name=role.name)
        wanted = _permissions(role.permissions)
        current = set(group.permissions.all())
        if created or current != set(wanted):
            group.permissions.set(wanted)
            changed.append(role.name)
    if changed:
        audit.record(
            Action.ROLES_SYNCED, actor=by, subject_type="auth.group", subject_id="*", roles=changed
        )
    return changed


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    for name in roles:
        if name not in ROLES_BY_NAME:
            raise UnknownRole(name)
    return roles


@transaction.atomic
def create_staff(
    username: str,
    *,
    by: User | None,
    password: str,
    roles: Iterable[str] = (),
    first_name: str = "",
    last_name: str = "",
    staff_number: str = "",
) -> User:
    """Create a member of staff holding `roles`. by=None: created by a command (seed, demo)."""
    role_names = _check_roles(roles)
    user = User.objects.create_user(
        username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        staff_number=staff_number,
        is_staff=bool(ADMIN_SITE_ROLES & set(role_names)),
    )
    user.groups.set(Group.objects.filter(name__in=role_names))
    audit.record(Action.USER_CREATED, actor=by, subject=user, roles=role_names)
    return user


@transaction.atomic
def set_roles(user: User, *, by: User | None, roles: Iterable[str]) -> User:
    role_names = _check_roles(roles)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(Group.objects.filter(name__in=role_names))
    user.is_staff = bool(ADMIN_SITE_ROLES & set(role_names)) or user.is_superuser
    user.save(update_fields=["is_staff"])
    audit.record(Action.USER_ROLES_CHANGED, actor=by, subject=user, before=before, after=role_names)
    return user


@transaction.atomic
def issue_token(user: User, *, by: User | None, name: str) -> tuple[ApiToken, str]:
    """A new token acting as `user`; returns it with the secret, which is never stored."""
    secret = "dh_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        user=user,
        prefix=secret[3:11],
        secret_hash=hash_token(secret),
        issued_at=timezone.now(),
        issued_by=by,
    )
    audit.record(Action.TOKEN_ISSUED, actor=by, subject=token, name=name, acts_as=user.username)
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, by: User | None) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise TokenAlreadyRevoked(f"token {token} was revoked at {token.revoked_at:%Y-%m-%d %H:%M}")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(Action.TOKEN_REVOKED, actor=by, subject=token)
    return token


@transaction.atomic
def confirm_second_factor(device: "TOTPDevice", *, by: User) -> "TOTPDevice":
    """The first good code from a device being enrolled: it becomes the user's only device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(Action.USER_SECOND_FACTOR_ENROLLED, actor=by, subject=by, device=device.name)
    return device


@transaction.atomic
def reset_second_factor(user: User, *, by: User | None, reason: str) -> User:
    """Forget the user's authenticator (lost phone): they enrol again at their next sign-in,
    and every session they have ends."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not reason.strip():
        raise ReasonRequired("say why the second factor is being reset")
    TOTPDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    audit.record(Action.USER_SECOND_FACTOR_RESET, actor=by, subject=user, reason=reason.strip())
    realtime.close_user_sockets(user.pk)
    user.refresh_from_db(fields=["session_epoch"])
    return user


@transaction.atomic
def revoke_sessions(user: User, *, by: User | None, reason: str) -> User:
    """End every session `user` has, on every device, at once: their next request is signed
    out, and their open websockets are closed (4401) after commit and refused when they
    reconnect. API tokens are not affected."""
    if not reason.strip():
        raise ReasonRequired("say why the sessions are being ended")
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    audit.record(
        Action.USER_SESSIONS_REVOKED,
        actor=by,
        subject=user,
        reason=reason.strip(),
        epoch=user.session_epoch,
    )
    realtime.close_user_sockets(user.pk)
    return user


@transaction.atomic
def unlock(user: User, *, by: User | None) -> int:
    """Clear the sign-in lockout (django-axes) for `user` from every address; the count cleared."""
    from axes.utils import reset

    cleared = int(reset(username=user.username))
    audit.record(Action.USER_UNLOCKED, actor=by, subject=user, attempts_cleared=cleared)
    return cleared

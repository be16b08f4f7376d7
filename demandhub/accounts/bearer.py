"""A device's bearer token, its account and the account's permissions, in one statement.

Devices make most of the API's requests (every call event from the telephony gateway, every
vehicle's position report), and each needs all three. Through the ORM they are three statements
(the token with its user, then the user's own and the groups' permissions, as Django's
ModelBackend reads them); here they are one, read fresh on every request, so a revoked token,
a deactivated account or a role taken away applies to the very next request on every node.
It also says whether the account is in a running training exercise (demand/training.py), which
every contact a device creates asks.

The permissions are put where ModelBackend keeps them (`_perm_cache`, `_user_perm_cache`,
`_group_perm_cache`), so `user.has_perm` answers from them without asking the database again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from demandhub.demand import training

from .models import ApiToken, User

SEPARATOR = ","  # permission names are "app_label.codename", identifiers without commas


@dataclass(frozen=True)
class Bearer:
    token_id: int
    last_used_at: datetime | None
    user: User


@dataclass(frozen=True)
class _Plan:
    sql: str
    user_fields: tuple[str, ...]  # attribute names, in the columns' order
    # Per column (token's last_used_at, then the user's): what the ORM's compiler would apply
    # to the raw value (SQLite gives times as text and booleans as integers).
    converters: tuple[tuple[Callable[..., Any], ...], ...]


@cache
def _plan(vendor: str) -> _Plan:
    aggregate = "string_agg" if vendor == "postgresql" else "group_concat"
    q = connection.ops.quote_name
    fields = [ApiToken._meta.get_field("last_used_at"), *User._meta.concrete_fields]
    columns = ", ".join(f"u.{q(f.column)}" for f in fields[1:])
    own = User.user_permissions.through._meta.db_table
    member = User.groups.through._meta.db_table
    granted = Group.permissions.through._meta.db_table
    # Table and column names come from the models' metadata; the one value is a parameter.
    sql = f"""
        SELECT t.id, t.last_used_at, {columns},
          (SELECT {aggregate}(ct.app_label || '.' || p.codename, '{SEPARATOR}')
             FROM {q(Permission._meta.db_table)} p
             JOIN {q(ContentType._meta.db_table)} ct ON ct.id = p.content_type_id
            WHERE p.id IN (SELECT permission_id FROM {q(own)} WHERE user_id = u.id)
               OR p.id IN (SELECT g.permission_id FROM {q(granted)} g
                             JOIN {q(member)} m ON m.group_id = g.group_id
                            WHERE m.user_id = u.id)),
          {training.in_exercise_sql("u.id")}
          FROM {q(ApiToken._meta.db_table)} t
          JOIN {q(User._meta.db_table)} u ON u.id = t.user_id
         WHERE t.secret_hash = %s AND t.revoked_at IS NULL AND u.is_active
    """  # noqa: S608
    converters = []
    for field in fields:
        col = field.get_col(field.model._meta.db_table)
        found = [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]
        converters.append(tuple(partial(c, expression=col) for c in found))
    return _Plan(sql, tuple(f.attname for f in fields[1:]), tuple(converters))


def find(secret_hash: str) -> Bearer | None:
    """The live token with this hash, its (active) account and that account's permissions;
    None if there is no such token, it was revoked, or its account is deactivated."""
    plan = _plan(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, [secret_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, *values, permissions, in_exercise = row
    for i, converters in enumerate(plan.converters):
        for convert in converters:
            values[i] = convert(values[i], connection=connection)
    last_used_at, *user_values = values
    user = User.from_db(connection.alias, plan.user_fields, user_values)
    if not user.is_superuser:  # who holds every permission, as ModelBackend lists them
        granted = set(permissions.split(SEPARATOR)) if permissions else set()
        # ModelBackend's own caches: has_perm reads these instead of two more statements.
        user._perm_cache = granted  # type: ignore[attr-defined]
        user._user_perm_cache = user._group_perm_cache = granted  # type: ignore[attr-defined]
    if not in_exercise:
        training.known_outside_exercises(user)
    return Bearer(token_id=token_id, last_used_at=last_used_at, user=user)

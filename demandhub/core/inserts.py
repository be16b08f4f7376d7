"""One INSERT of a new model instance, its SQL built once per model and database.

Model.save() compiles its INSERT afresh every time (field lists, quoting, expression checks,
the returning clause): about 0.15 ms of Python a row, the largest single cost of a 999 call,
which writes six rows (docs/benchmarks.md, Intake). `insert()` does what
`save(force_insert=True)` does for a plain model (pre_save() of every field, so defaults and
auto_now_add apply; each value prepared for the database by its field; the primary key read
back; the instance's _state) from SQL kept per model. Anything else goes to save() as before:
a model with its own save() or with pre_save/post_save receivers, a parent model, database
defaults or generated fields, a primary key that is not an automatic integer or is chosen, a
value that is an expression.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.models import signals
from django.db.models.fields import NOT_PROVIDED


@dataclass(frozen=True)
class _Plan:
    sql: str
    fields: tuple[models.Field, ...]  # the columns written, in the order of the placeholders
    returning: bool  # the new primary key comes back from RETURNING (else lastrowid)


M = TypeVar("M", bound=models.Model)

_plans: dict[tuple[type[models.Model], str], _Plan | None] = {}


def insert(obj: M, *, using: str | None = None) -> M:
    """INSERT `obj` (new, its primary key unset) and set its primary key; returns `obj`."""
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    connection = connections[using]
    key = (model, connection.alias)
    plan = _plans[key] if key in _plans else _plans.setdefault(key, _plan_for(model, connection))
    if (
        plan is None
        or obj.pk is not None
        or signals.pre_save.has_listeners(model)
        or signals.post_save.has_listeners(model)
    ):
        obj.save(force_insert=True, using=using)
        return obj
    obj._prepare_related_fields_for_save(operation_name="save")
    values = []
    for field in plan.fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):  # F(), Now(), a subquery: the ORM's job
            obj.save(force_insert=True, using=using)
            return obj
        values.append(field.get_db_prep_save(value, connection))
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(plan.sql, values)
        if plan.returning:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    return obj


def _plan_for(model: type[models.Model], connection: Any) -> _Plan | None:
    """The INSERT for `model` on `connection`, or None when save() must do it."""
    meta = model._meta
    pk = meta.pk
    if meta.parents or meta.auto_field is None or meta.auto_field is not pk:
        return None
    if model.save is not models.Model.save or model.save_base is not models.Model.save_base:
        return None  # the model's own save() must run
    if meta.db_returning_fields != [pk]:  # database defaults read back, generated fields
        return None
    fields = []
    for field in meta.local_concrete_fields:
        if field is pk:
            continue
        if getattr(field, "generated", False) or field.db_default is not NOT_PROVIDED:
            return None
        if hasattr(field, "get_placeholder") and not _plain_placeholder(field, connection):
            return None  # a column with SQL of its own around its value (MySQL's binary)
        fields.append(field)
    quote = connection.ops.quote_name
    # Names from the model's metadata, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    returning = bool(connection.features.can_return_columns_from_insert)
    if returning:
        sql += f" RETURNING {quote(meta.db_table)}.{quote(pk.column)}"
    return _Plan(sql=sql, fields=tuple(fields), returning=returning)


def _plain_placeholder(field: models.Field, connection: Any) -> bool:
    """A BinaryField's value is a plain parameter on every database but MySQL."""
    return (
        isinstance(field, models.BinaryField) and connection.ops.binary_placeholder_sql(b"") == "%s"
    )

"""The restrictions migration 0004 created (one per crime flagged `restricted`) were written
without audit entries: every other restriction has its `record.restricted` entry, written by
accounts.need_to_know.restrict() in the same transaction. This appends the missing ones, one
per such restriction, to the hash chain (audit.actions.append, with the historical models and
the migration's database), so the trail says when and why each crime became restricted and
`demandhub audit verify` still passes.

Each entry names its restriction (`data.restriction`); a restriction that already has an entry
naming it is skipped, so running this again adds nothing. Reversing it removes nothing: audit
entries are never deleted (on PostgreSQL a trigger refuses it)."""

from django.db import migrations

from demandhub.audit.actions import append

SUBJECT_TYPE = "crimes.crimerecord"
ACTION = "record.restricted"  # audit.models.Action.RECORD_RESTRICTED
# The reason crimes/0004 gave each restriction it created.
FROM_FLAG_REASON = (
    "Carried over from the crime record's restricted flag (sexual offence classification)"
)


def audit_restrictions(apps, schema_editor):
    """One `record.restricted` entry per restriction from crimes/0004 that has none."""
    using = schema_editor.connection.alias
    Restriction = apps.get_model("accounts", "Restriction")
    Event = apps.get_model("audit", "Event")

    restrictions = list(
        Restriction.objects.using(using)
        .filter(subject_type=SUBJECT_TYPE, reason=FROM_FLAG_REASON, created_by__isnull=True)
        .select_related("officer")
        .prefetch_related("teams")
        .order_by("pk")
    )
    if not restrictions:
        return
    audited = {
        data.get("restriction")
        for data in Event.objects.using(using)
        .filter(
            action=ACTION,
            subject_type=SUBJECT_TYPE,
            subject_id__in={r.subject_id for r in restrictions},
        )
        .values_list("data", flat=True)
        if isinstance(data, dict)
    }
    for restriction in restrictions:
        if restriction.pk in audited:
            continue
        append(
            action=ACTION,
            actor_id=None,
            subject_type=SUBJECT_TYPE,
            subject_id=restriction.subject_id,
            data={
                "restriction": restriction.pk,
                "category": restriction.category,
                "teams": sorted(t.name for t in restriction.teams.all()),
                "officer": restriction.officer.username if restriction.officer_id else None,
                "reason": restriction.reason,
                "restricted_at": restriction.created_at,
                "lifted_at": restriction.lifted_at,
                "by_migration": "crimes.0004_restrictions_from_flag",
            },
            event_model=Event,
            using=using,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_sessions_second_factor_need_to_know"),
        ("audit", "0002_chain_head_function"),
        ("crimes", "0006_link_index_revision"),
    ]

    operations = [migrations.RunPython(audit_restrictions, migrations.RunPython.noop)]

"""One position row per fix: the track keeps at most one row per unit and recorded time.

Rows stored twice before the constraint (the same unit and recorded time) are removed first,
keeping the earliest stored (the lowest id), which is the one every read already met first.
The unique constraint's index then serves the reads the old (resource, recorded_at) index did,
so that index goes, once the constraint is in place.
"""

from django.db import migrations, models

# Portable: SQLite and PostgreSQL both take a correlated EXISTS in a DELETE, and the old
# (resource_id, recorded_at) index answers it.
DEDUPLICATE = """
DELETE FROM dispatch_position
WHERE EXISTS (
    SELECT 1 FROM dispatch_position AS kept
    WHERE kept.resource_id = dispatch_position.resource_id
      AND kept.recorded_at = dispatch_position.recorded_at
      AND kept.id < dispatch_position.id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0004_response_times_permission"),
    ]

    operations = [
        # Reversing leaves the duplicates removed: they were copies of a fix still stored.
        migrations.RunSQL(DEDUPLICATE, reverse_sql=migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="position",
            constraint=models.UniqueConstraint(
                fields=("resource", "recorded_at"), name="dispatch_position_once_per_fix"
            ),
        ),
        migrations.RemoveIndex(
            model_name="position",
            name="dispatch_po_resourc_8c34b0_idx",
        ),
    ]

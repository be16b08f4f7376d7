from django.db import migrations

# On PostgreSQL an append takes the chain's advisory lock and reads the head in one statement.
# A function, not one SELECT joining the lock to the read: a statement's snapshot is taken
# before the lock is waited for, so such a SELECT would read the head as it was before the
# writer it waited for committed, and fork the chain. A VOLATILE PL/pgSQL function takes a
# fresh snapshot for each statement inside it, so its read, after the lock, sees that writer.
CHAIN_HEAD = """
CREATE FUNCTION audit_chain_head(lock_key bigint) RETURNS varchar AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1);
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

DROP_CHAIN_HEAD = "DROP FUNCTION IF EXISTS audit_chain_head(bigint);"


def create_chain_head(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHAIN_HEAD, params=None)


def drop_chain_head(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_CHAIN_HEAD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_chain_head, drop_chain_head)]

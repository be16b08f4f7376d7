"""The database cache table (settings.CACHES without Redis), so `migrate` is the only step."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Creates the table of every DatabaseCache in settings.CACHES; nothing for other backends.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_idempotency_keys")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]

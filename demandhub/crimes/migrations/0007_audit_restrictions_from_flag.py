# PLACEHOLDER: the real 0007_audit_restrictions_from_flag is written on another branch; the
# lead replaces this file with it at merge. It exists so 0008 can depend on it here.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crimes", "0006_link_index_revision")]

    operations = []

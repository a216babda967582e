"""The shared cache lives in the database (``CACHES`` in settings): every web process and worker
sees the same counters, so throttles hold across processes without another server to run."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_office_hours")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]

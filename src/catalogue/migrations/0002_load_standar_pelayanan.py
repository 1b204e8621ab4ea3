from django.db import migrations

from catalogue.standard import load_standard


def forwards(apps, schema_editor):
    load_standard(
        apps.get_model("catalogue", "Service"),
        apps.get_model("catalogue", "Variant"),
        apps.get_model("catalogue", "Requirement"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]

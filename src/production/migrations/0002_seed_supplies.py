from django.db import migrations

from production.supplies import load_supplies


def forwards(apps, schema_editor):
    load_supplies(apps.get_model("production", "SupplyItem"))


class Migration(migrations.Migration):
    dependencies = [("production", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]

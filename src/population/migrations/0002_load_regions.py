from django.conf import settings
from django.db import migrations

from population.regions import load_regions


def forwards(apps, schema_editor):
    load_regions(
        apps.get_model("population", "Province"),
        apps.get_model("population", "Regency"),
        apps.get_model("population", "District"),
        apps.get_model("population", "Village"),
        settings.OFFICE_REGENCY_CODE,
    )


class Migration(migrations.Migration):
    dependencies = [("population", "0001_regions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]

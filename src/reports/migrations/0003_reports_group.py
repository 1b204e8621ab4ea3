"""The reports role is a Django group like the other officer roles (accounts.roles)."""

from django.db import migrations

REPORTS = "reports"


def forwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=REPORTS)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_report_indexes"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

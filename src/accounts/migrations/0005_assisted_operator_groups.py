from django.db import migrations

ROLES = ["operator_desa", "operator_kecamatan"]


def forwards(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_role_groups")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

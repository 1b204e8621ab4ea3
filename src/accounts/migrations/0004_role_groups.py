from django.db import migrations

ROLES = [
    "front_desk",
    "verifier",
    "operator",
    "pickup_desk",
    "customer_service",
    "head_of_section",
    "admin",
]


def forwards(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_officer_scope"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Akta kematian asks (optionally) for the surviving spouse, whose KTP-el changes with it."""

from django.db import migrations

NEW_FIELDS = ["surviving_spouse_nik", "surviving_spouse_name"]


def forwards(apps, schema_editor):
    Service = apps.get_model("catalogue", "Service")
    for service in Service.objects.filter(code="AKM"):
        missing = [field for field in NEW_FIELDS if field not in service.form_fields]
        if missing:
            service.form_fields = [*service.form_fields, *missing]
            service.save(update_fields=["form_fields"])


def backwards(apps, schema_editor):
    Service = apps.get_model("catalogue", "Service")
    for service in Service.objects.filter(code="AKM"):
        service.form_fields = [f for f in service.form_fields if f not in NEW_FIELDS]
        service.save(update_fields=["form_fields"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_load_standar_pelayanan")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

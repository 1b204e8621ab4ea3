from django.db import migrations

from counter_queue.defaults import load_queue_defaults


def forwards(apps, schema_editor):
    load_queue_defaults(
        apps.get_model("queue", "OpeningHours"),
        apps.get_model("queue", "QueueService"),
        apps.get_model("queue", "Counter"),
        apps.get_model("catalogue", "Service"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("queue", "0001_initial"),
        ("catalogue", "0003_akm_asks_for_the_surviving_spouse"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]

"""Indexes the dashboards' period queries walk (bench/reports.py measures them).

They sit on other apps' tables, so they are plain SQL here (the same statement on SQLite and
PostgreSQL) rather than in those models' Meta; the reports own the queries that need them.
"""

from django.db import migrations

INDEXES = {
    # Finished per day, on-time share, median working days: handed over in a period.
    "reports_app_status_changed": "applications_application (status, status_changed_at)",
    # Cards printed per month.
    "reports_event_status_at": "applications_event (status, at)",
    # Fix-request rate per requirement in a period.
    "reports_check_at": "applications_requirementcheck (at)",
    # Courier deliveries per month and the courier share.
    "reports_handover_kind_at": "handover_handover (kind, at)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("applications", "0005_linked_applications"),
        ("handover", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in INDEXES.items()
    ]

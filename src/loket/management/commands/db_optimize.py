"""Keeps SQLite's query planner informed: without statistics it picks the wrong index for the
work queues (a sort of every queued row instead of walking the submitted_at index).

First run: ANALYZE (seconds on a million applications); afterwards PRAGMA optimize, which only
re-analyses what changed. PostgreSQL's autovacuum does this on its own.
"""

from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = "Refresh the SQLite planner statistics (no-op on PostgreSQL)."

    def handle(self, *args, **options):
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            cursor.execute("PRAGMA optimize" if cursor.fetchone() else "ANALYZE")

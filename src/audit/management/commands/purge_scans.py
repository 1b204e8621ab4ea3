"""Retention (UU 27/2022): remove scans of applications finished more than N months ago."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.selectors import months_before, purge_plan
from audit.services import scans_purge


class Command(BaseCommand):
    help = (
        "Delete the stored scans of applications finished (handed over, cancelled, rejected) "
        "more than RETENTION_MONTHS months ago. Applications, their timelines and the list of "
        "what was filed stay. Each run is recorded as an audit RetentionRun."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Keep scans this many months after the last status change "
            "(default: RETENTION_MONTHS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be removed; change nothing."
        )

    def handle(self, *args, months=None, dry_run=False, **options):
        months = settings.RETENTION_MONTHS if months is None else months
        if months < 1:
            raise CommandError("--months must be at least 1")
        if dry_run:
            self._plan(months)
            return
        run = scans_purge(months=months)
        self.stdout.write(
            f"Removed {run.files} files ({run.bytes} bytes) of {run.applications} applications "
            f"finished before {timezone.localtime(run.cutoff):%Y-%m-%d %H:%M} "
            f"(retention run {run.pk})."
        )

    def _plan(self, months: int) -> None:
        cutoff = months_before(timezone.now(), months)
        plan = purge_plan(cutoff=cutoff)
        for row in plan:
            self.stdout.write(
                f"{row['number'] or row['application_id']}  {row['status']}  "
                f"{timezone.localtime(row['finished_at']):%Y-%m-%d}  "
                f"{row['files']} files  {row['bytes']} bytes"
            )
        self.stdout.write(
            f"Dry run: would remove {sum(r['files'] for r in plan)} files "
            f"({sum(r['bytes'] for r in plan)} bytes) of {len(plan)} applications "
            f"finished before {timezone.localtime(cutoff):%Y-%m-%d %H:%M}; nothing changed."
        )

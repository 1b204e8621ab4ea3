"""Re-enqueue every SIAK request still in flight: after a worker crash, a restart or an outage.

Run it when the worker starts (and from cron if you like): it is safe to run at any time.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from central.tasks import resume_requests


class Command(BaseCommand):
    help = "Re-enqueue SIAK requests left queued, sending (by a dead worker) or waiting."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-minutes",
            type=float,
            default=10,
            help="A 'sending' claim older than this belonged to a dead worker (default 10).",
        )

    def handle(self, *args, stale_minutes, **options):
        counts = resume_requests(stale_after=timedelta(minutes=stale_minutes))
        self.stdout.write(
            "central_resume: {reclaimed} reclaimed, {queued} to send, {waiting} to ask".format(
                **counts
            )
        )

"""Re-queue undelivered messages (after a worker crash or a restore). Safe to run any time."""

from django.core.management.base import BaseCommand

from notifications.tasks import resume_outbox


class Command(BaseCommand):
    help = "Hand every pending message to the worker again; reclaim stale sends."

    def handle(self, *args, **options):
        self.stdout.write(f"{resume_outbox()} message(s) queued")

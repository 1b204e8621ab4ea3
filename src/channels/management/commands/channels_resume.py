"""Re-queue inbound messages not yet handled (after a worker crash). Safe to run any time."""

from django.core.management.base import BaseCommand

from channels.tasks import resume_inbound


class Command(BaseCommand):
    help = "Take back stale claims on inbound messages and queue every one not yet handled."

    def handle(self, *args, **options):
        counts = resume_inbound()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))

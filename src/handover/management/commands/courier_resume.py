from django.core.management.base import BaseCommand

from handover.tasks import resume_bookings


class Command(BaseCommand):
    help = "Book again every courier booking that is due (run from cron or after a restart)."

    def handle(self, *args, **options):
        result = resume_bookings()
        self.stdout.write(f"reclaimed {result['reclaimed']}, queued {result['queued']}")

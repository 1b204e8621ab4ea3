from django.core.management.base import BaseCommand

from counter_queue import services


class Command(BaseCommand):
    help = "Send due booking reminders and release booked visits past their grace period."

    def handle(self, *args, **options):
        reminded = services.reminders_send_due()
        released = services.no_shows_release()
        self.stdout.write(f"reminders sent: {reminded}; no-shows released: {released}")

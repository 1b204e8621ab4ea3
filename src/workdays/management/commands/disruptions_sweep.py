"""Run by bin/serve's sweeper: finish moving promise dates a dead worker left half-done, and
tell residents service is back once a disruption's announced end has passed."""

from django.core.management.base import BaseCommand

from workdays.disruptions import close_finished, shift_batch
from workdays.models import Disruption


class Command(BaseCommand):
    help = "Moves outstanding promise dates of disruptions and sends 'service is back' notices."

    def handle(self, *args, **options):
        moved = 0
        for pk in Disruption.objects.filter(back_notice_sent_at__isnull=True).values_list(
            "pk", flat=True
        ):
            batch = shift_batch(pk)
            while batch:
                moved += batch
                batch = shift_batch(pk)
        closed = close_finished()
        self.stdout.write(f"{moved} promise dates moved, {closed} disruptions closed")

"""Escalate overdue complaints to the head of section. Run by bin/serve's 5-minute sweeper; the
officers' complaint list runs the same check when it opens."""

from django.core.management.base import BaseCommand

from feedback.services import complaints_escalate_overdue


class Command(BaseCommand):
    help = "Escalate every open complaint past its answer deadline to the head of section."

    def handle(self, *args, **options):
        count = complaints_escalate_overdue()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{count} complaint(s) escalated")

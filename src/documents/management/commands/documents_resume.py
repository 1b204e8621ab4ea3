"""Issue the signed PDFs a failed task or a dead worker left undone (run at worker start-up)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from documents.selectors import applications_awaiting_documents
from documents.tasks import issue_document


class Command(BaseCommand):
    help = "Enqueue the issuing of every self-print document not yet signed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=2,
            help="skip applications issued more recently (their own task is still due)",
        )

    def handle(self, *args, grace_minutes=2, **options):
        issued_before = timezone.now() - timedelta(minutes=grace_minutes)
        rows = applications_awaiting_documents(issued_before=issued_before)
        pks = list(rows.values_list("pk", flat=True))
        for pk in pks:
            issue_document.enqueue(pk)
        self.stdout.write(f"documents to issue: {len(pks)}")

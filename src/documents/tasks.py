"""Background issuing of self-print documents (render + sign take longer than a request should)."""

import logging

from django_tasks import task

from applications.models import Application
from documents.services import document_issue
from documents.signing import SigningUnavailable

logger = logging.getLogger(__name__)


@task()
def issue_document(application_id: int) -> str:
    application = Application.objects.select_related("service").get(pk=application_id)
    try:
        document_issue(application=application)
    except SigningUnavailable as exc:
        # Left for `documents_resume` once the certificate is in place; the resident sees
        # "being prepared" meanwhile.
        logger.warning("document for application %s waits: %s", application_id, exc)
        return "signing unavailable"
    return "issued"

from django import template

from documents.models import ISSUED_STATUSES, SELF_PRINT
from documents.selectors import document_of_application

register = template.Library()


@register.inclusion_tag("documents/_for_application.html", takes_context=True)
def application_documents(context, application):
    """The resident's self-print documents of `application` (download links), if any."""
    document = None
    pending = False
    if application.service.code in SELF_PRINT and application.status in ISSUED_STATUSES:
        found = document_of_application(application)
        document = found if found is not None and found.is_ready else None
        pending = document is None
    return {
        "application": application,
        "document": document,
        "pending": pending,
        "request": context.get("request"),
    }

from audit.models import AccessLog
from loket.http import client_ip


def record_access(request, *, application, screen: str, attachment=None) -> AccessLog:
    """Write who opened which application (or file) on which screen."""
    return AccessLog.objects.create(
        officer=request.user,
        application=application,
        attachment_id=getattr(attachment, "pk", None),
        screen=screen,
        ip=client_ip(request),
    )

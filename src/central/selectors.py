"""Reads for the SIAK link page."""

from django.db.models import Count, OuterRef, Subquery

from accounts.access import district_scope
from applications import lifecycle
from applications.models import Application
from central.models import CentralRequest, LinkStatus

LIST_LIMIT = 200


def link_status() -> LinkStatus:
    """The link's state; a link never tried yet is up."""
    return LinkStatus.objects.filter(pk=LinkStatus.SINGLETON).first() or LinkStatus()


def request_counts() -> list[tuple[str, str, int]]:
    """(state, label, count) for every state, in the order of the lifecycle."""
    counts = dict(CentralRequest.objects.values_list("state").annotate(n=Count("id")).order_by())
    return [(state, label, counts.get(state, 0)) for state, label in CentralRequest.STATES]


def scoped_applications(user, queryset=None):
    """Applications the officer's kecamatan scope allows."""
    queryset = Application.objects.all() if queryset is None else queryset
    scope = district_scope(user)
    if scope is None:
        return queryset
    return queryset.filter(village__district_id__in=scope)


def _active_request(field: str):
    return Subquery(
        CentralRequest.objects.filter(
            application=OuterRef("pk"), state__in=CentralRequest.ACTIVE
        ).values(field)[:1]
    )


def waiting_applications(user):
    """Applications sent to SIAK and not decided yet, oldest first, with their request's state."""
    return (
        scoped_applications(user)
        .filter(status=lifecycle.SENT_TO_CENTRAL)
        .select_related("service")
        .annotate(central_state=_active_request("state"))
        .order_by("status_changed_at", "id")
    )


def verified_applications(user):
    """Applications ready to send, oldest first."""
    return (
        scoped_applications(user)
        .filter(status=lifecycle.VERIFIED)
        .select_related("service")
        .order_by("status_changed_at", "id")
    )


def failed_requests(user):
    """Requests SIAK refused (not the link being down): an officer has to look at them."""
    applications = scoped_applications(user).filter(status=lifecycle.SENT_TO_CENTRAL)
    return (
        CentralRequest.objects.filter(state=CentralRequest.FAILED, application__in=applications)
        .select_related("application__service")
        .order_by("updated_at", "id")
    )

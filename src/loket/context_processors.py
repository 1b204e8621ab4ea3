from django.conf import settings
from django.urls import reverse


def office(request):
    return {
        "office_name": settings.OFFICE_NAME,
        "office_whatsapp": settings.OFFICE_WHATSAPP,
        "officer_home": _officer_home(request),
    }


def _officer_home(request) -> str:
    """Where the header's "Kantor" link leads a staff user: village and kecamatan operators
    work at /desa/ (assisted intake), every other officer in the back office."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return ""
    from accounts.access import roles_of
    from accounts.roles import OPERATOR_DESA, OPERATOR_KECAMATAN

    mine = roles_of(user)
    if mine and mine <= {OPERATOR_DESA, OPERATOR_KECAMATAN}:
        return reverse("assisted:home")
    return reverse("backoffice:home")

"""Large-text mode: a plain form post sets a cookie (works without JavaScript); base.html reads
it from `request.COOKIES` to put `large-text` on <html>."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

COOKIE = "loket_text"
LARGE = "large"
ONE_YEAR = 365 * 24 * 3600


def is_large(request) -> bool:
    return request.COOKIES.get(COOKIE) == LARGE


@require_POST
def toggle_text_size(request):
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    want_large = request.POST.get("large", "1" if not is_large(request) else "0") == "1"
    if want_large:
        response.set_cookie(COOKIE, LARGE, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response

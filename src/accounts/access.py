"""Who may do what in the back office. Every officer view goes through `officer_required`."""

import functools

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.roles import ADMIN, HEAD_OF_SECTION, SCOPED_ROLES


def roles_of(user) -> set[str]:
    if not user.is_authenticated or not user.is_staff:
        return set()
    if user.is_superuser:
        return {ADMIN}
    cached = getattr(user, "_loket_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._loket_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    mine = roles_of(user)
    return ADMIN in mine or bool(mine & set(roles))


def district_scope(user) -> set[str] | None:
    """Kecamatan codes the officer is limited to, or None for the whole kabupaten/kota."""
    mine = roles_of(user)
    if mine & {ADMIN, HEAD_OF_SECTION} or not (mine & SCOPED_ROLES):
        return None  # another role on top of a scoped one does not lift the scope
    codes = set(user.scopes.values_list("district_id", flat=True))
    return codes or None


def in_scope(user, application) -> bool:
    scope = district_scope(user)
    if scope is None:
        return True
    return bool(application.village_id) and application.village_id[:6] in scope


def forbidden(request):
    return render(request, "backoffice/403.html", status=403)


def officer_required(*roles: str):
    """Signed in with a verified second factor and holding one of `roles` (403 otherwise)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                login = reverse(settings.OFFICER_LOGIN_URL)
                return redirect(f"{login}?next={request.get_full_path()}")
            if not roles_of(user):
                return forbidden(request)
            if not user.is_verified():
                return redirect("two_factor:setup" if not _has_device(user) else "two_factor:login")
            if roles and not has_role(user, *roles):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _has_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user)

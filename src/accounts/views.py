from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.forms import CodeForm, PhoneForm
from accounts.phone import mask_phone
from accounts.services import sign_in_code_request, sign_in_code_verify
from loket.errors import DomainError
from loket.http import client_ip, language

SESSION_PHONE = "sign_in_phone"
SESSION_NEXT = "sign_in_next"


def _safe_next(request, default="applications:mine"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def sign_in(request):
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone = sign_in_code_request(
                phone_raw=form.cleaned_data["phone"], ip=client_ip(request), language=language()
            )
        except DomainError as error:
            for message in error.messages:
                form.add_error("phone", message)
        else:
            request.session[SESSION_PHONE] = phone
            request.session[SESSION_NEXT] = _safe_next(request)
            return redirect("accounts:verify")
    return render(request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request, "")})


def verify(request):
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect("accounts:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in_code_verify(
                phone=phone, code=form.cleaned_data["code"], language=language()
            )
        except DomainError as error:
            for message in error.messages:
                form.add_error("code", message)
        else:
            target = request.session.get(SESSION_NEXT) or "applications:mine"
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(target)
    masked = mask_phone(phone)
    return render(request, "accounts/verify.html", {"form": form, "masked_phone": masked})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("home")


@require_POST
def set_language(request):
    """Django's switch (cookie), plus the resident's preference for messages we send later."""
    response = django_set_language(request)
    chosen = request.POST.get("language")
    if request.user.is_authenticated and chosen in ("id", "en"):
        request.user.preferred_language = chosen
        request.user.save(update_fields=["preferred_language"])
    messages.get_messages(request).used = True
    return response

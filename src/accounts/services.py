"""Resident sign-in with a phone number and a one-time SMS code."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import SignInCode, User
from accounts.phone import normalize_phone
from loket.errors import DomainError
from notifications.services import send_sign_in_code

RESEND_AFTER = timedelta(seconds=60)


def _hash(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _too_many(count: int, limit: int, oldest, now, code: str, template):
    if count >= limit:
        wait = max(1, int((oldest + timedelta(hours=1) - now).total_seconds() // 60) + 1)
        raise DomainError(code, template, minutes=wait)


@transaction.atomic
def sign_in_code_request(*, phone_raw: str, ip: str | None, language: str, now=None) -> str:
    """Create and send a code; returns the normalised phone. Rate-limited per phone and IP."""
    phone = normalize_phone(phone_raw)
    now = now or timezone.now()
    hour_ago = now - timedelta(hours=1)
    recent = SignInCode.objects.filter(phone=phone, created_at__gte=hour_ago).order_by("created_at")
    latest = recent.last()
    if latest and now - latest.created_at < RESEND_AFTER:
        raise DomainError(
            "code_wait",
            _("Kode baru saja dikirim. Tunggu %(seconds)d detik sebelum meminta lagi."),
            seconds=int((RESEND_AFTER - (now - latest.created_at)).total_seconds()) + 1,
        )
    if recent.exists():
        _too_many(
            recent.count(),
            settings.OTP_MAX_PER_PHONE_PER_HOUR,
            recent.first().created_at,
            now,
            "code_rate_phone",
            _("Terlalu banyak permintaan kode untuk nomor ini. Coba lagi %(minutes)d menit lagi."),
        )
    by_ip = SignInCode.objects.filter(ip=ip, created_at__gte=hour_ago).order_by("created_at")
    if ip and by_ip.exists():
        _too_many(
            by_ip.count(),
            settings.OTP_MAX_PER_IP_PER_HOUR,
            by_ip.first().created_at,
            now,
            "code_rate_ip",
            _(
                "Terlalu banyak permintaan kode dari jaringan ini. "
                "Coba lagi %(minutes)d menit lagi."
            ),
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    SignInCode.objects.create(
        phone=phone,
        code_hash=_hash(phone, code),
        ip=ip,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    send_sign_in_code(phone=phone, code=code, language=language)
    return phone


def _refuse_code(code: str, template):
    raise DomainError(code, template)


def sign_in_code_verify(*, phone: str, code: str, language: str = "id", now=None) -> User:
    """The resident's account (created on first sign-in) if `code` is right, else a refusal."""
    now = now or timezone.now()
    code = "".join(str(code or "").split())
    with transaction.atomic():
        latest = (
            SignInCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if latest is None:
            _refuse_code("code_none", _("Tidak ada kode yang aktif. Minta kode baru."))
        if latest.expires_at <= now:
            _refuse_code("code_expired", _("Kode sudah kedaluwarsa. Minta kode baru."))
        if latest.attempts >= settings.OTP_MAX_ATTEMPTS:
            _refuse_code("code_attempts", _("Terlalu banyak percobaan salah. Minta kode baru."))
        if not hmac.compare_digest(latest.code_hash, _hash(phone, code)):
            latest.attempts += 1
            latest.save(update_fields=["attempts"])
            left = settings.OTP_MAX_ATTEMPTS - latest.attempts
            wrong = DomainError("code_wrong", _("Kode salah. Sisa percobaan: %(left)d."), left=left)
        else:
            wrong = None
            latest.used_at = now
            latest.save(update_fields=["used_at"])
            user, _created = User.objects.get_or_create(
                phone=phone, defaults={"username": phone, "preferred_language": language}
            )
            if _created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
    if wrong:  # raised outside the block so the attempt count is kept
        raise wrong
    return user

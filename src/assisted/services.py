"""Assisted intake: an operator desa/kecamatan applies for a resident of their area.

The application is created, its files checked and stored, and it is submitted only once the
resident has agreed: by a one-time code sent to the resident's phone and read out to the
operator, or by a signed consent form the operator photographs. Every intake carries the id its
device gave it (`client_id`), so a send replayed from the offline queue finds the first one
instead of making a second application.
"""

import hashlib
import hmac
import io
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageStat

from accounts.models import User
from accounts.roles import OPERATOR_DESA, OPERATOR_KECAMATAN
from applications import services as applications
from applications.models import Application
from applications.selectors import missing_requirements
from applications.uploads import clean_upload
from assisted.models import AssistedIntake, ConsentCode, OperatorArea
from loket.errors import DomainError
from notifications.services import queue_message
from population.models import Village

OPERATOR_ROLES = (OPERATOR_DESA, OPERATOR_KECAMATAN)
CONSENT_TTL = timedelta(minutes=15)  # the resident is usually beside the operator
CONSENT_RESEND_AFTER = timedelta(seconds=60)
CONSENT_MAX_ATTEMPTS = 5
# Photos of documents below this are unreadable to the verifier (the browser warns first).
MIN_PHOTO_SIDE = 480
MIN_PHOTO_BRIGHTNESS = 40  # mean luminance, 0-255


@dataclass(frozen=True)
class _ConsentKind:
    """What clean_upload needs to know about a consent form (it is not a requirement)."""

    accepted_list: tuple = ("image/jpeg", "image/png", "application/pdf")
    accepted_label: str = "JPG, PNG, PDF"


CONSENT_FORM = _ConsentKind()


# --- the operator's area ------------------------------------------------------------------


def area_villages(operator):
    """The villages an operator may take applications for (none without an area)."""
    areas = OperatorArea.objects.filter(operator=operator)
    villages = [a.village_id for a in areas if a.village_id]
    districts = [a.district_id for a in areas if a.district_id]
    return (
        (
            Village.objects.filter(code__in=villages)
            | Village.objects.filter(district_id__in=districts)
        )
        .select_related("district")
        .order_by("district__name", "name")
    )


def in_area(operator, village_code: str) -> bool:
    return bool(village_code) and area_villages(operator).filter(code=village_code).exists()


def area_intakes(operator):
    """The assisted applications of the operator's area, newest first: what they follow."""
    return (
        AssistedIntake.objects.filter(application__village__in=area_villages(operator))
        .select_related("application__service", "application__village", "operator")
        .order_by("-created_at")
    )


def _refuse_outside_area():
    raise DomainError(
        "outside_area",
        _(
            "Desa/kelurahan ini di luar wilayah kerja Anda. Anda hanya dapat mengajukan "
            "untuk warga wilayah Anda; arahkan warga ke kantor desa/kecamatannya."
        ),
    )


# --- photos -------------------------------------------------------------------------------


def photo_problems(content: bytes, content_type: str) -> None:
    """Refuse photos too small or too dark to read (PDFs are checked by clean_upload only)."""
    if not content_type.startswith("image/"):
        return
    with Image.open(io.BytesIO(content)) as image:
        if min(image.size) < MIN_PHOTO_SIDE:
            raise DomainError(
                "photo_small",
                _(
                    "Foto terlalu kecil (%(width)d×%(height)d piksel) sehingga tulisannya tidak "
                    "terbaca. Foto ulang lebih dekat, minimal %(min)d piksel di sisi terpendek."
                ),
                width=image.width,
                height=image.height,
                min=MIN_PHOTO_SIDE,
            )
        brightness = ImageStat.Stat(image.convert("L")).mean[0]
        if brightness < MIN_PHOTO_BRIGHTNESS:
            raise DomainError(
                "photo_dark",
                _("Foto terlalu gelap. Foto ulang di tempat yang lebih terang atau dekat jendela."),
            )


def _named(error: DomainError, name) -> DomainError:
    """The same problems, saying which file: the operator photographs several at once."""
    return DomainError(
        problems=[
            type(p)(
                code=p.code,
                template=_("%(name)s: %(problem)s"),
                params={"name": name, "problem": p.message},
            )
            for p in error.problems
        ]
    )


def _attach(application, requirement, upload, stored: list) -> None:
    try:
        attachment = applications.attachment_put(
            application=application, requirement=requirement, upload=upload
        )
        stored.append((attachment.file.storage, attachment.file.name))
        with attachment.file.open("rb") as content:
            photo_problems(content.read(), attachment.content_type)
    except DomainError as error:
        raise _named(error, requirement.t.name) from error


# --- taking an application ----------------------------------------------------------------


def _resident_for(phone: str, language: str) -> User:
    if phone:
        user, created = User.objects.get_or_create(
            phone=phone, defaults={"username": phone, "preferred_language": language}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user
    # No phone: the application needs an owner; this account can never sign in.
    user = User(username=f"pendampingan-{uuid.uuid4().hex[:16]}", preferred_language=language)
    user.set_unusable_password()
    user.save()
    return user


def assisted_intake_create(
    *,
    operator,
    service,
    variant,
    data: dict,
    phone: str,
    files: dict,
    consent_method: str,
    consent_file=None,
    client_id,
    offline: bool = False,
    now=None,
) -> tuple[AssistedIntake, bool]:
    """(intake, created). A second send with the same client_id returns the first intake."""
    client_id = uuid.UUID(str(client_id))
    existing = AssistedIntake.objects.filter(client_id=client_id).first()
    if existing is not None:
        return _same_operator(existing, operator), False
    stored: list = []  # files written so far, removed again if the intake is refused
    try:
        return _create(
            stored=stored,
            operator=operator,
            service=service,
            variant=variant,
            data=data,
            phone=phone,
            files=files,
            consent_method=consent_method,
            consent_file=consent_file,
            client_id=client_id,
            offline=offline,
            now=now or timezone.now(),
        ), True
    except Exception as error:
        for storage, name in stored:  # the rows were rolled back; their files go too
            storage.delete(name)
        if not isinstance(error, IntegrityError):
            raise
        # Two sends of the same intake at once: the other one won; everything here rolled back.
        existing = AssistedIntake.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return _same_operator(existing, operator), False


def _same_operator(intake: AssistedIntake, operator) -> AssistedIntake:
    if intake.operator_id != operator.pk:
        raise DomainError("intake_other", _("Kiriman ini milik operator lain."))
    return intake


@transaction.atomic
def _create(
    *,
    stored,
    operator,
    service,
    variant,
    data,
    phone,
    files,
    consent_method,
    consent_file,
    client_id,
    offline,
    now,
) -> AssistedIntake:
    if not in_area(operator, data.get("village") or ""):
        _refuse_outside_area()
    if consent_method == AssistedIntake.CODE and not phone:
        raise DomainError(
            "consent_phone",
            _(
                "Persetujuan dengan kode perlu nomor HP warga. Tanpa HP, unggah formulir "
                "persetujuan yang ditandatangani warga."
            ),
        )
    if consent_method == AssistedIntake.FORM and not consent_file:
        raise DomainError(
            "consent_form_missing",
            _("Foto formulir persetujuan yang ditandatangani warga belum ada."),
        )
    if consent_method not in AssistedIntake.METHODS:
        raise DomainError("consent_method", _("Pilih cara warga memberi persetujuan."))
    language = translation.get_language() or "id"
    application = applications.application_start(
        resident=_resident_for(phone, "id"),
        service=service,
        variant=variant,
        data=data,
        channel="assisted",
    )
    requirements = {r.id: r for r in service.requirements.all()}
    for requirement_id, upload in files.items():
        requirement = requirements.get(int(requirement_id))
        if requirement is None:
            raise DomainError("requirement_unknown", _("Persyaratan tidak dikenal."))
        _attach(application, requirement, upload, stored)
    missing = missing_requirements(application)
    if missing:
        raise DomainError(
            "requirements_missing",
            _("Belum lengkap. Berkas yang masih kurang: %(names)s."),
            names="; ".join(r.t.name for r in missing),
        )
    intake = AssistedIntake(
        application=application,
        operator=operator,
        client_id=client_id,
        consent_method=consent_method,
        resident_phone=phone,
        queued_offline=offline,
    )
    if consent_method == AssistedIntake.FORM:
        try:
            clean = clean_upload(consent_file, CONSENT_FORM)
            photo_problems(clean.content, clean.content_type)
        except DomainError as error:
            raise _named(error, _("Formulir persetujuan")) from error
        intake.consent_content_type = clean.content_type
        intake.consent_file.save("consent", ContentFile(clean.content), save=False)
        stored.append((intake.consent_file.storage, intake.consent_file.name))
        intake.consented_at = now
        intake.save()
        intake.application = applications.application_submit(
            application=application, acting_user=operator, now=now
        )
    else:
        intake.save()
        _send_code(intake, now, language)
    return intake


# --- consent by one-time code -------------------------------------------------------------


def _hash(intake_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"consent:{intake_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _send_code(intake: AssistedIntake, now, language: str) -> None:
    code = f"{secrets.randbelow(1_000_000):06d}"
    ConsentCode.objects.create(
        intake=intake,
        code_hash=_hash(intake.pk, code),
        created_at=now,
        expires_at=now + CONSENT_TTL,
    )
    application = intake.application
    with translation.override(application.resident.preferred_language or "id"):
        body = _(
            "%(code)s adalah kode persetujuan Loket. Berikan kode ini kepada petugas "
            "%(village)s hanya bila Anda setuju ia mengajukan %(service)s atas nama Anda. "
            "Berlaku %(minutes)d menit."
        ) % {
            "code": code,
            "village": application.village.name if application.village else "",
            "service": application.service.name_id,
            "minutes": int(CONSENT_TTL.total_seconds() // 60),
        }
    queue_message(recipient=intake.resident_phone, body=body, sensitive=True)


@transaction.atomic
def consent_code_resend(*, intake: AssistedIntake, operator, now=None) -> None:
    now = now or timezone.now()
    locked = AssistedIntake.objects.select_for_update().get(pk=intake.pk)
    _check_pending(locked, operator)
    latest = locked.codes.order_by("-created_at").first()
    if latest and now - latest.created_at < CONSENT_RESEND_AFTER:
        raise DomainError(
            "consent_wait",
            _("Kode baru saja dikirim. Tunggu %(seconds)d detik sebelum meminta lagi."),
            seconds=int((CONSENT_RESEND_AFTER - (now - latest.created_at)).total_seconds()) + 1,
        )
    _send_code(locked, now, translation.get_language() or "id")


def _check_pending(intake: AssistedIntake, operator) -> None:
    if not in_area(operator, intake.application.village_id or ""):
        _refuse_outside_area()
    if intake.consented_at is not None:
        raise DomainError(
            "consent_done", _("Warga sudah memberi persetujuan; permohonan sudah diajukan.")
        )


def consent_code_verify(*, intake: AssistedIntake, operator, code: str, now=None) -> Application:
    """Submit the application if `code` is the resident's current code, else a refusal."""
    now = now or timezone.now()
    code = "".join(str(code or "").split())
    wrong = None
    with transaction.atomic():
        locked = (
            AssistedIntake.objects.select_for_update(of=("self",))
            .select_related("application__village")
            .get(pk=intake.pk)
        )
        _check_pending(locked, operator)
        latest = locked.codes.filter(used_at__isnull=True).order_by("-created_at").first()
        if latest is None:
            raise DomainError("consent_none", _("Tidak ada kode yang aktif. Kirim kode baru."))
        if latest.expires_at <= now:
            raise DomainError(
                "consent_expired", _("Kode sudah kedaluwarsa. Kirim kode baru ke HP warga.")
            )
        if latest.attempts >= CONSENT_MAX_ATTEMPTS:
            raise DomainError(
                "consent_attempts", _("Terlalu banyak percobaan salah. Kirim kode baru.")
            )
        if hmac.compare_digest(latest.code_hash, _hash(locked.pk, code)):
            latest.used_at = now
            latest.save(update_fields=["used_at"])
            locked.consented_at = now
            locked.save(update_fields=["consented_at"])
            applications.application_submit(
                application=locked.application, acting_user=operator, now=now
            )
        else:
            latest.attempts += 1
            latest.save(update_fields=["attempts"])
            wrong = DomainError(
                "consent_wrong",
                _("Kode salah. Sisa percobaan: %(left)d."),
                left=CONSENT_MAX_ATTEMPTS - latest.attempts,
            )
    if wrong:  # raised outside the block so the attempt count is kept
        raise wrong
    return locked.application

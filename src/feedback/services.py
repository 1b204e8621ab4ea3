"""Writes on complaints and survey answers: each function is one transaction that completes or
changes nothing; the resident's notice is written to the outbox in the same transaction."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.phone import normalize_phone
from applications import lifecycle
from feedback.anonymise import anonymise, names_of_case
from feedback.ikm import SCORES
from feedback.models import (
    CATEGORIES,
    Complaint,
    ComplaintEvent,
    FaqEntry,
    SurveyResponse,
    deadline_workdays,
)
from loket.errors import DomainError
from notifications.services import queue_message
from workdays.calendar import promise_date_for

SUBJECT_MAX = 120
BODY_MAX = 4000
ANSWER_MAX = 4000
COMMENT_MAX = 2000


def _url(name: str, *args) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(name, args=args)


def _text(value: str, *, field: str, maximum: int, empty_message) -> str:
    value = (value or "").strip()
    if "\x00" in value:  # PostgreSQL refuses it in text; other channels than forms reach here
        raise DomainError(f"{field}_invalid", _("Teks mengandung karakter yang tidak sah."))
    if not value:
        raise DomainError(f"{field}_empty", empty_message)
    if len(value) > maximum:
        raise DomainError(
            f"{field}_too_long",
            _("Teks terlalu panjang: paling banyak %(max)d huruf."),
            max=maximum,
        )
    return value


def _resident_channel(*, phone: str, application=None, fallback: str = "sms") -> str:
    """WhatsApp for residents who talk to us there, SMS for everyone else."""
    from channels.models import Conversation

    if Conversation.objects.filter(channel=Conversation.WHATSAPP, phone=phone).exists():
        return "whatsapp"
    if application is not None and application.channel == "whatsapp":
        return "whatsapp"
    return fallback


def _notify_complaint(complaint: Complaint, body_template, **params) -> None:
    if not complaint.phone:
        return
    language = getattr(complaint.resident, "preferred_language", None) or "id"
    with translation.override(language):
        body = str(body_template) % {
            "office": settings.OFFICE_NAME,
            "url": _url("feedback:complaint_detail", complaint.public_id),
            "date": formats.date_format(complaint.deadline, "l, j F Y"),
            **params,
        }
    queue_message(
        recipient=complaint.phone,
        body=body,
        application=complaint.application,
        channel=_resident_channel(
            phone=complaint.phone,
            application=complaint.application,
            fallback="whatsapp" if complaint.channel == "whatsapp" else "sms",
        ),
    )


FILED_MESSAGE = _(
    "%(office)s: pengaduan Anda diterima. Jawaban paling lambat %(date)s. Lihat: %(url)s"
)
ANSWERED_MESSAGE = _("%(office)s: pengaduan Anda sudah dijawab. Baca jawabannya: %(url)s")
REOPENED_MESSAGE = _(
    "%(office)s: pengaduan Anda dibuka kembali. Jawaban baru paling lambat %(date)s. %(url)s"
)


def _event(complaint, kind, *, actor=None, text="", at=None) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint, kind=kind, at=at or timezone.now(), actor=actor, text=text
    )


@transaction.atomic
def complaint_file(
    *,
    category: str,
    subject: str,
    body: str,
    resident=None,
    phone: str = "",
    application=None,
    channel: str = "web",
    acting_user=None,
) -> Complaint:
    """A resident's complaint (web, WhatsApp) or one an officer files at the desk for a walk-in
    resident identified by phone number. The deadline counts working days from filing."""
    if category not in CATEGORIES:
        raise DomainError("category_unknown", _("Pilih jenis pengaduan dari daftar."))
    subject = _text(
        subject, field="subject", maximum=SUBJECT_MAX, empty_message=_("Tulis judul singkat.")
    )
    body = _text(body, field="body", maximum=BODY_MAX, empty_message=_("Tulis isi pengaduan Anda."))
    if resident is not None:
        phone = resident.phone or ""
    elif phone:
        phone = normalize_phone(phone)
    elif channel == "desk":
        raise DomainError("phone_missing", _("Tulis nomor HP warga agar jawaban dapat dikirim."))
    if application is not None and resident is not None and application.resident_id != resident.pk:
        raise DomainError(
            "application_not_yours", _("Permohonan itu bukan milik Anda.")
        )  # views only offer the resident's own; this guards the API and WhatsApp paths
    now = timezone.now()
    complaint = Complaint.objects.create(
        resident=resident,
        phone=phone,
        application=application,
        category=category,
        channel=channel,
        subject=subject,
        body=body,
        filed_at=now,
        deadline=promise_date_for(deadline_workdays(category), now),
        filed_by=acting_user,
    )
    _event(complaint, ComplaintEvent.FILED, actor=acting_user or resident, at=now)
    _notify_complaint(complaint, FILED_MESSAGE)
    return complaint


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def complaint_answer(*, complaint: Complaint, answer: str, officer) -> Complaint:
    answer = _text(answer, field="answer", maximum=ANSWER_MAX, empty_message=_("Tulis jawabannya."))
    complaint = _locked(complaint)
    if not complaint.waiting:
        raise DomainError(
            "complaint_already_answered", _("Pengaduan ini sudah dijawab.")
        )  # two officers answering at once: the second sees this, the first answer stands
    complaint.status = Complaint.ANSWERED
    complaint.answer = answer
    complaint.answered_at = timezone.now()
    complaint.answered_by = officer
    complaint.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    _event(complaint, ComplaintEvent.ANSWERED, actor=officer, text=answer)
    _notify_complaint(complaint, ANSWERED_MESSAGE)
    return complaint


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, officer=None, reason: str = "") -> Complaint:
    """Hand the complaint to the head of section; `officer=None` is the automatic escalation
    of an overdue complaint."""
    complaint = _locked(complaint)
    if complaint.status != Complaint.OPEN:
        raise DomainError(
            "complaint_not_open",
            _("Hanya pengaduan yang menunggu jawaban dapat dieskalasi."),
        )
    complaint.status = Complaint.ESCALATED
    complaint.escalated_at = timezone.now()
    complaint.save(update_fields=["status", "escalated_at"])
    if officer is None:
        reason = _("Otomatis: melewati batas waktu %(date)s.") % {
            "date": formats.date_format(complaint.deadline, "j F Y")
        }
    _event(complaint, ComplaintEvent.ESCALATED, actor=officer, text=reason.strip()[:500])
    return complaint


def complaints_escalate_overdue(*, today=None) -> int:
    """Escalate every open complaint past its deadline; each in its own transaction, so one
    that changed meanwhile (answered by an officer) is skipped, not fatal."""
    today = today or timezone.localdate()
    escalated = 0
    overdue = Complaint.objects.filter(status=Complaint.OPEN, deadline__lt=today)
    for complaint in overdue.only("pk"):
        try:
            complaint_escalate(complaint=complaint)
        except DomainError:
            continue
        escalated += 1
    return escalated


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, resident, reason: str) -> Complaint:
    """The resident is not satisfied with the answer: once, with a fresh deadline."""
    reason = _text(
        reason,
        field="reason",
        maximum=BODY_MAX,
        empty_message=_("Tulis mengapa jawaban belum menyelesaikan masalah Anda."),
    )
    complaint = _locked(complaint)
    if complaint.resident_id != resident.pk:
        raise DomainError("complaint_not_yours", _("Pengaduan ini bukan milik Anda."))
    if complaint.reopen_count >= Complaint.MAX_REOPENS:
        raise DomainError(
            "complaint_reopened_before",
            _(
                "Pengaduan ini sudah pernah dibuka kembali satu kali. Jika masalahnya belum "
                "selesai, silakan ajukan pengaduan baru."
            ),
        )
    if complaint.status != Complaint.ANSWERED:
        raise DomainError(
            "complaint_not_answered",
            _("Pengaduan ini belum dijawab; tunggu jawabannya terlebih dahulu."),
        )
    now = timezone.now()
    complaint.status = Complaint.OPEN
    complaint.reopen_count += 1
    complaint.escalated_at = None
    complaint.deadline = promise_date_for(deadline_workdays(complaint.category), now)
    complaint.save(update_fields=["status", "reopen_count", "escalated_at", "deadline"])
    _event(complaint, ComplaintEvent.REOPENED, actor=resident, text=reason, at=now)
    _notify_complaint(complaint, REOPENED_MESSAGE)
    return complaint


@transaction.atomic
def faq_publish(*, complaint: Complaint, question: str, answer: str, officer) -> FaqEntry:
    """Publish an answered complaint as an FAQ entry. The texts are anonymised here, whatever
    the officer typed, so no name, NIK, phone or registration number reaches the public page."""
    complaint = _locked(complaint)
    if complaint.status != Complaint.ANSWERED:
        raise DomainError(
            "complaint_not_answered", _("Hanya pengaduan yang sudah dijawab dapat diterbitkan.")
        )
    names = names_of_case(complaint)
    question = _text(
        question, field="question", maximum=BODY_MAX, empty_message=_("Tulis pertanyaannya.")
    )
    answer = _text(answer, field="answer", maximum=ANSWER_MAX, empty_message=_("Tulis jawabannya."))
    # Anonymised here, after the officer's edits: the public text never skips this step.
    question, answer = anonymise(question, names=names), anonymise(answer, names=names)
    now = timezone.now()
    entry, _created = FaqEntry.objects.update_or_create(
        complaint=complaint,
        defaults={
            "category": complaint.category,
            "question": question,
            "answer": answer,
            "published_at": now,
            "published_by": officer,
        },
    )
    _event(complaint, ComplaintEvent.PUBLISHED, actor=officer, at=now)
    return entry


# --- satisfaction survey ------------------------------------------------------------------

INVITATION_MESSAGE = _(
    "%(office)s: terima kasih, %(service)s Anda sudah diterima. Bantu kami menjadi lebih baik: "
    "isi survei kepuasan (9 pertanyaan, 2 menit) di %(url)s"
)


def survey_invite(*, application):
    """Invite the resident to the survey after a handover. Call it inside the handover's
    transaction: the invitation is written to the outbox with it, or not at all."""
    phone = application.resident.phone
    if not phone or SurveyResponse.objects.filter(application=application).exists():
        return None
    channel = _resident_channel(phone=phone, application=application)
    with translation.override(application.resident.preferred_language or "id"):
        body = str(INVITATION_MESSAGE) % {
            "office": settings.OFFICE_NAME,
            "service": application.service.code,
            "url": _url("feedback:survey", application.public_id) + f"?via={channel}",
        }
    return queue_message(recipient=phone, body=body, application=application, channel=channel)


def _check_scores(scores: dict) -> list[int]:
    values = []
    for position in range(1, 10):
        value = scores.get(f"u{position}")
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number not in SCORES:
            raise DomainError(
                "score_out_of_range",
                _("Jawaban pertanyaan %(number)d harus salah satu pilihan 1 sampai 4."),
                number=position,
            )
        values.append(number)
    return values


@transaction.atomic
def survey_answer(
    *, application, resident, scores: dict, comment: str = "", channel: str = "web"
) -> SurveyResponse:
    """One response per application, only by its resident, only once the document is in their
    hands."""
    if application.resident_id != resident.pk:
        raise DomainError("survey_not_yours", _("Permohonan ini bukan milik Anda."))
    if application.status != lifecycle.HANDED_OVER:
        raise DomainError(
            "survey_too_early",
            _("Survei dapat diisi setelah dokumen Anda diterima."),
        )
    values = _check_scores(scores)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(
            "comment_too_long",
            _("Saran terlalu panjang: paling banyak %(max)d huruf."),
            max=COMMENT_MAX,
        )
    if channel not in (SurveyResponse.WEB, SurveyResponse.WHATSAPP, SurveyResponse.SMS):
        channel = SurveyResponse.WEB
    already = DomainError(
        "survey_already_answered",
        _("Survei untuk permohonan ini sudah Anda isi. Terima kasih!"),
    )
    if SurveyResponse.objects.filter(application=application).exists():
        raise already
    try:
        with transaction.atomic():  # a double click racing past the check above
            return SurveyResponse.objects.create(
                application=application,
                service=application.service,
                channel=channel,
                answered_on=timezone.localdate(),
                comment=comment,
                **{f"u{i}": value for i, value in enumerate(values, start=1)},
            )
    except IntegrityError:
        raise already from None

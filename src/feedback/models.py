"""Complaints with answer deadlines, and satisfaction-survey answers (IKM)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Complaint categories and their answer deadline in working days, after SP4N-LAPOR!'s three
# service levels (3 / 5 / 10 working days):
#   3  — a request for information or a suggestion: answered from what the office already
#        knows (requirements, status, opening hours), LAPOR!'s shortest follow-up time;
#   5  — an ordinary complaint about the service (delay, refused file, procedure): the unit
#        looks into its own records, LAPOR!'s standard follow-up time;
#   10 — a complaint that needs an examination or the central SIAK (wrong data on a printed
#        document, an officer's conduct, illegal fees), LAPOR!'s longest time.
CATEGORIES = {
    "information": (_("Permintaan informasi"), 3),
    "suggestion": (_("Saran dan masukan"), 3),
    "delay": (_("Keterlambatan penyelesaian"), 5),
    "procedure": (_("Persyaratan dan prosedur"), 5),
    "facility": (_("Sarana dan prasarana"), 5),
    "data_error": (_("Kesalahan data pada dokumen"), 10),
    "conduct": (_("Perilaku petugas"), 10),
    "illegal_fee": (_("Pungutan liar"), 10),
}
CATEGORY_CHOICES = [(code, label) for code, (label, _days) in CATEGORIES.items()]


def deadline_workdays(category: str) -> int:
    return CATEGORIES[category][1]


class Complaint(models.Model):
    OPEN, ESCALATED, ANSWERED = "open", "escalated", "answered"
    STATUSES = [
        (OPEN, _("Menunggu jawaban")),
        (ESCALATED, _("Dieskalasi ke kepala seksi")),
        (ANSWERED, _("Sudah dijawab")),
    ]
    CHANNELS = [("web", "Web"), ("whatsapp", "WhatsApp"), ("desk", _("Loket"))]
    MAX_REOPENS = 1

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    # Where answers go; for a walk-in resident filed at the desk it is the only contact.
    phone = models.CharField(max_length=16, blank=True)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    channel = models.CharField(max_length=12, choices=CHANNELS, default="web")
    subject = models.CharField(max_length=120)
    body = models.TextField()
    status = models.CharField(max_length=12, choices=STATUSES, default=OPEN, db_index=True)
    filed_at = models.DateTimeField()
    deadline = models.DateField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_answered",
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_filed",
    )

    class Meta:
        ordering = ["deadline", "filed_at"]
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reopen_count__lte=1), name="complaint_reopened_at_most_once"
            )
        ]

    def __str__(self):
        return f"complaint {self.pk}"

    @property
    def category_label(self) -> str:
        return str(CATEGORIES[self.category][0])

    @property
    def waiting(self) -> bool:
        return self.status in (self.OPEN, self.ESCALATED)

    def is_overdue(self, today) -> bool:
        return self.waiting and today > self.deadline

    @property
    def can_reopen(self) -> bool:
        return self.status == self.ANSWERED and self.reopen_count < self.MAX_REOPENS


class ComplaintEvent(models.Model):
    """The complaint's history: every answer stays readable after a reopen."""

    FILED, ANSWERED, ESCALATED, REOPENED, PUBLISHED = (
        "filed",
        "answered",
        "escalated",
        "reopened",
        "published",
    )
    KINDS = [
        (FILED, _("Pengaduan diterima")),
        (ANSWERED, _("Dijawab")),
        (ESCALATED, _("Dieskalasi ke kepala seksi")),
        (REOPENED, _("Dibuka kembali")),
        (PUBLISHED, _("Diterbitkan sebagai FAQ")),
    ]

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=KINDS)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )  # empty for the automatic escalation
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class FaqEntry(models.Model):
    """A published answer, anonymised when the officer published it (the text stored here is
    the text shown: no names, NIK, phone or registration numbers)."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="faq", null=True, blank=True
    )
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    question = models.TextField()
    answer = models.TextField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self):
        return f"faq {self.pk}"


class SurveyResponse(models.Model):
    """One filled IKM form: after a handover (web, reached by a WhatsApp/SMS invitation or from
    the application page) or a paper form loaded by import_survey."""

    WEB, WHATSAPP, SMS, PAPER = "web", "whatsapp", "sms", "paper"
    CHANNELS = [(WEB, "Web"), (WHATSAPP, "WhatsApp"), (SMS, "SMS"), (PAPER, _("Kertas"))]
    SCORE_FIELDS = ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"]

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_response",
    )  # one response per application (the database refuses a second one)
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT)
    channel = models.CharField(max_length=12, choices=CHANNELS)
    respondent = models.CharField(max_length=40, blank=True)  # the paper form's number
    answered_on = models.DateField(db_index=True)
    u1 = models.PositiveSmallIntegerField()
    u2 = models.PositiveSmallIntegerField()
    u3 = models.PositiveSmallIntegerField()
    u4 = models.PositiveSmallIntegerField()
    u5 = models.PositiveSmallIntegerField()
    u6 = models.PositiveSmallIntegerField()
    u7 = models.PositiveSmallIntegerField()
    u8 = models.PositiveSmallIntegerField()
    u9 = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-answered_on", "-id"]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 4}),
                    name=f"survey_{name}_between_1_and_4",
                )
                for name in ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"]
            ],
            models.UniqueConstraint(
                fields=["respondent", "answered_on", "service"],
                condition=~Q(respondent=""),
                name="one_paper_form_per_respondent_day_service",
            ),
        ]

    def __str__(self):
        return f"survey response {self.pk}"

    @property
    def scores(self) -> list[int]:
        return [getattr(self, name) for name in self.SCORE_FIELDS]

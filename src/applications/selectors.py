from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connection
from django.utils import timezone

from applications.models import Application, Attachment
from catalogue.models import Requirement
from catalogue.selectors import requirements_for


@dataclass(frozen=True)
class ChecklistRow:
    requirement: Requirement
    attachment: Attachment | None
    required: bool

    @property
    def missing(self) -> bool:
        return self.required and self.attachment is None


def subject_age(application: Application, today: date) -> int | None:
    born = application.data.get("birth_date")
    if not born:
        return None
    born = date.fromisoformat(born)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def is_required(requirement: Requirement, age: int | None) -> bool:
    if not requirement.required:
        return False
    if requirement.required_from_age is None or age is None:
        return True
    return age >= requirement.required_from_age


def checklist(application: Application) -> list[ChecklistRow]:
    """Each requirement of the application's service and variant, with its file if present."""
    files = {a.requirement_id: a for a in application.attachments.all()}
    age = subject_age(application, timezone.localdate())
    return [
        ChecklistRow(r, files.get(r.id), is_required(r, age))
        for r in requirements_for(application.service, application.variant)
    ]


def missing_requirements(application: Application) -> list[Requirement]:
    return [row.requirement for row in checklist(application) if row.missing]


def applications_of(resident):
    return (
        Application.objects.filter(resident=resident)
        .select_related("service", "variant")
        .order_by("-created_at")
    )


def application_of_resident(resident, public_id) -> Application:
    """The resident's own application; anyone else's is as good as missing (404)."""
    return (
        Application.objects.select_related("service", "variant", "village__district")
        .prefetch_related("attachments", "events", "service__requirements")
        .get(resident=resident, public_id=public_id)
    )


@dataclass(frozen=True)
class StatusSnapshot:
    registration_number: str
    service_code: str
    variant_code: str | None
    status: str
    submitted_at: datetime
    promise_date: date
    timeline: list[tuple[str, datetime]]


STATUS_SQL = """
    SELECT a.id, a.registration_number, s.code, v.code, a.status, a.submitted_at, a.promise_date
    FROM applications_application a
    JOIN catalogue_service s ON s.id = a.service_id
    LEFT JOIN catalogue_variant v ON v.id = a.variant_id
    WHERE a.registration_number = %s AND a.nik = %s AND a.status <> 'draft'
"""
TIMELINE_SQL = "SELECT status, at FROM applications_event WHERE application_id = %s ORDER BY at, id"


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive UTC datetimes; PostgreSQL aware ones.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def status_snapshot(registration_number: str, nik: str) -> StatusSnapshot | None:
    """The public status of an application, if number and NIK belong together.

    Plain SQL on two indexed lookups: this is the most-called read in the system (residents,
    the WhatsApp bot, village offices), and the ORM's query building cost more than the query.
    """
    with connection.cursor() as cursor:
        cursor.execute(STATUS_SQL, [registration_number, nik])
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(TIMELINE_SQL, [row[0]])
        events = [(status, _aware(at)) for status, at in cursor.fetchall()]
    promise = row[6] if isinstance(row[6], date) else date.fromisoformat(row[6])
    return StatusSnapshot(row[1], row[2], row[3], row[4], _aware(row[5]), promise, events)


def data_rows(application: Application, *, mask_numbers: bool = False) -> list[tuple[str, str]]:
    """The application's data as (label, shown value) pairs, in the service's field order.
    `mask_numbers` hides the middle of NIKs and the No. KK from screens that don't need them."""
    from django.utils import formats

    from applications.fields import FIELD_FACTORIES, NIK_FIELDS
    from population.masking import mask_nik
    from population.nik import SEX_LABELS

    rows = []
    for key in application.service.form_fields:
        value = application.data.get(key, "")
        if mask_numbers and (key in NIK_FIELDS or key == "no_kk") and value:
            value = mask_nik(value)
        if key == "village" and application.village:
            value = f"{application.village.name}, {application.village.district.name}"
        elif key == "sex" and value:
            value = SEX_LABELS[value]
        elif key in ("birth_date", "event_date") and value:
            value = formats.date_format(date.fromisoformat(value), "j F Y")
        rows.append((FIELD_FACTORIES[key]().label, value))
    return rows


@dataclass(frozen=True)
class FixRow:
    requirement: Requirement
    reason: str
    note: str
    replaced: bool


def fix_rows(application: Application) -> list[FixRow]:
    """For a "needs fix" application: each rejected requirement, why, and whether it is replaced."""
    from applications.lifecycle import NEEDS_FIX
    from applications.verification import rejected_requirement_ids

    if application.status != NEEDS_FIX:
        return []
    open_ids = rejected_requirement_ids(application)
    latest = {}
    for check in application.checks.select_related("requirement"):
        latest.setdefault(check.requirement_id, check)
    return [
        FixRow(c.requirement, c.reason_label, c.note, c.requirement_id not in open_ids)
        for c in latest.values()
        if c.decision == "rejected"
    ]

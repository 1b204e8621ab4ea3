from dataclasses import dataclass
from datetime import date

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


def application_by_number_and_nik(registration_number: str, nik: str) -> Application | None:
    return (
        Application.objects.select_related("service", "variant")
        .filter(registration_number=registration_number, nik=nik)
        .exclude(status="draft")
        .first()
    )


def data_rows(application: Application) -> list[tuple[str, str]]:
    """The application's data as (label, shown value) pairs, in the service's field order."""
    from django.utils import formats

    from applications.fields import FIELD_FACTORIES
    from population.nik import SEX_LABELS

    rows = []
    for key in application.service.form_fields:
        value = application.data.get(key, "")
        if key == "village" and application.village:
            value = f"{application.village.name}, {application.village.district.name}"
        elif key == "sex" and value:
            value = SEX_LABELS[value]
        elif key in ("birth_date", "event_date") and value:
            value = formats.date_format(date.fromisoformat(value), "j F Y")
        rows.append((FIELD_FACTORIES[key]().label, value))
    return rows

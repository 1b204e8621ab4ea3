from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.fields import FIELD_FACTORIES, FIELD_PAIRS, NIK_FIELDS, PAST_DATE_FIELDS
from catalogue.models import Service
from population.nik import declared_problems
from population.selectors import office_villages
from population.services import validate_kk, validate_nik


def village_choices():
    return [("", "—")] + [
        (v.code, f"{v.name} — {_('Kec.')} {v.district.name}") for v in office_villages()
    ]


class ApplicantDataForm(forms.Form):
    """The data a service needs, with the NIK / No. KK rules applied."""

    variant = forms.ChoiceField(label=_("Jenis permohonan"), widget=forms.RadioSelect)

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        variants = list(service.variants.all())
        if variants:
            self.fields["variant"].choices = [(v.code, v.t.name) for v in variants]
        else:
            del self.fields["variant"]
        for key in service.form_fields:
            self.fields[key] = FIELD_FACTORIES[key]()
        if "village" in self.fields:
            self.fields["village"].choices = village_choices()

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for key in PAST_DATE_FIELDS & set(cleaned):
            if cleaned[key] and cleaned[key] > today:
                self.add_error(key, _("Tanggal tidak boleh di masa depan."))
        for key in NIK_FIELDS & set(cleaned):
            if not cleaned[key] and not self.fields[key].required:
                continue
            facts, problems = validate_nik(cleaned[key], field_name=key)
            for problem in problems:
                self.add_error(key, problem.message)
            if facts:
                cleaned[key] = facts.nik
            if facts and key == "nik":
                for problem in declared_problems(
                    facts, sex=cleaned.get("sex"), birth_date=cleaned.get("birth_date")
                ):
                    if problem.field in self.fields:
                        self.add_error(problem.field, problem.message)
        for first, second in FIELD_PAIRS:
            if first in self.fields and bool(cleaned.get(first)) != bool(cleaned.get(second)):
                missing = second if cleaned.get(first) else first
                self.add_error(missing, _("Isi juga kolom ini, atau kosongkan keduanya."))
        if "no_kk" in cleaned:
            number, problems = validate_kk(cleaned["no_kk"])
            for problem in problems:
                self.add_error("no_kk", problem.message)
            if number:
                cleaned["no_kk"] = number
        return cleaned

    def application_data(self) -> dict:
        """Cleaned values as JSON-ready data (dates as ISO strings)."""
        return {
            key: value.isoformat() if hasattr(value, "isoformat") else value
            for key, value in self.cleaned_data.items()
            if key != "variant"
        }


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas"), allow_empty_file=True)

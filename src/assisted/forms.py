import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.phone import normalize_phone
from applications.forms import ApplicantDataForm
from assisted.models import AssistedIntake
from assisted.services import area_villages
from catalogue.selectors import requirements_for
from loket.errors import DomainError


class IntakeForm(ApplicantDataForm):
    """The resident's data (the same checks as the resident's own form), their phone, how
    they consent, and the device's id for this intake."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    phone = forms.CharField(
        label=_("Nomor HP warga (boleh kosong)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("Kode persetujuan dikirim ke nomor ini; kabar permohonan juga."),
    )
    consent_method = forms.ChoiceField(
        label=_("Persetujuan warga"),
        choices=list(AssistedIntake.METHODS.items()),
        widget=forms.RadioSelect,
        initial=AssistedIntake.CODE,
    )
    consent_file = forms.FileField(
        label=_("Foto formulir persetujuan bertanda tangan (bila tanpa kode)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,application/pdf", "capture": "environment"}
        ),
    )

    def __init__(self, *args, operator, **kwargs):
        super().__init__(*args, **kwargs)
        if "village" in self.fields:
            self.fields["village"].choices = [("", "—")] + [
                (v.code, f"{v.name} — {_('Kec.')} {v.district.name}")
                for v in area_villages(operator)
            ]
        self.fields["client_id"].initial = uuid.uuid4()

    def clean_phone(self):
        raw = self.cleaned_data["phone"]
        if not raw.strip():
            return ""
        try:
            return normalize_phone(raw)
        except DomainError as error:
            raise forms.ValidationError(error.messages) from error

    def variant(self):
        code = self.cleaned_data.get("variant")
        return self.service.variants.filter(code=code).first() if code else None

    def application_data(self) -> dict:
        data = super().application_data()
        for key in ("client_id", "phone", "consent_method", "consent_file"):
            data.pop(key, None)
        return data


def requirement_rows(service):
    """Every requirement with the variants it belongs to, for the photo inputs and the
    browser's own completeness check."""
    rows = []
    for r in requirements_for(service, None) + [
        r for r in service.requirements.all() if r.variant_id is not None
    ]:
        rows.append(
            {
                "id": r.id,
                "name": r.t.name,
                "help": r.t.help,
                "variant": r.variant.code if r.variant_id else "",
                "required": r.required,
                "from_age": r.required_from_age,
                "accept": ",".join(r.accepted_list),
            }
        )
    return rows

"""The dashboards' filters (GET) and the population upload."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Service
from reports.selectors import CHANNELS, Filters, kecamatan_names

CHANNEL_LABELS = {
    "web": _("Situs web"),
    "whatsapp": "WhatsApp",
    "sms": "SMS",
    "counter": _("Loket (datang langsung)"),
    "assisted": _("Dibantu petugas"),
}


def _kecamatan_choices():
    return [("", _("Semua kecamatan")), *kecamatan_names().items()]


def _service_choices():
    return [("", _("Semua layanan")), *Service.objects.values_list("code", "code")]


class ApplicationFilterForm(forms.Form):
    """Period (local days, inclusive), kecamatan, service and channel."""

    date_from = forms.DateField(label=_("Dari tanggal"), required=False)
    date_to = forms.DateField(label=_("Sampai tanggal"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    service = forms.ChoiceField(label=_("Layanan"), required=False)
    channel = forms.ChoiceField(
        label=_("Kanal"),
        required=False,
        choices=[("", _("Semua kanal")), *((c, CHANNEL_LABELS[c]) for c in CHANNELS)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].choices = _kecamatan_choices()
        self.fields["service"].choices = _service_choices()
        for name in ("date_from", "date_to"):
            self.fields[name].widget.input_type = "date"

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["date_from"] = data.get("date_from") or date(today.year, 1, 1)
        data["date_to"] = data.get("date_to") or today
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            kecamatan=data.get("kecamatan") or "",
            service=data.get("service") or "",
            channel=data.get("channel") or "",
        )


class CoverageFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    semester = forms.TypedChoiceField(label=_("Semester"), choices=[(1, "1"), (2, "2")], coerce=int)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    document = forms.ChoiceField(label=_("Dokumen per kecamatan"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].choices = _kecamatan_choices()
        self.fields["document"].choices = Service.objects.values_list("code", "code")


class PopulationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        help_text=_("Kolom: year,semester,kecamatan_code,document,sex,eligible,owned[,age_band]"),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Hanya berkas .csv atau .xlsx."))
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (paling besar 5 MB)."))
        return upload

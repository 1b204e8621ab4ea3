"""The data a service's form asks for: each key in Service.form_fields maps to one form field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from population.nik import FEMALE, MALE


def _nik(label):
    return lambda: forms.CharField(
        label=label,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("16 angka, lihat KTP-el atau KK."),
    )


def _text(label, max_length=120, **kwargs):
    return lambda: forms.CharField(label=label, max_length=max_length, **kwargs)


def _date(label):
    return lambda: forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


FIELD_FACTORIES = {
    "nik": _nik(_("NIK")),
    "no_kk": lambda: forms.CharField(
        label=_("Nomor KK"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("16 angka, di bagian atas Kartu Keluarga."),
    ),
    "name": _text(_("Nama lengkap (sesuai dokumen)")),
    "sex": lambda: forms.ChoiceField(
        label=_("Jenis kelamin"),
        choices=[("", "—"), (MALE, _("Laki-laki")), (FEMALE, _("Perempuan"))],
    ),
    "birth_date": _date(_("Tanggal lahir")),
    "village": lambda: forms.ChoiceField(label=_("Desa/kelurahan"), choices=[]),
    "address": _text(_("Alamat (jalan, nomor, RT/RW)"), 200),
    "event_date": _date(_("Tanggal peristiwa")),
    "event_place": _text(_("Tempat peristiwa")),
    "father_nik": _nik(_("NIK ayah")),
    "mother_nik": _nik(_("NIK ibu")),
    "spouse_nik": _nik(_("NIK pasangan")),
    "destination_address": _text(_("Alamat tujuan pindah (lengkap)"), 250),
    "move_reason": _text(_("Alasan pindah"), 200),
    "skpwni_number": _text(_("Nomor SKPWNI"), 40),
    "purpose": _text(_("Keperluan"), 200),
    "court_decision_number": _text(_("Nomor putusan pengadilan"), 60),
    # Akta kematian of a married person: the surviving spouse's KTP-el changes too.
    "surviving_spouse_nik": lambda: forms.CharField(
        label=_("NIK suami/istri yang ditinggalkan"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Isi bila almarhum/almarhumah masih menikah: KTP-el pasangan ikut diperbarui."),
    ),
    "surviving_spouse_name": _text(
        _("Nama suami/istri yang ditinggalkan"), required=False, help_text=_("Sesuai KTP-el.")
    ),
}

NIK_FIELDS = {"nik", "father_nik", "mother_nik", "spouse_nik", "surviving_spouse_nik"}
OPTIONAL_FIELDS = {"surviving_spouse_nik", "surviving_spouse_name"}
# Asked together or not at all.
FIELD_PAIRS = [("surviving_spouse_nik", "surviving_spouse_name")]
PAST_DATE_FIELDS = {"birth_date", "event_date"}

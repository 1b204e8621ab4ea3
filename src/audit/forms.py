from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class AccessLogFilterForm(forms.Form):
    officer = forms.CharField(label=_("Nama pengguna petugas"), max_length=150, required=False)
    number = forms.CharField(label=_("Nomor registrasi"), max_length=24, required=False)
    date_from = forms.DateField(label=_("Dari tanggal"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Sampai tanggal"), required=False, widget=DateInput)

    def clean_officer(self):
        return self.cleaned_data["officer"].strip()

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return cleaned

    def filters(self) -> dict:
        """The filters that passed validation (an invalid field is left out, not guessed)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "officer": data.get("officer", ""),
            "registration_number": data.get("number", ""),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }

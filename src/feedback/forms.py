from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import Service
from feedback.ikm import ELEMENTS
from feedback.models import CATEGORY_CHOICES, SurveyResponse


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("Jenis pengaduan"), choices=CATEGORY_CHOICES)
    application = forms.ChoiceField(
        label=_("Tentang permohonan (boleh dikosongkan)"), required=False
    )
    subject = forms.CharField(label=_("Judul singkat"), max_length=120)
    body = forms.CharField(label=_("Isi pengaduan"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = {str(a.public_id): a for a in applications}
        self.fields["application"].choices = [("", _("— tidak terkait permohonan —"))] + [
            (key, f"{a.registration_number} · {a.service.t.name}")
            for key, a in self.applications.items()
        ]

    def selected_application(self):
        return self.applications.get(self.cleaned_data.get("application") or "")


class DeskComplaintForm(forms.Form):
    phone = forms.CharField(label=_("Nomor HP warga"), max_length=20)
    category = forms.ChoiceField(label=_("Jenis pengaduan"), choices=CATEGORY_CHOICES)
    registration_number = forms.CharField(
        label=_("Nomor permohonan (boleh dikosongkan)"), max_length=24, required=False
    )
    subject = forms.CharField(label=_("Judul singkat"), max_length=120)
    body = forms.CharField(label=_("Isi pengaduan"), widget=forms.Textarea(attrs={"rows": 5}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Jawaban"), widget=forms.Textarea(attrs={"rows": 6}))


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("Alasan eskalasi"), max_length=500, required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Mengapa jawaban belum menyelesaikan masalah?"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FaqForm(forms.Form):
    question = forms.CharField(
        label=_("Pertanyaan (FAQ)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    answer = forms.CharField(label=_("Jawaban (FAQ)"), widget=forms.Textarea(attrs={"rows": 5}))


class SurveyForm(forms.Form):
    """Nine questions with the regulation's four answers each, plus free text. Range checks are
    the service's (a forged POST with 0 or 5 gets the same clear message)."""

    comment = forms.CharField(
        label=_("Saran dan masukan (boleh dikosongkan)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def questions(self):
        return [
            {
                "code": code,
                "name": name,
                "question": question,
                "answers": list(enumerate(answers, start=1)),
                "value": str(self.data.get(code, "")),
            }
            for code, name, question, answers in ELEMENTS
        ]

    def scores(self) -> dict:
        return {code: self.data.get(code) for code, *_rest in ELEMENTS}


class IkmFilterForm(forms.Form):
    service = forms.ChoiceField(label=_("Layanan"), required=False)
    start = forms.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(
        label=_("Saluran"),
        required=False,
        choices=[("", _("Semua saluran")), *SurveyResponse.CHANNELS],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Semua layanan"))] + [
            (s.code, f"{s.code} — {s.t.name}") for s in Service.objects.order_by("order", "code")
        ]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return data

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import Service
from workdays.models import Disruption

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DisruptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis gangguan"), choices=Disruption.KINDS)
    description = forms.CharField(
        label=_("Keterangan untuk warga"),
        max_length=300,
        help_text=_("Tampil di setiap halaman dan di pesan ke pemohon."),
    )
    starts_at = forms.DateTimeField(label=_("Mulai"), widget=LOCAL_DATETIME)
    ends_at = forms.DateTimeField(label=_("Selesai (perkiraan)"), widget=LOCAL_DATETIME)
    services = forms.ModelMultipleChoiceField(
        label=_("Layanan terdampak"),
        queryset=Service.objects.order_by("order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kosongkan bila semua layanan terdampak."),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from counter_queue.models import QueueService


class BookingForm(forms.Form):
    """Dates and times are parsed here but judged by booking_create, so a day off or an hour
    outside the office's gets the rule's own message, not "not one of the choices"."""

    service = forms.ModelChoiceField(
        label=_("Layanan"), queryset=QueueService.objects.none(), to_field_name="letter"
    )
    date = forms.DateField(label=_("Tanggal"))
    time = forms.TimeField(
        label=_("Jam"), input_formats=["%H:%M"], error_messages={"required": _("Pilih jam.")}
    )
    nik = forms.CharField(label=_("NIK yang akan datang"), max_length=32)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class WalkInForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Layanan"), queryset=QueueService.objects.none(), to_field_name="letter"
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Kode pesanan"), max_length=20)

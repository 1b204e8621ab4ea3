from django import forms
from django.utils.translation import gettext_lazy as _

from handover.models import DeliveryChoice
from population.selectors import office_villages


class CourierAddressForm(forms.Form):
    """Where the courier goes. The desa is a plain field: the service, not the form, refuses
    one outside the kabupaten/kota, with a message that says so."""

    village = forms.CharField(label=_("Desa/kelurahan"), widget=forms.Select)
    street = forms.CharField(label=_("Jalan, nomor rumah, RT/RW"), max_length=200, required=False)
    landmark = forms.CharField(
        label=_("Patokan (tidak wajib)"),
        max_length=200,
        required=False,
        help_text=_("Misalnya: depan masjid, pagar hijau."),
    )
    latitude = forms.DecimalField(
        label=_("Titik peta: lintang (tidak wajib)"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("Contoh -1.265400. Salin dari aplikasi peta di ponsel Anda."),
    )
    longitude = forms.DecimalField(
        label=_("Titik peta: bujur (tidak wajib)"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("Contoh 116.831200."),
    )
    phone = forms.CharField(label=_("Nomor HP penerima"), max_length=20)
    payment = forms.ChoiceField(
        label=_("Cara bayar ongkos kirim kepada kurir"),
        choices=list(DeliveryChoice.PAYMENTS.items()),
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].widget.choices = [("", "—")] + [
            (v.code, f"{v.name} — {_('Kec.')} {v.district.name}") for v in office_villages()
        ]


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Kode"), max_length=60)


class PickupForm(forms.Form):
    code = forms.CharField(label=_("Kode pengambilan"), max_length=40)
    nik = forms.CharField(label=_("NIK pengambil (ketik dari KTP/KK)"), max_length=20)


class FollowUpForm(forms.Form):
    received = forms.TypedChoiceField(
        choices=[("1", _("Warga sudah menerima kartu")), ("0", _("Kartu tidak sampai"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        label=_("Hasil"),
    )
    note = forms.CharField(label=_("Catatan tindak lanjut"), max_length=200, required=False)

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from production.models import SupplyItem
from production.services import MAX_QUANTITY, MAX_WAITING_DAYS, NOTE_MAX

DEFAULT_WAITING_DAYS = 5  # a delivery from the province usually takes about a week


class WholeNumberField(forms.IntegerField):
    """A count of things: a negative figure is named as such, zero where 1 is the least too."""

    def __init__(self, label, *, minimum: int, maximum: int, **kwargs):
        super().__init__(
            label=label,
            max_value=maximum,
            error_messages={
                "required": _("Isi jumlahnya."),
                "invalid": _("Jumlah harus berupa angka bulat, misalnya 10."),
                "negative": _("Jumlah tidak boleh negatif."),
                "min_value": _("Jumlah harus paling sedikit %(limit_value)s."),
                "max_value": _(
                    "Jumlah terlalu besar (paling banyak %(limit_value)s). Periksa kembali."
                ),
            },
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": minimum}),
            **kwargs,
        )
        self.minimum = minimum

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < 0:
            raise ValidationError(self.error_messages["negative"], code="negative")
        if value < self.minimum:
            raise ValidationError(
                self.error_messages["min_value"],
                code="min_value",
                params={"limit_value": self.minimum},
            )


class _ItemForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Bahan"),
        queryset=SupplyItem.objects.order_by("id"),
        to_field_name="code",
        empty_label=None,
        error_messages={"invalid_choice": _("Pilih bahan dari daftar.")},
    )
    note = forms.CharField(label=_("Catatan"), max_length=NOTE_MAX, required=False)


class ReceiveForm(_ItemForm):
    prefix = "receive"
    quantity = WholeNumberField(_("Jumlah diterima (satuan)"), minimum=1, maximum=MAX_QUANTITY)
    field_order = ["item", "quantity", "note"]


class CountForm(_ItemForm):
    prefix = "count"
    counted = WholeNumberField(
        _("Jumlah di rak (satuan, termasuk rol yang terpasang)"), minimum=0, maximum=MAX_QUANTITY
    )
    field_order = ["item", "counted", "note"]


class ThresholdForm(_ItemForm):
    prefix = "threshold"
    threshold = WholeNumberField(
        _("Peringatkan bila stok sama dengan atau di bawah (satuan)"),
        minimum=0,
        maximum=MAX_QUANTITY,
    )
    field_order = ["item", "threshold"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]


class _ApplicationsField(forms.ModelMultipleChoiceField):
    """Applications by their opaque public id; a malformed id reads as "not found"."""

    def _check_values(self, value):
        for public_id in value:
            try:
                uuid.UUID(str(public_id))
            except ValueError:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from None
        return super()._check_values(value)


class _SelectionForm(forms.Form):
    applications = _ApplicationsField(
        queryset=Application.objects.all(),
        to_field_name="public_id",
        error_messages={
            "required": _("Pilih paling sedikit satu permohonan."),
            "invalid_choice": _("Permohonan yang dipilih tidak ditemukan. Muat ulang halaman."),
        },
    )


class BatchForm(_SelectionForm):
    pass


class ShortfallForm(_SelectionForm):
    working_days = forms.IntegerField(
        label=_("Perkiraan baru: berapa hari kerja lagi"),
        min_value=1,
        max_value=MAX_WAITING_DAYS,
        initial=DEFAULT_WAITING_DAYS,
        error_messages={
            "required": _("Isi jumlah hari kerja."),
            "invalid": _("Jumlah hari kerja harus berupa angka bulat."),
            "min_value": _("Jumlah hari kerja paling sedikit %(limit_value)s."),
            "max_value": _("Jumlah hari kerja paling banyak %(limit_value)s."),
        },
    )
    reason = forms.CharField(
        label=_("Alasan (dikirim kepada warga lewat SMS)"),
        max_length=NOTE_MAX,
        error_messages={"required": _("Tuliskan alasannya; alasan ini dikirim kepada warga.")},
    )

"""The Standar Pelayanan (PermenPANRB 15/2014): services, variants and their requirements.

Texts are kept in Indonesian and English side by side (`*_id`, `*_en`) so officers edit both in
Django admin; `localized()` picks the active language.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DEFAULT_ACCEPTED = "image/jpeg,image/png,application/pdf"
# Printed on blank cards (blanko, ribbon, film); every other document is issued as a signed PDF.
CARD_SERVICES = ("KTP", "KIA")


def localized(obj, field: str) -> str:
    """The English text when English is active and filled in, else the Indonesian one."""
    if (get_language() or "id").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_id")


class Bilingual:
    """Gives `obj.t.name` etc. for templates."""

    @property
    def t(self):
        obj = self

        class _Texts:
            def __getattr__(self, field):
                return localized(obj, field)

        return _Texts()


class Service(Bilingual, models.Model):
    code = models.CharField(_("kode"), max_length=12, unique=True)
    name_id = models.CharField(_("nama (id)"), max_length=120)
    name_en = models.CharField(_("nama (en)"), max_length=120, blank=True)
    summary_id = models.TextField(_("ringkasan (id)"), blank=True)
    summary_en = models.TextField(_("ringkasan (en)"), blank=True)
    procedure_id = models.TextField(_("prosedur (id)"), help_text=_("Satu langkah per baris."))
    procedure_en = models.TextField(_("prosedur (en)"), blank=True)
    product_id = models.CharField(_("produk (id)"), max_length=200)
    product_en = models.CharField(_("produk (en)"), max_length=200, blank=True)
    time_limit_workdays = models.PositiveSmallIntegerField(_("jangka waktu (hari kerja)"))
    cost_idr = models.PositiveIntegerField(
        _("biaya (Rp)"),
        default=0,
        help_text=_("Dokumen kependudukan gratis menurut undang-undang."),
    )
    complaint_channel_id = models.TextField(_("saluran pengaduan (id)"))
    complaint_channel_en = models.TextField(_("saluran pengaduan (en)"), blank=True)
    form_fields = models.JSONField(
        _("data yang diisi"), default=list, help_text=_("Kunci isian formulir, urut.")
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")

    def __str__(self):
        return f"{self.code} — {self.name_id}"

    @property
    def procedure_steps(self) -> list[str]:
        return [line.strip() for line in localized(self, "procedure").splitlines() if line.strip()]


class Variant(Bilingual, models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="variants")
    code = models.CharField(_("kode"), max_length=20)
    name_id = models.CharField(_("nama (id)"), max_length=120)
    name_en = models.CharField(_("nama (en)"), max_length=120, blank=True)
    in_person_required = models.BooleanField(_("wajib datang ke kantor"), default=False)
    in_person_reason_id = models.CharField(_("alasan datang (id)"), max_length=200, blank=True)
    in_person_reason_en = models.CharField(_("alasan datang (en)"), max_length=200, blank=True)
    time_limit_workdays = models.PositiveSmallIntegerField(
        _("jangka waktu khusus (hari kerja)"), null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="unique_variant_code")
        ]
        verbose_name = _("varian")
        verbose_name_plural = _("varian")

    def __str__(self):
        return f"{self.service.code} {self.code}"

    @property
    def effective_time_limit(self) -> int:
        return self.time_limit_workdays or self.service.time_limit_workdays


class Requirement(Bilingual, models.Model):
    """One named file the resident provides. `variant` empty = needed for every variant."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="requirements")
    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, null=True, blank=True, related_name="requirements"
    )
    code = models.CharField(_("kode"), max_length=40)
    name_id = models.CharField(_("nama (id)"), max_length=160)
    name_en = models.CharField(_("nama (en)"), max_length=160, blank=True)
    help_id = models.CharField(_("keterangan (id)"), max_length=300, blank=True)
    help_en = models.CharField(_("keterangan (en)"), max_length=300, blank=True)
    accepted_types = models.CharField(
        _("jenis berkas diterima"), max_length=120, default=DEFAULT_ACCEPTED
    )
    required = models.BooleanField(_("wajib"), default=True)
    required_from_age = models.PositiveSmallIntegerField(
        _("wajib mulai usia"),
        null=True,
        blank=True,
        help_text=_("Kosong = selalu wajib (bila 'wajib'); diisi = wajib bila usia >= angka ini."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "variant", "code"], name="unique_requirement_code"
            )
        ]
        verbose_name = _("persyaratan")
        verbose_name_plural = _("persyaratan")

    def __str__(self):
        return f"{self.service.code} {self.code}"

    @property
    def accepted_list(self) -> list[str]:
        return [t.strip() for t in self.accepted_types.split(",") if t.strip()]

    @property
    def accepted_label(self) -> str:
        names = {"image/jpeg": "JPG", "image/png": "PNG", "application/pdf": "PDF"}
        return ", ".join(names.get(t, t) for t in self.accepted_list)

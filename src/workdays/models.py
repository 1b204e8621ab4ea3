from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeDay(models.Model):
    """The office's own calendar entries on top of the national holidays package.

    A late decree or a regional holiday closes a day (is_working_day=False); a cancelled
    holiday or a make-up Saturday opens one (is_working_day=True).
    """

    date = models.DateField(_("tanggal"), unique=True)
    is_working_day = models.BooleanField(_("hari kerja"), default=False)
    reason = models.CharField(_("alasan"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari kantor khusus")
        verbose_name_plural = _("hari kantor khusus")

    def __str__(self):
        return f"{self.date} {self.reason}"


class Disruption(models.Model):
    """A declared disruption: power cut, network loss, central-link maintenance, office move,
    blank-card shortage. While it lasts every page shows a banner; the working days it takes
    are added to the promise dates of the applications it touches."""

    POWER, NETWORK, CENTRAL, MOVE, BLANKS = "power", "network", "central", "move", "blanks"
    KINDS = [
        (POWER, _("Listrik padam")),
        (NETWORK, _("Jaringan terputus")),
        (CENTRAL, _("Pemeliharaan sistem pusat (SIAK)")),
        (MOVE, _("Pindah kantor")),
        (BLANKS, _("Blanko kosong")),
    ]

    kind = models.CharField(_("jenis"), max_length=12, choices=KINDS)
    description = models.CharField(_("keterangan untuk warga"), max_length=300)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai (perkiraan)"))
    # Empty: every service is affected.
    services = models.ManyToManyField("catalogue.Service", blank=True, verbose_name=_("layanan"))
    lost_working_days = models.PositiveSmallIntegerField(default=0)
    declared_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    declared_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # declared over by an officer
    back_notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="disruption_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class DisruptionShift(models.Model):
    """An application whose promise date a disruption moved: once each, and the list of
    residents to tell when service is back."""

    disruption = models.ForeignKey(Disruption, on_delete=models.CASCADE, related_name="shifts")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE)
    old_date = models.DateField()
    new_date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["disruption", "application"], name="one_shift_per_disruption"
            )
        ]

    def __str__(self):
        return f"{self.application_id}: {self.old_date} → {self.new_date}"

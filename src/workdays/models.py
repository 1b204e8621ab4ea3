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

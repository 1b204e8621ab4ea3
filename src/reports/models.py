"""Population figures the office imports (Loket does not own them) and coverage targets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PopulationFigure(models.Model):
    """How many residents must hold a document (`eligible`) and how many do (`owned`), for one
    semester, kecamatan (blank = the whole office), sex (blank = both) and age band (blank = all
    ages), from the office's
    aggregate data (DKB/SIAK). Loaded only through reports.services.population_import."""

    MALE, FEMALE, BOTH = "L", "P", ""
    SEXES = {MALE: _("Laki-laki"), FEMALE: _("Perempuan"), BOTH: _("Semua")}

    year = models.PositiveSmallIntegerField()
    semester = models.PositiveSmallIntegerField()
    # A code rather than a foreign key: blank means "the whole office" and stays unique.
    kecamatan_code = models.CharField(max_length=6, blank=True)
    document = models.CharField(max_length=12)
    sex = models.CharField(max_length=1, blank=True)
    # "0-4", "5-17", "75+" as in the office's DKB tables; blank = all ages.
    age_band = models.CharField(max_length=7, blank=True, default="")
    eligible = models.PositiveIntegerField()
    owned = models.PositiveIntegerField()
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "semester", "kecamatan_code", "document", "sex", "age_band"],
                name="one_population_figure_per_key",
            )
        ]
        verbose_name = _("data agregat penduduk")
        verbose_name_plural = _("data agregat penduduk")

    def __str__(self):
        return f"{self.year}/{self.semester} {self.kecamatan_code or '-'} {self.document}"


class CoverageTarget(models.Model):
    """The office's target ownership (percent) for a document in a year (renstra)."""

    document = models.CharField(_("dokumen"), max_length=12)
    year = models.PositiveSmallIntegerField(_("tahun"))
    percent = models.DecimalField(_("target (persen)"), max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "year"], name="one_target_per_year")
        ]
        verbose_name = _("target cakupan")
        verbose_name_plural = _("target cakupan")

    def __str__(self):
        return f"{self.document} {self.year}: {self.percent} %"

"""Indonesia's administrative regions (wilayah). Codes are stored as digits without dots."""

from django.db import models


class Province(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    def __str__(self):
        return f"{self.code} {self.name}"


class Regency(models.Model):
    """Kabupaten / kota."""

    code = models.CharField(max_length=4, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(max_length=100)

    class Meta:
        verbose_name_plural = "regencies"

    def __str__(self):
        return f"{self.code} {self.name}"


class District(models.Model):
    """Kecamatan."""

    code = models.CharField(max_length=6, primary_key=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(max_length=100)

    def __str__(self):
        return f"{self.code} {self.name}"


class Village(models.Model):
    """Desa / kelurahan. Only the office's own kabupaten/kota is loaded."""

    code = models.CharField(max_length=10, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

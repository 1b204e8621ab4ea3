"""Assisted intake: village/kecamatan operators applying on behalf of residents."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OperatorArea(models.Model):
    """Where an operator desa (one village) or operator kecamatan (one district) works.
    An operator with no area row may not take applications anywhere."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="operator_areas"
    )
    village = models.ForeignKey(
        "population.Village", on_delete=models.CASCADE, null=True, blank=True
    )
    district = models.ForeignKey(
        "population.District", on_delete=models.CASCADE, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(village__isnull=False) | models.Q(district__isnull=False),
                name="operator_area_has_a_place",
            )
        ]
        verbose_name = _("wilayah operator")
        verbose_name_plural = _("wilayah operator")

    def __str__(self):
        return f"{self.operator} → {self.village_id or self.district_id}"


def consent_path(instance, filename):
    return f"consent/{uuid.uuid4().hex}"  # opaque: no personal data in paths


class AssistedIntake(models.Model):
    """One application taken by an operator, with the resident's consent to it."""

    CODE, FORM = "code", "form"
    METHODS = {CODE: _("Kode ke HP warga"), FORM: _("Formulir persetujuan bertanda tangan")}

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="assisted"
    )
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    # The id the operator's device gave the intake: a replayed offline send finds it again.
    client_id = models.UUIDField(unique=True)
    consent_method = models.CharField(max_length=8)
    resident_phone = models.CharField(max_length=16, blank=True)
    consent_file = models.FileField(upload_to=consent_path, blank=True)
    consent_content_type = models.CharField(max_length=64, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    queued_offline = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"assisted intake {self.pk}"


class ConsentCode(models.Model):
    """The one-time code sent to the resident's phone; only a keyed hash is stored."""

    intake = models.ForeignKey(AssistedIntake, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"consent code {self.pk}"

from django.conf import settings
from django.db import models


class AccessLog(models.Model):
    """One officer read of personal data: who, what, when, on which screen (UU 27/2022)."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True
    )
    attachment_id = models.BigIntegerField(null=True, blank=True)
    screen = models.CharField(max_length=60)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["officer", "at"]),
            models.Index(fields=["application", "at"]),
        ]

    def __str__(self):
        return f"{self.officer_id} {self.screen} {self.at:%Y-%m-%d %H:%M}"


class RetentionRun(models.Model):
    """One run of `purge_scans`: what was removed, so the purge itself is accounted for."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)  # empty: the run was interrupted
    months = models.PositiveSmallIntegerField()
    cutoff = models.DateTimeField()  # applications finished before this lost their scans
    applications = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)  # plaintext size of the removed scans

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"retention {self.started_at:%Y-%m-%d %H:%M}: {self.files} files"

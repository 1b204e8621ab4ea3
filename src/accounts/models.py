from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Residents sign in with a phone number; officers with username and password."""

    phone = models.CharField(max_length=16, unique=True, null=True, blank=True)
    preferred_language = models.CharField(max_length=8, default="id")


class SignInCode(models.Model):
    """A one-time code sent by SMS. Only a keyed hash is stored."""

    phone = models.CharField(max_length=16, db_index=True)
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"sign-in code {self.pk}"


class OfficerScope(models.Model):
    """The kecamatan a verifier or operator works on; no rows means the whole kabupaten/kota."""

    officer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scopes")
    district = models.ForeignKey("population.District", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["officer", "district"], name="unique_officer_scope")
        ]

    def __str__(self):
        return f"{self.officer} → {self.district}"

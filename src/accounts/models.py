from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Residents sign in with a phone number; officers with username and password."""

    phone = models.CharField(max_length=16, unique=True, null=True, blank=True)
    preferred_language = models.CharField(max_length=8, default="id")

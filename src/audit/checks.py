"""Refuse to start with encryption keys that cannot work, instead of failing at the first upload."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def check_file_encryption_keys(app_configs, **kwargs):
    keys = getattr(settings, "FILE_ENCRYPTION_KEYS", [])
    if not keys:
        return [checks.Error("FILE_ENCRYPTION_KEYS is empty.", id="audit.E001")]
    errors = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            errors.append(
                checks.Error(
                    f"FILE_ENCRYPTION_KEYS: key {position} is not a Fernet key "
                    "(32 url-safe base64-encoded bytes).",
                    hint="Make one with: python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'",
                    id="audit.E002",
                )
            )
    return errors

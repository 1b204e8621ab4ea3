"""Re-encrypt every stored file with the newest key in FILE_ENCRYPTION_KEYS.

Rotation: put the new key first in FILE_ENCRYPTION_KEYS (keep the old ones after it), restart,
run this command until it reports no failures, then remove the old keys. Running it again
changes nothing.
"""

from cryptography.fernet import InvalidToken
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Re-encrypt every stored upload with the newest FILE_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--encrypt-plaintext",
            action="store_true",
            help="Also encrypt files stored before encryption was switched on.",
        )

    def handle(self, *args, encrypt_plaintext=False, **options):
        storage = storages["default"]
        if not (hasattr(storage, "rotate") and hasattr(storage, "walk")):
            raise CommandError("The default storage does not support key rotation.")
        rotated = current = gone = 0
        failed: list[str] = []
        for name in storage.walk():
            try:
                changed = storage.rotate(name, encrypt_plaintext=encrypt_plaintext)
            except FileNotFoundError:
                gone += 1  # deleted while we walked (a replaced or purged scan)
                continue
            except InvalidToken:
                failed.append(name)
                continue
            rotated += changed
            current += not changed
        self.stdout.write(
            f"Re-encrypted {rotated} files; {current} already used the newest key; "
            f"{gone} vanished meanwhile; {len(failed)} could not be opened."
        )
        if failed:
            for name in failed:
                self.stderr.write(f"cannot open: {name}")
            hint = "" if encrypt_plaintext else " (not encrypted? see --encrypt-plaintext)"
            raise CommandError(
                f"{len(failed)} files open with none of FILE_ENCRYPTION_KEYS{hint}; "
                "keep the old keys until this is resolved."
            )

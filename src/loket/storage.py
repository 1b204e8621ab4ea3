"""Uploaded scans encrypted at rest (UU 27/2022): Fernet tokens on disk, plaintext in Python.

Keys come from settings.FILE_ENCRYPTION_KEYS, newest first: the first key encrypts, every key
decrypts, so a new key can be put in front, `rotate_file_keys` run, and the old key removed.
Fernet is not a streaming format: a file is held in memory whole, which suits uploads capped at
UPLOAD_MAX_BYTES (a few MB). Sizes and checksums kept on models stay those of the plaintext.
"""

import base64
import binascii
import os
import stat
import tempfile

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

FERNET_VERSION = 0x80


def fernets() -> list[Fernet]:
    keys = settings.FILE_ENCRYPTION_KEYS
    if not keys:
        raise ValueError("FILE_ENCRYPTION_KEYS is empty")
    return [Fernet(key) for key in keys]


def looks_encrypted(raw: bytes) -> bool:
    """A well-formed Fernet token (whichever key made it), as opposed to a plaintext file."""
    try:
        data = base64.b64decode(raw, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(data) >= 57 and data[0] == FERNET_VERSION  # 1 + 8 + 16 + 32: header and MAC


class EncryptedFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files hold Fernet tokens; open() returns the plaintext."""

    def _save(self, name, content):
        plaintext = b"".join(content.chunks())
        token = MultiFernet(fernets()).encrypt(plaintext)
        # A ContentFile, so the parent never moves a temporary upload (plaintext) into place.
        return super()._save(name, ContentFile(token))

    def _open(self, name, mode="rb"):
        if mode != "rb":
            raise ValueError("Encrypted files are written only through save()")
        with open(self.path(name), "rb") as raw:
            token = raw.read()
        # ContentFile re-opens from memory: a closed file is never reopened from disk as ciphertext.
        return ContentFile(MultiFernet(fernets()).decrypt(token), name=name)

    def size(self, name):
        with self.open(name) as file:
            return file.size

    def rotate(self, name, *, encrypt_plaintext: bool = False) -> bool:
        """Re-encrypt `name` with the newest key; False when it already used it.

        Raises InvalidToken when no configured key opens it. A file that is not a Fernet token
        at all (stored before encryption was switched on) is encrypted only when asked to.
        """
        path = self.path(name)
        with open(path, "rb") as raw:
            data = raw.read()
        keys = fernets()
        multi = MultiFernet(keys)
        if looks_encrypted(data):
            try:
                keys[0].extract_timestamp(data)  # checks the MAC only, no decryption
                return False
            except InvalidToken:
                token = multi.rotate(data)
        elif encrypt_plaintext:
            token = multi.encrypt(data)
        else:
            raise InvalidToken
        self._replace(path, token)
        return True

    def _replace(self, path: str, content: bytes) -> None:
        """Write next to the file and rename over it: a crash leaves the old or the new file."""
        directory = os.path.dirname(path)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".rotate-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            try:
                os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
            except FileNotFoundError:  # deleted meanwhile (e.g. purged): do not bring it back
                os.unlink(temporary)
                return
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def walk(self, directory: str = ""):
        """Every stored file's name, depth first (our own temporary files left out)."""
        if not self.exists(directory):
            return
        directories, files = self.listdir(directory)
        for file in sorted(files):
            if not file.startswith(".rotate-"):
                yield f"{directory}/{file}" if directory else file
        for sub in sorted(directories):
            yield from self.walk(f"{directory}/{sub}" if directory else sub)

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
        token = _rotated_token(data, encrypt_plaintext=encrypt_plaintext)
        if token is None:
            return False
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


def _rotated_token(data: bytes, *, encrypt_plaintext: bool) -> bytes | None:
    """The file re-encrypted with the newest key, or None when it already uses it."""
    keys = fernets()
    multi = MultiFernet(keys)
    if looks_encrypted(data):
        try:
            keys[0].extract_timestamp(data)  # checks the MAC only, no decryption
            return None
        except InvalidToken:
            return multi.rotate(data)
    if encrypt_plaintext:
        return multi.encrypt(data)
    raise InvalidToken


def __getattr__(name):
    # Built on first use: boto3 is imported only by deployments that put uploads on object
    # storage (settings name "loket.storage.EncryptedS3Storage"), not by every process.
    if name == "EncryptedS3Storage":
        cls = _encrypted_s3_storage()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


def _encrypted_s3_storage():
    from storages.backends.s3 import S3Storage

    class EncryptedS3Storage(S3Storage):
        """Object storage (S3, MinIO, …) holding the same Fernet tokens as on disk.

        Encryption happens here, before the upload: the bucket (and whoever runs it) only ever sees
        ciphertext, whatever server-side encryption the provider offers on top. Objects are private
        (no ACL, no public URL): files are read back through the views that check who is asking.
        """

        def _save(self, name, content):
            plaintext = b"".join(content.chunks())
            token = MultiFernet(fernets()).encrypt(plaintext)
            return super()._save(name, ContentFile(token))

        def _open(self, name, mode="rb"):
            if mode != "rb":
                raise ValueError("Encrypted files are written only through save()")
            return ContentFile(MultiFernet(fernets()).decrypt(self.read_raw(name)), name=name)

        def read_raw(self, name) -> bytes:
            """The stored object as it is in the bucket (the Fernet token)."""
            remote = super()._open(name, "rb")
            try:
                return remote.read()
            finally:
                remote.close()

        def size(self, name):
            with self.open(name) as file:
                return file.size

        def url(self, name, parameters=None, expire=None, http_method=None):
            # A signed bucket URL would hand out the Fernet token, not the file: scans and
            # documents are served only by views that check who asks (as on disk, where
            # FileSystemStorage without a base URL refuses the same way).
            raise ValueError("Encrypted uploads have no URL; they are served by Loket's views.")

        def rotate(self, name, *, encrypt_plaintext: bool = False) -> bool:
            """As EncryptedFileSystemStorage.rotate; a PUT of one object replaces it atomically."""
            token = _rotated_token(self.read_raw(name), encrypt_plaintext=encrypt_plaintext)
            if token is None:
                return False
            super()._save(name, ContentFile(token))
            return True

        def walk(self, directory: str = ""):
            """Every stored object's name under `directory`, depth first."""
            directories, files = self.listdir(directory)
            for file in sorted(files):
                yield f"{directory}/{file}" if directory else file
            for sub in sorted(directories):
                yield from self.walk(f"{directory}/{sub}" if directory else sub)

    EncryptedS3Storage.__module__ = __name__
    EncryptedS3Storage.__qualname__ = "EncryptedS3Storage"
    return EncryptedS3Storage

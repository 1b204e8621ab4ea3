"""`rotate_file_keys`: a new key goes first, files move to it, then the old key can go."""

import io
import os

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_file_keys", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def contents(application) -> dict[int, bytes]:
    result = {}
    for attachment in application.attachments.all():
        with attachment.file.open("rb") as file:
            result[attachment.id] = file.read()
    return result


def raw(attachment) -> bytes:
    with open(default_storage.path(attachment.file.name), "rb") as file:
        return file.read()


def test_files_move_to_the_new_key_and_the_old_key_can_be_removed(scanned_application, settings):
    settings.FILE_ENCRYPTION_KEYS = [OLD_KEY]
    application = scanned_application(status="submitted")
    before = contents(application)
    raw_before = {a.id: raw(a) for a in application.attachments.all()}

    settings.FILE_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert contents(application) == before  # both keys open files during the change-over
    assert "Re-encrypted 2 files; 0 already used the newest key" in rotate()
    assert all(raw(a) != raw_before[a.id] for a in application.attachments.all())
    assert "Re-encrypted 0 files; 2 already used the newest key" in rotate()  # idempotent

    settings.FILE_ENCRYPTION_KEYS = [NEW_KEY]
    assert contents(application) == before
    for attachment in application.attachments.all():
        Fernet(NEW_KEY).decrypt(raw(attachment))  # really the new key's token


def test_without_rotation_the_old_key_is_still_needed(scanned_application, settings):
    settings.FILE_ENCRYPTION_KEYS = [OLD_KEY]
    attachment = scanned_application(status="submitted").attachments.first()
    settings.FILE_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(InvalidToken):
        attachment.file.open("rb")
    with pytest.raises(CommandError, match="2 files open with none"):
        rotate()


def test_new_uploads_already_use_the_newest_key(scanned_application, settings):
    settings.FILE_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    scanned_application(status="submitted")
    assert "Re-encrypted 0 files; 2 already used the newest key" in rotate()


def test_files_stored_before_encryption_are_encrypted_only_when_asked(scanned_application):
    scanned_application(status="submitted")
    name = "applications/legacy/0a1b2c"
    os.makedirs(os.path.dirname(default_storage.path(name)))
    with open(default_storage.path(name), "wb") as file:
        file.write(b"%PDF-1.4 plaintext from before encryption")
    with pytest.raises(CommandError, match="--encrypt-plaintext"):
        rotate()
    assert "Re-encrypted 1 files; 2 already used the newest key" in rotate("--encrypt-plaintext")
    with open(default_storage.path(name), "rb") as file:
        assert b"PDF" not in file.read()
    with default_storage.open(name) as file:
        assert file.read() == b"%PDF-1.4 plaintext from before encryption"


def test_rotation_keeps_the_file_mode_and_leaves_no_temporary_files(scanned_application, settings):
    settings.FILE_ENCRYPTION_KEYS = [OLD_KEY]
    attachment = scanned_application(status="submitted", files=("kk",)).attachments.get()
    path = default_storage.path(attachment.file.name)
    os.chmod(path, 0o640)
    settings.FILE_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    rotate()
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert os.listdir(os.path.dirname(path)) == [os.path.basename(path)]


def test_an_empty_storage_is_fine():
    assert "Re-encrypted 0 files; 0 already used the newest key" in rotate()

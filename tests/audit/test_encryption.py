"""Uploaded scans are encrypted at rest and come back as the resident's plaintext."""

import hashlib

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.urls import reverse

from loket.storage import looks_encrypted

pytestmark = pytest.mark.django_db


def raw_bytes(attachment) -> bytes:
    with open(attachment.file.storage.path(attachment.file.name), "rb") as file:
        return file.read()


def test_a_stored_scan_holds_no_plaintext_on_disk(scanned_application):
    application = scanned_application(status="submitted")
    for attachment in application.attachments.all():
        plaintext = attachment.file.open("rb").read()
        attachment.file.close()
        raw = raw_bytes(attachment)
        assert plaintext.startswith(b"\xff\xd8")  # the JPEG the resident sent, re-encoded
        assert plaintext not in raw and b"\xff\xd8" not in raw and b"JFIF" not in raw
        assert looks_encrypted(raw)
        # Size and checksum on the row describe the plaintext, not the ciphertext.
        assert len(plaintext) == attachment.size != len(raw)
        assert hashlib.sha256(plaintext).hexdigest() == attachment.sha256
        assert attachment.file.storage.size(attachment.file.name) == attachment.size


def test_the_resident_downloads_the_decrypted_file(scanned_application, resident, client):
    application = scanned_application(status="submitted")
    attachment = application.attachments.first()
    client.force_login(resident)
    response = client.get(reverse("applications:file", args=[application.public_id, attachment.id]))
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert hashlib.sha256(body).hexdigest() == attachment.sha256
    assert int(response["Content-Length"]) == attachment.size


def test_a_file_cannot_be_read_without_its_key(scanned_application, settings):
    attachment = scanned_application(status="submitted").attachments.first()
    settings.FILE_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(InvalidToken):
        attachment.file.open("rb")


def test_a_reopened_file_is_still_plaintext(scanned_application):
    attachment = scanned_application(status="submitted").attachments.first()
    first = attachment.file.open("rb").read()
    attachment.file.close()
    assert attachment.file.open("rb").read() == first


def test_writing_through_open_is_refused():
    name = default_storage.save("probe", ContentFile(b"scan"))
    with pytest.raises(ValueError, match="save"):
        default_storage.open(name, "wb")


def test_a_large_upload_on_disk_is_encrypted_not_moved_into_place():
    """Uploads over the memory limit arrive as temporary files the parent class would move."""
    secret = b"NIK 6471054107900001 " * 1000
    temporary = TemporaryUploadedFile("big.pdf", "application/pdf", len(secret), None)
    temporary.write(secret)
    temporary.seek(0)
    name = default_storage.save("applications/probe/big", temporary)
    with open(default_storage.path(name), "rb") as raw:
        assert b"6471054107900001" not in raw.read()
    with default_storage.open(name) as file:
        assert file.read() == secret
    temporary.close()


def test_bad_keys_stop_the_start(settings):
    settings.FILE_ENCRYPTION_KEYS = ["not-a-key"]
    assert [e.id for e in run_checks() if e.id.startswith("audit.")] == ["audit.E002"]
    settings.FILE_ENCRYPTION_KEYS = []
    assert [e.id for e in run_checks() if e.id.startswith("audit.")] == ["audit.E001"]

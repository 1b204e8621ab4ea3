"""Uploads on S3-compatible object storage (moto's server on loopback), encrypted before upload."""

import hashlib
import json

import pytest
from cryptography.fernet import Fernet

from tests.conftest import BALIKPAPAN_WOMAN_NIK, jpeg_bytes, upload
from tests.deploy.conftest import base_env, create_bucket, manage, s3_env

pytestmark = pytest.mark.django_db

BUCKET = "loket-uploads"


@pytest.fixture
def bucket_storage(settings, moto_s3):
    """The default storage as FILE_STORAGE=s3 configures it, on moto's server."""
    create_bucket(moto_s3, BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "loket.storage.EncryptedS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": moto_s3,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    from django.core.files.storage import storages

    return storages["default"]


def raw_object(storage, name: str) -> bytes:
    return storage.bucket.Object(storage._normalize_name(name)).get()["Body"].read()


def put_scan(resident, content: bytes):
    from applications import services
    from catalogue.models import Service

    service = Service.objects.get(code="KTP")
    application = services.application_start(
        resident=resident,
        service=service,
        variant=service.variants.get(code="HILANG"),
        data={"nik": BALIKPAPAN_WOMAN_NIK, "name": "Siti Aminah"},
    )
    return services.attachment_put(
        application=application,
        requirement=service.requirements.get(code="kk"),
        upload=upload("kk-Siti.jpg", content, "image/jpeg"),
    )


def test_it_stores_an_uploaded_scan_in_the_bucket_encrypted(bucket_storage, resident, settings):
    attachment = put_scan(resident, jpeg_bytes())

    keys = [o.key for o in bucket_storage.bucket.objects.all()]
    assert keys == [attachment.file.name]
    stored = raw_object(bucket_storage, attachment.file.name)
    assert not stored.startswith(b"\xff\xd8")  # not a JPEG: the bucket holds ciphertext
    assert b"JFIF" not in stored
    plaintext = Fernet(settings.FILE_ENCRYPTION_KEYS[0]).decrypt(stored)
    assert hashlib.sha256(plaintext).hexdigest() == attachment.sha256

    with attachment.file.open() as opened:  # the path every view and the worker read through
        assert opened.read() == plaintext
    assert plaintext.startswith(b"\xff\xd8")


def test_an_officer_downloads_the_scan_from_the_bucket(bucket_storage, resident, officer_client):
    from applications.models import Application

    attachment = put_scan(resident, jpeg_bytes(color=(10, 200, 30)))
    Application.objects.filter(pk=attachment.application_id).update(status="submitted")
    client, _ = officer_client("verifier")
    from django.urls import reverse

    url = reverse("backoffice:file", args=[attachment.application.public_id, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert hashlib.sha256(body).hexdigest() == attachment.sha256


def test_a_replaced_scan_leaves_no_object_behind(
    bucket_storage, resident, django_capture_on_commit_callbacks
):
    from applications import services

    first = put_scan(resident, jpeg_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        second = services.attachment_put(
            application=first.application,
            requirement=first.requirement,
            upload=upload("kk2.jpg", jpeg_bytes(color=(1, 2, 3)), "image/jpeg"),
        )
    assert [o.key for o in bucket_storage.bucket.objects.all()] == [second.file.name]


def test_key_rotation_works_on_the_bucket(bucket_storage, resident, settings):
    attachment = put_scan(resident, jpeg_bytes())
    new_key = Fernet.generate_key().decode()
    settings.FILE_ENCRYPTION_KEYS = [new_key, *settings.FILE_ENCRYPTION_KEYS]

    assert list(bucket_storage.walk()) == [attachment.file.name]
    assert bucket_storage.rotate(attachment.file.name) is True
    assert bucket_storage.rotate(attachment.file.name) is False
    stored = raw_object(bucket_storage, attachment.file.name)
    assert hashlib.sha256(Fernet(new_key).decrypt(stored)).hexdigest() == attachment.sha256


def test_the_environment_selects_object_storage(moto_s3, tmp_path):
    """FILE_STORAGE=s3 and the AWS_* variables of docs/deploy.md configure the bucket."""
    create_bucket(moto_s3, BUCKET)
    env = base_env(LOKET_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.update(s3_env(moto_s3, BUCKET))
    snippet = (
        "import json; from django.core.files.base import ContentFile; "
        "from django.core.files.storage import storages; s = storages['default']; "
        "name = s.save('probe/x', ContentFile(b'plain text')); "
        "print(json.dumps([type(s).__name__, s.bucket_name, s.endpoint_url, "
        "s.open(name).read().decode(), s.read_raw(name)[:4].decode()]))"
    )
    answer = json.loads(manage(env, "shell", "-c", snippet).strip().splitlines()[-1])
    assert answer == ["EncryptedS3Storage", BUCKET, moto_s3, "plain text", "gAAA"]


def test_deep_health_reads_the_bucket(bucket_storage, client, moto_s3):
    answer = client.get("/health", {"deep": "1"}).json()
    assert answer["status"] == "ok"
    assert answer["checks"]["storage"] == "ok"
    assert answer["checks"]["ready_tasks"] == 0


def test_deep_health_says_when_the_bucket_is_gone(settings, client, moto_s3):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "loket.storage.EncryptedS3Storage",
            "OPTIONS": {
                "bucket_name": "no-such-bucket",
                "endpoint_url": moto_s3,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
            },
        },
    }
    response = client.get("/health", {"deep": "1"})
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error"
    assert client.get("/health").json() == {"status": "ok"}  # the shallow probe stays cheap

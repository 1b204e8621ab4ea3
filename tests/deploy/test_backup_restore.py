"""A backup restores to an identical database (and the same stored files), on SQLite and
PostgreSQL, following docs/deploy.md: `manage.py backup_create`, then `deploy/restore.sh`."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import REPO, base_env, create_bucket, manage, s3_env

# Run by `manage.py shell -c` in the source deployment: a few applications as residents make
# them (drafts, uploads, submissions with their events, outbox rows and queued tasks).
FILL = """
import io
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from accounts.models import User
from applications import services
from catalogue.models import Service

def jpeg(shade):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 120, 40)).save(out, "JPEG")
    return out.getvalue()

service = Service.objects.get(code="KTP")
variant = service.variants.get(code="PEMULA")
kk = service.requirements.get(code="kk")
for n in range(4):
    phone = f"+62812345670{n:02d}"
    user = User.objects.create(username=phone, phone=phone)
    application = services.application_start(
        resident=user, service=service, variant=variant,
        data={"nik": "6471054107900001", "no_kk": "6471050101100003", "name": f"Warga {n}"},
    )
    services.attachment_put(application=application, requirement=kk,
                            upload=SimpleUploadedFile("kk.jpg", jpeg(n * 50), "image/jpeg"))
    if n % 2 == 0:
        services.application_submit(application=application)
"""

# Every stored file opens with the keys and matches the checksum its row recorded.
CHECK_FILES = """
import hashlib, json
from applications.models import Attachment
files = [(a.file.name, hashlib.sha256(a.file.open().read()).hexdigest() == a.sha256)
         for a in Attachment.objects.order_by("pk")]
print(json.dumps(files))
"""


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'loket.sqlite3'}"


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One migrated SQLite file per module; tests copy it instead of migrating again."""
    directory = tmp_path_factory.mktemp("migrated")
    manage(
        base_env(DATABASE_URL=sqlite_url(directory), LOKET_VAR_DIR=str(directory)),
        "migrate",
        "--noinput",
    )
    return directory / "loket.sqlite3"


def migrated_copy(template: Path, directory: Path) -> str:
    directory.mkdir(exist_ok=True)
    shutil.copyfile(template, directory / "loket.sqlite3")
    return sqlite_url(directory)


@pytest.fixture(params=["sqlite", "postgres"])
def database_urls(request, tmp_path):
    """(migrated source URL, empty target URL) on each database."""
    if request.param == "sqlite":
        (tmp_path / "dst").mkdir()
        source = migrated_copy(request.getfixturevalue("migrated_sqlite"), tmp_path / "src")
        return source, sqlite_url(tmp_path / "dst")
    server = request.getfixturevalue("postgres_server")
    source = server.new_database()
    manage(base_env(DATABASE_URL=source, LOKET_VAR_DIR=str(tmp_path / "src")), "migrate")
    return source, server.new_database()


def fingerprint(env: dict) -> dict:
    return json.loads(manage(env, "db_fingerprint"))


def test_a_backup_restores_to_an_identical_database(database_urls, tmp_path):
    source_url, target_url = database_urls
    source = base_env(DATABASE_URL=source_url, LOKET_VAR_DIR=str(tmp_path / "src"))
    target = base_env(DATABASE_URL=target_url, LOKET_VAR_DIR=str(tmp_path / "dst"))
    manage(source, "shell", "-c", FILL)

    backup = Path(manage(source, "backup_create", str(tmp_path / "backups")).strip())
    assert backup.name.startswith("loket-") and backup.is_dir()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["files"]["count"] == 4

    restored = tmp_path / "restored.json"
    done = subprocess.run(
        [REPO / "deploy" / "restore.sh", backup, restored],
        env=target, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    before, after = fingerprint(source), json.loads(restored.read_text())
    assert after == before
    tables = before["tables"]
    assert tables["applications_application"]["rows"] == 4
    assert tables["applications_attachment"]["rows"] == 4
    assert tables["applications_event"]["rows"] >= 2
    assert tables["django_migrations"]["rows"] > 50

    source_files = sorted((tmp_path / "src" / "uploads").rglob("*"))
    target_files = sorted((tmp_path / "dst" / "uploads").rglob("*"))
    assert [p.relative_to(tmp_path / "src") for p in source_files] == [
        p.relative_to(tmp_path / "dst") for p in target_files
    ]
    for old, new in zip(source_files, target_files, strict=True):
        assert old.is_dir() or old.read_bytes() == new.read_bytes()
    checks = json.loads(manage(target, "shell", "-c", CHECK_FILES).strip().splitlines()[-1])
    assert len(checks) == 4 and all(ok for _, ok in checks)


def test_restore_refuses_a_database_that_has_data(tmp_path, migrated_sqlite):
    env = base_env(
        DATABASE_URL=migrated_copy(migrated_sqlite, tmp_path), LOKET_VAR_DIR=str(tmp_path)
    )
    backup = Path(manage(env, "backup_create", str(tmp_path / "backups")).strip())
    done = subprocess.run(
        [REPO / ".venv" / "bin" / "python", "manage.py", "backup_restore", backup],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "already has" in done.stderr


def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path, migrated_sqlite):
    url = migrated_copy(migrated_sqlite, tmp_path)
    source = base_env(DATABASE_URL=url, LOKET_VAR_DIR=str(tmp_path))
    backup = Path(manage(source, "backup_create", str(tmp_path / "backups")).strip())
    with open(backup / "db.sqlite3", "r+b") as file:
        file.seek(200)
        file.write(b"\x00garbage")
    (tmp_path / "dst").mkdir()
    target = base_env(DATABASE_URL=sqlite_url(tmp_path / "dst"), LOKET_VAR_DIR=str(tmp_path))
    done = subprocess.run(
        [REPO / ".venv" / "bin" / "python", "manage.py", "backup_restore", backup],
        cwd=REPO, env=target, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "checksum" in done.stderr


def test_local_uploads_restore_onto_object_storage(tmp_path, moto_s3, migrated_sqlite):
    """The same backup moves a deployment's uploads into a bucket (still encrypted)."""
    (tmp_path / "dst").mkdir()
    url = migrated_copy(migrated_sqlite, tmp_path / "src")
    source = base_env(DATABASE_URL=url, LOKET_VAR_DIR=str(tmp_path / "src"))
    manage(source, "shell", "-c", FILL)
    backup = Path(manage(source, "backup_create", str(tmp_path / "backups")).strip())

    create_bucket(moto_s3, "restored")
    target = base_env(
        DATABASE_URL=sqlite_url(tmp_path / "dst"), LOKET_VAR_DIR=str(tmp_path / "dst")
    )
    target.update(s3_env(moto_s3, "restored"))
    manage(target, "backup_restore", str(backup))
    checks = json.loads(manage(target, "shell", "-c", CHECK_FILES).strip().splitlines()[-1])
    assert len(checks) == 4 and all(ok for _, ok in checks)
    assert not (tmp_path / "dst" / "uploads").exists()  # they went to the bucket

    # …and a backup of the bucket deployment carries the same files.
    again = Path(manage(target, "backup_create", str(tmp_path / "backups2")).strip())
    assert json.loads((again / "manifest.json").read_text())["files"]["count"] == 4

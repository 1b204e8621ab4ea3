"""Back up Loket into a new directory: the database and every stored upload.

    python manage.py backup_create /var/backups/loket      → /var/backups/loket/loket-<UTC time>/

What goes in (docs/deploy.md, "Backups"):
* db.dump     PostgreSQL: `pg_dump --format=custom` (one consistent snapshot; restore with
              pg_restore); or db.sqlite3, SQLite's online backup API (safe while Loket runs);
* files.tar   every stored upload and signed document as stored: still Fernet-encrypted, so the
              backup needs FILE_ENCRYPTION_KEYS to be of any use (keep the keys elsewhere);
              read from local disk or from the bucket, whichever FILE_STORAGE says;
* manifest.json  sizes and SHA-256 of both, checked by backup_restore before it touches anything.

The database is dumped first and the files after it, so every file the dump names is in the
tar (files uploaded meanwhile come along as harmless extras). The directory is written as
`<name>.partial` and renamed when complete: a directory without the suffix is a whole backup.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def find_pg_tool(name: str) -> str:
    """pg_dump/pg_restore: PG_BIN_DIR, then PATH, then Debian's versioned directories."""
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    raise CommandError(f"{name} not found (install postgresql-client or set PG_BIN_DIR)")


def pg_env_and_args(database: dict) -> tuple[dict, list[str]]:
    """libpq environment for the configured database (the password never on a command line)."""
    env = {**os.environ}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env, ["--dbname", database["NAME"]]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def raw_bytes(storage, name: str) -> bytes:
    """A stored file as stored (ciphertext), from disk or from the bucket."""
    if hasattr(storage, "read_raw"):
        return storage.read_raw(name)
    with open(storage.path(name), "rb") as file:
        return file.read()


def stored_names(storage):
    if hasattr(storage, "walk"):
        yield from storage.walk()
        return
    raise CommandError(f"{type(storage).__name__} cannot list its files")


def dump_database(target_dir: Path) -> Path:
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        out = target_dir / "db.dump"
        env, args = pg_env_and_args(database)
        subprocess.run(  # noqa: S603 — our own argument list, no shell
            [find_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), *args],
            env=env,
            check=True,
        )
        return out
    if connection.vendor == "sqlite":
        out = target_dir / "db.sqlite3"
        source = sqlite3.connect(str(database["NAME"]))
        copy = sqlite3.connect(str(out))
        try:
            with copy:
                source.backup(copy)  # the online backup API: consistent while others write
        finally:
            copy.close()
            source.close()
        return out
    raise CommandError(f"No backup method for {connection.vendor}")


def archive_files(target_dir: Path, *, skip: bool = False) -> tuple[Path, int]:
    storage = storages["default"]
    out = target_dir / "files.tar"
    count = 0
    with tarfile.open(out, "w") as tar:
        for name in [] if skip else stored_names(storage):
            try:
                data = raw_bytes(storage, name)
            except FileNotFoundError:
                continue  # purged or replaced while we walked
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
            count += 1
    return out, count


class Command(BaseCommand):
    help = "Back up the database and the stored uploads into BACKUP_ROOT/loket-<time>/."

    def add_arguments(self, parser):
        parser.add_argument("backup_root")
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="Leave the files out (a bucket with versioning and replication keeps them).",
        )

    def handle(self, *args, backup_root, database_only=False, **options):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        final = Path(backup_root) / f"loket-{stamp}"
        work = final.with_name(final.name + ".partial")
        Path(backup_root).mkdir(parents=True, exist_ok=True)
        work.mkdir(mode=0o700)
        database_file = dump_database(work)
        files_tar, files = archive_files(work, skip=database_only)
        manifest = {
            "created_at": stamp,
            "vendor": connection.vendor,
            "office": settings.OFFICE_REGENCY_CODE,
            "database": {"file": database_file.name, "sha256": sha256_of(database_file)},
            "files": {
                "file": files_tar.name,
                "count": files,
                "sha256": sha256_of(files_tar),
                "left_out": database_only,  # kept by the bucket's versioning/replication
            },
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1))
        work.rename(final)
        self.stdout.write(str(final))

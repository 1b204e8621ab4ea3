"""Restore a backup made by backup_create into an EMPTY database and file storage.

    python manage.py backup_restore /var/backups/loket/loket-20261124T020000Z

DATABASE_URL (and FILE_STORAGE, LOKET_VAR_DIR or the bucket settings) name the target. The
command refuses a database that already has tables: it never overwrites live data. It checks
the manifest's checksums first, then restores the database (pg_restore in one transaction, or
SQLite's backup API into the target file) and writes the stored files back as they were stored
(still encrypted; the same FILE_ENCRYPTION_KEYS open them). A local backup can be restored onto
a bucket and the other way round: this is also how uploads move to object storage.
"""

import json
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from loket.management.commands.backup_create import find_pg_tool, pg_env_and_args, sha256_of


def write_raw(storage, name: str, data: bytes) -> None:
    """Put already-encrypted bytes back under their old name, bypassing encryption."""
    if hasattr(storage, "read_raw"):  # object storage: one PUT of the stored bytes
        storage.bucket.Object(storage._normalize_name(name)).put(Body=data)
        return
    path = Path(storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def restore_database(source: Path) -> None:
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise CommandError(
            f"The target database already has {len(existing)} tables; restore into an empty one."
        )
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        env, args = pg_env_and_args(database)
        connection.close()
        subprocess.run(  # noqa: S603 — our own argument list, no shell
            [find_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
             "--single-transaction", *args, str(source)],
            env=env, check=True,
        )  # fmt: skip
        return
    if connection.vendor == "sqlite":
        connection.close()
        backup = sqlite3.connect(str(source))
        target = sqlite3.connect(str(database["NAME"]))
        try:
            with target:
                backup.backup(target)
        finally:
            target.close()
            backup.close()
        return
    raise CommandError(f"No restore method for {connection.vendor}")


def restore_files(source: Path) -> int:
    storage = storages["default"]
    count = 0
    with tarfile.open(source) as tar:
        for member in tar:
            if not member.isfile() or member.name.startswith("/") or ".." in member.name.split("/"):
                raise CommandError(f"Unexpected entry in {source.name}: {member.name!r}")
            write_raw(storage, member.name, tar.extractfile(member).read())
            count += 1
    return count


class Command(BaseCommand):
    help = "Restore a backup_create directory into an empty database and file storage."

    def add_arguments(self, parser):
        parser.add_argument("backup_dir")

    def handle(self, *args, backup_dir, **options):
        directory = Path(backup_dir)
        manifest = json.loads((directory / "manifest.json").read_text())
        if manifest["vendor"] != connection.vendor:
            raise CommandError(
                f"This backup is of a {manifest['vendor']} database; the target is "
                f"{connection.vendor} (move between them with dumpdata/loaddata instead)."
            )
        for part in ("database", "files"):
            path = directory / manifest[part]["file"]
            if sha256_of(path) != manifest[part]["sha256"]:
                raise CommandError(f"{path.name} does not match its checksum: backup damaged")
        restore_database(directory / manifest["database"]["file"])
        files = restore_files(directory / manifest["files"]["file"])
        self.stdout.write(f"Restored the database and {files} files from {directory.name}.")
        if files != manifest["files"]["count"]:
            raise CommandError(f"Expected {manifest['files']['count']} files, restored {files}")

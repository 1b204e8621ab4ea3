#!/usr/bin/env bash
# Restore a backup into an EMPTY database and storage, then print the restored database's
# fingerprint (row counts and checksums per table) for the restore drill in docs/deploy.md.
# Usage: DATABASE_URL=postgres://…/loket_restore deploy/restore.sh BACKUP_DIR [FINGERPRINT_OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
backup="${1:?usage: deploy/restore.sh BACKUP_DIR [FINGERPRINT_OUT]}"
out="${2:-/dev/stdout}"
.venv/bin/python manage.py backup_restore "$backup"
.venv/bin/python manage.py check --database default >/dev/null
.venv/bin/python manage.py migrate --check >/dev/null  # the restored schema is complete
.venv/bin/python manage.py db_fingerprint >"$out"

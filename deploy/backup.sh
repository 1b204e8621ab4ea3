#!/usr/bin/env bash
# Nightly backup (deploy/loket-backup.service runs it): the database and every stored upload
# into BACKUP_ROOT/loket-<UTC time>/, then removes backups older than BACKUP_KEEP_DAYS.
# Reads the same environment as Loket (/etc/loket/loket.env): DATABASE_URL, FILE_STORAGE, …
# Usage: deploy/backup.sh [BACKUP_ROOT]   (default $BACKUP_ROOT, else /var/backups/loket)
set -euo pipefail
cd "$(dirname "$0")/.."
root="${1:-${BACKUP_ROOT:-/var/backups/loket}}"
keep_days="${BACKUP_KEEP_DAYS:-14}"
umask 077
# BACKUP_DATABASE_ONLY=1 leaves the files out: for a bucket with versioning and replication
# (a nightly tar of terabytes of scans is not practical for a large office; docs/scale.md).
extra=()
[ "${BACKUP_DATABASE_ONLY:-0}" = "1" ] && extra=(--database-only)
made="$(.venv/bin/python manage.py backup_create "${extra[@]}" "$root")"
echo "Loket backup: $made ($(du -sh "$made" | cut -f1))"
# Only whole backups are pruned; a leftover .partial directory is a failed run worth a look.
find "$root" -maxdepth 1 -type d -name 'loket-*Z' -mtime +"$keep_days" -print -exec rm -rf {} +

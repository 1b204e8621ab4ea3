"""`purge_scans`: scans of long-finished applications go; the record and its timeline stay."""

import io
import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from applications.models import Application, Attachment, Event
from audit.models import RetentionRun
from audit.selectors import months_before

pytestmark = pytest.mark.django_db


def months_ago(months: int, days: int = 0):
    return months_before(timezone.now(), months) - timedelta(days=days)


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_scans", *args, stdout=out)
    return out.getvalue()


def stored_paths(application) -> list[str]:
    return [default_storage.path(a.file.name) for a in application.attachments.all()]


def files_open(application) -> bool:
    for attachment in application.attachments.all():
        with attachment.file.open("rb") as file:
            if not file.read().startswith(b"\xff\xd8"):
                return False
    return True


@pytest.mark.parametrize("status", ["handed_over", "cancelled", "rejected"])
def test_scans_of_a_long_finished_application_are_removed(scanned_application, status):
    old = scanned_application(status=status, finished=months_ago(24, days=1))
    paths = stored_paths(old)
    before = list(old.attachments.values("id", "requirement_id", "size", "sha256"))
    assert all(os.path.exists(p) for p in paths)

    output = purge()

    assert "Removed 2 files" in output and "of 1 applications" in output
    assert not any(os.path.exists(p) for p in paths)
    assert not os.path.exists(os.path.dirname(paths[0]))  # the application's folder too
    old.refresh_from_db()
    assert old.status == status and old.nik  # the record stays as it was
    assert [e.status for e in Event.objects.filter(application=old)] == ["submitted", status]
    kept = list(old.attachments.values("id", "requirement_id", "size", "sha256"))
    assert kept == before  # what was filed stays known
    assert set(old.attachments.values_list("file", "original_name")) == {("", "")}
    run = RetentionRun.objects.get()
    assert (run.applications, run.files, run.months) == (1, 2, 24)
    assert run.bytes == sum(row["size"] for row in before) and run.finished_at


def test_recent_and_unfinished_applications_keep_their_scans(scanned_application):
    recent = scanned_application(status="handed_over", finished=months_ago(23))
    waiting = scanned_application(status="ready_for_handover", finished=months_ago(40))
    draft = scanned_application(status="draft", finished=months_ago(40))
    old = scanned_application(status="cancelled", finished=months_ago(25))

    assert "Removed 2 files" in purge()

    for application in (recent, waiting, draft):
        assert all(os.path.exists(p) for p in stored_paths(application))
        assert files_open(application)
    assert not old.attachments.exclude(file="").exists()


def test_the_months_can_be_set_per_run(scanned_application, settings):
    settings.RETENTION_MONTHS = 36
    two_years = scanned_application(status="handed_over", finished=months_ago(24, days=1))
    assert "Removed 0 files" in purge()
    assert "Removed 2 files" in purge("--months", "12")
    assert not two_years.attachments.exclude(file="").exists()
    assert list(RetentionRun.objects.values_list("months", flat=True)) == [12, 36]


def test_a_dry_run_lists_what_would_go_and_changes_nothing(scanned_application):
    old = scanned_application(status="handed_over", finished=months_ago(30))
    scanned_application(status="handed_over", finished=months_ago(1))

    output = purge("--dry-run")

    assert old.registration_number in output and "handed_over" in output
    assert "Dry run: would remove 2 files" in output and "of 1 applications" in output
    assert "6471054107900001" not in output and "Siti" not in output
    assert all(os.path.exists(p) for p in stored_paths(old)) and files_open(old)
    assert not RetentionRun.objects.exists()


def test_running_again_removes_nothing_more(scanned_application):
    scanned_application(status="rejected", finished=months_ago(30))
    purge()
    assert "Removed 0 files (0 bytes) of 0 applications" in purge()
    assert list(RetentionRun.objects.values_list("files", flat=True)) == [0, 2]


def test_a_file_already_missing_still_clears_its_row(scanned_application):
    old = scanned_application(status="handed_over", finished=months_ago(30))
    os.unlink(stored_paths(old)[0])
    assert "Removed 2 files" in purge()
    assert not Attachment.objects.exclude(file="").exists()


def test_the_application_list_stays_usable(scanned_application, resident, client):
    """A purged application still shows on the resident's list with its status."""
    old = scanned_application(status="handed_over", finished=months_ago(30))
    purge()
    client.force_login(resident)
    assert old.registration_number in client.get("/permohonan/").content.decode()
    assert Application.objects.filter(pk=old.pk).exists()


def test_at_least_one_month_is_kept():
    with pytest.raises(CommandError, match="at least 1"):
        purge("--months", "0")


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        ((2027, 5, 31, 10, 0), 3, (2027, 2, 28, 10, 0)),
        ((2028, 5, 31, 10, 0), 3, (2028, 2, 29, 10, 0)),
        ((2027, 1, 15, 8, 30), 24, (2025, 1, 15, 8, 30)),
        ((2027, 3, 1, 0, 0), 14, (2026, 1, 1, 0, 0)),
    ],
)
def test_months_are_calendar_months_in_office_time(moment, months, expected):
    zone = ZoneInfo("Asia/Makassar")
    result = months_before(datetime(*moment, tzinfo=zone), months)
    assert result == datetime(*expected, tzinfo=zone)

"""Verifiers decide per requirement; a fix request stops the clock; the resident replaces only
the rejected file and resubmits; the promise date restarts where it stopped."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import lifecycle
from applications.models import Application, Event, RequirementCheck
from applications.verification import (
    Decision,
    application_resubmit,
    verification_claim,
    verification_decide,
)
from audit.models import AccessLog
from loket.errors import DomainError
from tests.conftest import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def requirement_ids(application):
    return {a.requirement.code: a.requirement_id for a in application.attachments.all()}


def test_a_verifier_claims_and_accepts_everything(officer_client, submitted_ktp):
    client, verifier = officer_client("verifier")
    url = reverse("backoffice:application", args=[submitted_ktp.public_id])
    assert client.get(url).status_code == 200
    client.post(reverse("backoffice:claim", args=[submitted_ktp.public_id]))
    ids = requirement_ids(submitted_ktp)
    response = client.post(
        reverse("backoffice:decide", args=[submitted_ktp.public_id]),
        {f"decision-{i}": "accept" for i in ids.values()},
        follow=True,
    )
    assert "Keputusan tersimpan" in response.content.decode()
    submitted_ktp.refresh_from_db()
    assert submitted_ktp.status == lifecycle.VERIFIED
    assert RequirementCheck.objects.filter(decision="accepted").count() == len(ids)
    assert AccessLog.objects.filter(officer=verifier, screen="backoffice:application").exists()


def test_a_rejection_asks_the_resident_for_exactly_that_file(
    officer_client, submitted_ktp, resident_client, django_capture_on_commit_callbacks, sms_gateway
):
    client, verifier = officer_client("verifier")
    verification_claim(application=submitted_ktp, officer=verifier)
    ids = requirement_ids(submitted_ktp)
    with django_capture_on_commit_callbacks(execute=True):
        verification_decide(
            application=submitted_ktp,
            officer=verifier,
            decisions={
                ids["kk"]: Decision(True),
                ids["surat_kehilangan"]: Decision(False, "unreadable", "foto buram"),
            },
        )
    submitted_ktp.refresh_from_db()
    assert submitted_ktp.status == lifecycle.NEEDS_FIX
    fix_sms = sms_gateway.messages[-1]["text"]
    assert "Surat keterangan kehilangan dari kepolisian: Tidak terbaca atau buram" in fix_sms
    assert "foto buram" in fix_sms

    page = resident_client.get(reverse("applications:detail", args=[submitted_ktp.public_id]))
    html = page.content.decode()
    assert "Tidak terbaca atau buram" in html and "Kirim perbaikan" in html

    # Only the rejected requirement may be replaced.
    refused = resident_client.post(
        reverse("applications:upload", args=[submitted_ktp.public_id, ids["kk"]]),
        {"file": upload("kk.jpg", jpeg_bytes())},
        follow=True,
    )
    assert "hanya berkas yang ditolak" in refused.content.decode()
    early = resident_client.post(
        reverse("applications:resubmit", args=[submitted_ktp.public_id]), follow=True
    )
    assert "Ganti dulu berkas yang ditolak" in early.content.decode()

    resident_client.post(
        reverse("applications:upload", args=[submitted_ktp.public_id, ids["surat_kehilangan"]]),
        {"file": upload("laporan.jpg", jpeg_bytes(color=(9, 9, 9)))},
    )
    resident_client.post(reverse("applications:resubmit", args=[submitted_ktp.public_id]))
    submitted_ktp.refresh_from_db()
    assert submitted_ktp.status == lifecycle.RESUBMITTED
    assert submitted_ktp.workdays_left_at_pause is None


def test_the_clock_stops_while_waiting_for_the_resident(officer_client, submitted_ktp):
    _, verifier = officer_client("verifier")
    verification_claim(application=submitted_ktp, officer=verifier)
    ids = requirement_ids(submitted_ktp)
    verification_decide(
        application=submitted_ktp,
        officer=verifier,
        decisions={ids["kk"]: Decision(False, "expired"), ids["surat_kehilangan"]: Decision(True)},
    )
    submitted_ktp.refresh_from_db()
    left = submitted_ktp.workdays_left_at_pause
    assert left is not None and left >= 1
    kk = submitted_ktp.attachments.get(requirement_id=ids["kk"]).requirement
    from applications import services

    services.attachment_put(
        application=submitted_ktp, requirement=kk, upload=upload("kk.jpg", jpeg_bytes())
    )
    # The resident answers three weeks later: the promise moves with them.
    later = timezone.now() + timedelta(days=21)
    resumed = application_resubmit(application=submitted_ktp, now=later)
    from workdays.calendar import promise_date_for

    assert resumed.promise_date == promise_date_for(left, later)
    assert resumed.promise_date > (later - timedelta(days=1)).date()


def test_two_verifiers_one_wins_the_other_is_told(officer_client, submitted_ktp):
    first_client, first = officer_client("verifier")
    second_client, second = officer_client("verifier")
    verification_claim(application=submitted_ktp, officer=first)
    with pytest.raises(DomainError) as refused:
        verification_claim(application=submitted_ktp, officer=second)
    assert refused.value.problems[0].code == "claimed_by_other"
    ids = requirement_ids(submitted_ktp)
    response = second_client.post(
        reverse("backoffice:decide", args=[submitted_ktp.public_id]),
        {f"decision-{i}": "accept" for i in ids.values()},
        follow=True,
    )
    assert "sudah diputuskan atau sedang diperiksa petugas lain" in response.content.decode()
    assert not RequirementCheck.objects.exists()


def test_a_decision_on_every_file_and_a_reason_for_rejections_are_required(
    officer_client, submitted_ktp
):
    _, verifier = officer_client("verifier")
    verification_claim(application=submitted_ktp, officer=verifier)
    ids = requirement_ids(submitted_ktp)
    with pytest.raises(DomainError) as partial:
        verification_decide(
            application=submitted_ktp, officer=verifier, decisions={ids["kk"]: Decision(True)}
        )
    assert partial.value.problems[0].code == "decision_missing"
    with pytest.raises(DomainError) as no_reason:
        verification_decide(
            application=submitted_ktp,
            officer=verifier,
            decisions={ids["kk"]: Decision(True), ids["surat_kehilangan"]: Decision(False, "")},
        )
    assert no_reason.value.problems[0].code == "reason_required"
    assert Application.objects.get().status == lifecycle.IN_VERIFICATION
    assert not RequirementCheck.objects.exists()


def test_a_transition_not_in_the_table_is_refused(submitted_ktp):
    from django.db import transaction

    with pytest.raises(DomainError) as refused, transaction.atomic():
        lifecycle.transition(submitted_ktp, lifecycle.HANDED_OVER)
    assert refused.value.problems[0].code == "transition_not_allowed"
    assert Application.objects.get().status == lifecycle.SUBMITTED
    assert Event.objects.count() == 1


def test_queues_are_oldest_first_flag_overdue_and_filter(officer_client, resident):
    from tests.backoffice.conftest import submit_application

    old = submit_application(resident)
    new = submit_application(resident, village="6471011002")  # Balikpapan Timur
    Application.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - timedelta(days=10),
        promise_date=timezone.localdate() - timedelta(days=3),
    )
    client, _ = officer_client("verifier")
    html = client.get(reverse("backoffice:home")).content.decode()
    assert html.index(old.registration_number) < html.index(new.registration_number)
    assert 'class="overdue"' in html
    only_timur = client.get(reverse("backoffice:home"), {"district": "647101"}).content.decode()
    assert new.registration_number in only_timur and old.registration_number not in only_timur
    overdue = client.get(reverse("backoffice:home"), {"overdue": "on"}).content.decode()
    assert old.registration_number in overdue


def test_a_scoped_verifier_sees_only_their_kecamatan(officer_client, resident):
    from tests.backoffice.conftest import submit_application

    selatan = submit_application(resident)
    timur = submit_application(resident, village="6471011002")
    client, _ = officer_client("verifier", districts=["647101"])
    html = client.get(reverse("backoffice:home")).content.decode()
    assert timur.registration_number in html and selatan.registration_number not in html
    other = reverse("backoffice:application", args=[selatan.public_id])
    assert client.get(other).status_code == 404

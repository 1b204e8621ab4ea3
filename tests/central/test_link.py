"""Sending verified applications to SIAK: approval, rejection, outages and dead workers."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from applications import lifecycle
from applications.models import Event
from central import services, tasks
from central.models import CentralRequest, LinkStatus

pytestmark = pytest.mark.django_db

OTHER_NIK = "6471051503180002"


@pytest.fixture
def operator(officer_client):
    return officer_client("operator")[1]


@pytest.fixture
def send(django_capture_on_commit_callbacks, operator):
    """send(application) → its CentralRequest, with the worker's tasks run as on commit."""

    def run(application):
        with django_capture_on_commit_callbacks(execute=True):
            central_request = services.central_submit(application=application, acting_user=operator)
        central_request.refresh_from_db()
        application.refresh_from_db()
        return central_request

    return run


@pytest.fixture
def resume(django_capture_on_commit_callbacks):
    def run(*args):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("central_resume", *args, stdout=io.StringIO())

    return run


def statuses(application) -> list[str]:
    return list(Event.objects.filter(application=application).values_list("status", flat=True))


def test_an_approved_card_waits_for_printing(siak, sms_gateway, make_verified, send, operator):
    application = make_verified("KTP")
    central_request = send(application)
    assert application.status == lifecycle.APPROVED
    assert statuses(application)[-2:] == [lifecycle.SENT_TO_CENTRAL, lifecycle.APPROVED]
    assert central_request.state == CentralRequest.APPROVED and central_request.attempts == 1
    assert central_request.remote_id == "REQ-000001" and central_request.requested_by == operator
    sent_event = Event.objects.get(application=application, status=lifecycle.SENT_TO_CENTRAL)
    assert sent_event.actor == operator
    approved_event = Event.objects.get(application=application, status=lifecycle.APPROVED)
    assert approved_event.data == {"siak_request_id": "REQ-000001"}
    remote = siak.requests["REQ-000001"]
    assert remote["registration_number"] == application.registration_number
    assert remote["service"] == "KTP" and remote["variant"] == "PEMULA"
    assert remote["nik"] == application.nik and remote["data"]["name"] == "Siti"
    assert "disetujui pusat" in sms_gateway.messages[-1]["text"]
    assert not LinkStatus.objects.get().is_down


def test_a_document_that_is_not_a_card_is_issued_on_approval(siak, make_verified, send):
    application = make_verified("KK", variant_code=None)
    send(application)
    assert application.status == lifecycle.ISSUED
    assert statuses(application)[-3:] == ["sent_to_central", "approved", "issued"]


def test_a_rejection_carries_central_s_reason(siak, sms_gateway, make_verified, send):
    siak.reject_niks.add(OTHER_NIK)
    application = make_verified("KTP", nik=OTHER_NIK)
    central_request = send(application)
    assert application.status == lifecycle.REJECTED_BY_CENTRAL
    event = Event.objects.filter(application=application).last()
    assert event.status == lifecycle.REJECTED_BY_CENTRAL and event.note == siak.reject_reason
    assert central_request.state == CentralRequest.REJECTED
    assert central_request.reason == siak.reject_reason
    sms = sms_gateway.messages[-1]["text"]
    assert "pusat belum menyetujui" in sms and siak.reject_reason in sms


def test_a_rejected_application_can_be_verified_and_sent_again(siak, make_verified, send):
    siak.reject_niks.add(OTHER_NIK)
    application = make_verified("KTP", nik=OTHER_NIK)
    first = send(application)
    siak.reject_niks.clear()
    with transaction.atomic():
        lifecycle.transition(application, lifecycle.IN_VERIFICATION)
        lifecycle.transition(application, lifecycle.VERIFIED)
    second = send(application)
    assert application.status == lifecycle.APPROVED
    assert first.idempotency_key != second.idempotency_key  # a new sending, a new request
    assert siak.created_per_registration[application.registration_number] == 2


def test_only_a_verified_application_can_be_sent(siak, make_verified, send, operator):
    from loket.errors import DomainError

    application = make_verified("KTP")
    send(application)
    with pytest.raises(DomainError):
        services.central_submit(application=application, acting_user=operator)
    assert CentralRequest.objects.count() == 1


def test_a_decision_is_applied_exactly_once(siak, make_verified, send):
    siak.decision_delay = 3600
    application = make_verified("KTP")
    central_request = send(application)
    assert central_request.state == CentralRequest.WAITING
    assert application.status == lifecycle.SENT_TO_CENTRAL
    assert tasks.send_request.call(central_request.pk) == "not queued"
    assert tasks.poll_request.call(central_request.pk) == "pending"
    siak.decision_delay = 0
    assert tasks.poll_request.call(central_request.pk) == "approved"
    assert tasks.poll_request.call(central_request.pk) == "not waiting"
    assert not services.central_record_result(central_request=central_request, approved=True)
    assert not services.central_record_result(central_request=central_request, approved=False)
    application.refresh_from_db()
    assert application.status == lifecycle.APPROVED
    assert statuses(application).count(lifecycle.APPROVED) == 1


def test_the_link_goes_down_mid_batch_and_every_application_is_approved_once(
    siak, sms_gateway, make_verified, send, resume, officer_client
):
    siak.decision_delay = 3600  # the first two reach SIAK and wait for its decision
    applications = [make_verified("KTP") for _ in range(5)]
    for application in applications[:2]:
        assert send(application).state == CentralRequest.WAITING
    siak.mode = "maintenance"
    for application in applications[2:]:
        central_request = send(application)
        assert central_request.state == CentralRequest.QUEUED
        assert central_request.next_attempt_at > timezone.now()
        assert "503" in central_request.last_error
    resume()  # the worker tries again while SIAK is still down: nothing is lost, nothing fails
    resume()
    for application in applications:
        application.refresh_from_db()
        assert application.status == lifecycle.SENT_TO_CENTRAL
    assert not CentralRequest.objects.filter(state=CentralRequest.FAILED).exists()
    assert CentralRequest.objects.filter(state=CentralRequest.QUEUED).count() == 3
    assert CentralRequest.objects.filter(state=CentralRequest.WAITING).count() == 2
    link = LinkStatus.objects.get()
    assert link.is_down and link.failures >= 7 and "503" in link.last_error

    client, _ = officer_client("head_of_section")
    page = client.get("/kantor/siak/").content.decode()
    assert 'data-link="down"' in page and "tidak tersambung sejak" in page
    assert "5 permohonan menunggu" in page
    assert all(a.registration_number in page for a in applications)

    siak.mode, siak.decision_delay = "normal", 0
    resume()
    resume()  # running it again changes nothing
    for application in applications:
        application.refresh_from_db()
        assert application.status == lifecycle.APPROVED
        assert statuses(application).count(lifecycle.APPROVED) == 1
        assert siak.created_per_registration[application.registration_number] == 1
    assert len(siak.requests) == 5
    assert set(CentralRequest.objects.values_list("state", flat=True)) == {"approved"}
    assert not LinkStatus.objects.get().is_down
    assert 'data-link="up"' in client.get("/kantor/siak/").content.decode()
    approvals = [m for m in sms_gateway.messages if "disetujui pusat" in m["text"]]
    assert len(approvals) == 5


@pytest.mark.parametrize("mode", ["garbage", "slow"])
def test_garbage_and_timeouts_are_retried_and_recorded(
    siak, settings, make_verified, send, resume, mode
):
    settings.SIAK_TIMEOUT_SECONDS = 0.3
    siak.mode = mode
    application = make_verified("KTP")
    central_request = send(application)
    assert central_request.state == CentralRequest.QUEUED and central_request.failures == 1
    assert ("bukan JSON" if mode == "garbage" else "timeout") in central_request.last_error
    assert application.status == lifecycle.SENT_TO_CENTRAL
    link = LinkStatus.objects.get()
    assert link.is_down and link.last_error == central_request.last_error
    siak.mode = "normal"
    resume()
    application.refresh_from_db()
    assert application.status == lifecycle.APPROVED
    # A slow SIAK had already registered the request: the retry got the same one back.
    assert siak.created_per_registration[application.registration_number] == 1


def test_a_garbled_answer_while_waiting_is_retried(siak, make_verified, send, resume):
    siak.decision_delay = 3600
    application = make_verified("KTP")
    central_request = send(application)
    siak.mode, siak.decision_delay = "garbage", 0
    assert tasks.poll_request.call(central_request.pk) == "retry"
    central_request.refresh_from_db()
    assert central_request.state == CentralRequest.WAITING and central_request.failures == 1
    assert central_request.next_attempt_at > timezone.now()
    siak.mode = "normal"
    resume()
    application.refresh_from_db()
    assert application.status == lifecycle.APPROVED


def test_the_backoff_doubles_and_is_capped(settings):
    settings.SIAK_RETRY_MAX_SECONDS = 900
    assert [tasks.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert tasks.backoff(50) == timedelta(seconds=900)


def test_a_refusal_fails_visibly_and_can_be_sent_again(
    siak, settings, make_verified, send, officer_client, django_capture_on_commit_callbacks
):
    settings.SIAK_API_KEY = "wrong"
    application = make_verified("KTP")
    central_request = send(application)
    assert central_request.state == CentralRequest.FAILED
    assert "401" in central_request.last_error
    assert application.status == lifecycle.SENT_TO_CENTRAL
    assert not LinkStatus.objects.filter(down_since__isnull=False).exists()
    client, _ = officer_client("operator")
    page = client.get("/kantor/siak/").content.decode()
    assert f'data-failed="{central_request.pk}"' in page and "401" in page
    assert "Kirim ulang" in page
    settings.SIAK_API_KEY = "test-siak-key"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/kantor/siak/kirim/{application.public_id}/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == lifecycle.APPROVED
    central_request.refresh_from_db()
    assert central_request.state == CentralRequest.APPROVED and central_request.attempts == 2


def test_a_request_siak_no_longer_knows_fails_and_is_sent_again_with_its_key(
    siak, make_verified, send, django_capture_on_commit_callbacks
):
    siak.decision_delay = 3600
    application = make_verified("KTP")
    central_request = send(application)
    CentralRequest.objects.filter(pk=central_request.pk).update(remote_id="REQ-999999")
    assert tasks.poll_request.call(central_request.pk) == "failed"
    central_request.refresh_from_db()
    assert central_request.state == CentralRequest.FAILED and "404" in central_request.last_error
    siak.decision_delay = 0
    with django_capture_on_commit_callbacks(execute=True):
        services.central_retry(central_request=central_request, acting_user=None)
    central_request.refresh_from_db()
    assert central_request.state == CentralRequest.APPROVED
    assert central_request.remote_id == "REQ-000001"  # same key, same request at SIAK
    assert siak.created_per_registration[application.registration_number] == 1


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, nothing in the task catches it."""


def test_a_send_left_by_a_killed_worker_is_picked_up_by_central_resume(
    siak, make_verified, send, resume, monkeypatch
):
    real_submit = tasks.client.submit_request

    def submit_then_die(**kwargs):
        real_submit(**kwargs)  # SIAK has the request, the worker dies before writing that down
        raise WorkerKilled

    monkeypatch.setattr(tasks.client, "submit_request", submit_then_die)
    application = make_verified("KTP")
    central_request = send(application)
    assert central_request.state == CentralRequest.SENDING
    monkeypatch.setattr(tasks.client, "submit_request", real_submit)

    resume()  # the claim is fresh: it may be a live worker, so it is left alone
    central_request.refresh_from_db()
    assert central_request.state == CentralRequest.SENDING

    CentralRequest.objects.filter(pk=central_request.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=11)
    )
    resume()
    central_request.refresh_from_db()
    application.refresh_from_db()
    assert central_request.state == CentralRequest.APPROVED and central_request.attempts == 2
    assert application.status == lifecycle.APPROVED
    assert siak.created_per_registration[application.registration_number] == 1
    assert siak.calls["POST replay"] == 1


def test_central_resume_reports_what_it_did(siak, make_verified, send, capsys):
    siak.mode = "maintenance"
    send(make_verified("KTP"))
    call_command("central_resume", "--stale-minutes", "0")
    assert "0 reclaimed, 1 to send, 0 to ask" in capsys.readouterr().out


def test_retries_are_deferred_on_the_production_backend(siak, settings, make_verified):
    """With django-tasks-db a retry is a task row with run_after = the end of the backoff."""
    from django_tasks_db.models import DBTaskResult

    siak.mode = "maintenance"
    application = make_verified("KTP")
    with transaction.atomic():
        central_request = services.central_submit(application=application, acting_user=None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert tasks.send_request.call(central_request.pk) == "retry"
    central_request.refresh_from_db()
    (row,) = DBTaskResult.objects.all()
    assert row.task_path == "central.tasks.send_request"
    assert row.args_kwargs == {"args": [central_request.pk], "kwargs": {}}
    assert row.run_after == central_request.next_attempt_at
    assert row.run_after - timezone.now() > timedelta(seconds=25)

"""The SIAK client against the fake: what is retryable and what is not."""

import uuid

import httpx
import pytest

from central import client
from central.client import CentralError

PAYLOAD = {
    "registration_number": "KTP-260330-ABCDEF",
    "service": "KTP",
    "variant": "PEMULA",
    "nik": "6471054107900001",
    "data": {"name": "Siti"},
}


def submit(key=None):
    return client.submit_request(idempotency_key=key or str(uuid.uuid4()), payload=PAYLOAD)


def test_it_registers_a_request_and_reads_the_decision(siak):
    remote = submit()
    assert remote.status == "pending" and remote.request_id.startswith("REQ-")
    assert client.get_request(remote.request_id).status == "approved"


def test_the_same_idempotency_key_never_makes_a_second_request(siak):
    key = str(uuid.uuid4())
    first, second = submit(key), submit(key)
    assert first.request_id == second.request_id
    assert siak.created_per_registration["KTP-260330-ABCDEF"] == 1
    assert len(siak.requests) == 1 and siak.calls["POST replay"] == 1
    submit()  # another key is another request
    assert siak.created_per_registration["KTP-260330-ABCDEF"] == 2


def test_it_decides_only_after_the_delay_and_rejects_listed_niks(siak):
    siak.decision_delay = 30
    siak.reject_niks.add(PAYLOAD["nik"])
    remote = submit()
    assert client.get_request(remote.request_id).status == "pending"
    siak.decision_delay = 0
    decided = client.get_request(remote.request_id)
    assert decided.status == "rejected" and decided.reason == siak.reject_reason


@pytest.mark.parametrize(
    ("mode", "text"),
    [("maintenance", "503 (maintenance)"), ("garbage", "bukan JSON"), ("slow", "timeout")],
)
def test_a_link_that_is_down_slow_or_garbled_is_retryable(siak, settings, mode, text):
    settings.SIAK_TIMEOUT_SECONDS = 0.3
    siak.mode = mode
    with pytest.raises(CentralError) as error:
        submit()
    assert error.value.retryable is True
    assert text in str(error.value)


def test_no_server_at_all_is_retryable(settings):
    settings.SIAK_BASE_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(CentralError) as error:
        submit()
    assert error.value.retryable is True


def test_a_refusal_is_permanent(siak, settings):
    settings.SIAK_API_KEY = "wrong"
    with pytest.raises(CentralError) as error:
        submit()
    assert error.value.retryable is False and "401 (unauthorized)" in str(error.value)
    with pytest.raises(CentralError) as error:
        client.get_request("REQ-999999")
    assert error.value.retryable is False


def test_an_unknown_request_is_a_permanent_404(siak):
    with pytest.raises(CentralError) as error:
        client.get_request("REQ-999999")
    assert error.value.retryable is False and "404" in str(error.value)


def test_the_fake_needs_an_idempotency_key_and_whole_json(siak, settings):
    headers = {"Authorization": "Bearer test-siak-key"}
    url = f"{settings.SIAK_BASE_URL}/api/v1/requests"
    assert httpx.post(url, json=PAYLOAD, headers=headers).status_code == 400
    headers["Idempotency-Key"] = "k1"
    assert httpx.post(url, json={"nik": "1"}, headers=headers).status_code == 400
    assert httpx.post(url, content=b"{not json", headers=headers).status_code == 400
    assert siak.requests == {}


def test_the_fake_can_be_switched_from_another_process(siak, settings):
    response = httpx.post(
        f"{settings.SIAK_BASE_URL}/_control",
        json={"mode": "maintenance", "decision_delay": 5, "reject_niks": ["1"]},
    )
    assert response.json() == {"mode": "maintenance"}
    assert siak.decision_delay == 5 and siak.reject_niks == {"1"}
    assert httpx.get(f"{settings.SIAK_BASE_URL}/").status_code == 200

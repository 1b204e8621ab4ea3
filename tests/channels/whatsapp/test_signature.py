"""X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret, or the post is refused."""

import pytest
from fakes.whatsapp_cloud import encode
from fakes.whatsapp_cloud import sign as meta_sign

from channels.models import InboundMessage
from channels.whatsapp.signature import is_valid, sign
from tests.channels.whatsapp import payloads
from tests.channels.whatsapp.conftest import APP_SECRET

BODY = encode(payloads.TEXT)


def test_it_accepts_the_signature_meta_computes():
    assert sign(BODY, APP_SECRET) == meta_sign(BODY, APP_SECRET)
    assert is_valid(BODY, meta_sign(BODY, APP_SECRET), APP_SECRET)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        "sha256=deadbeef",
        meta_sign(BODY, "another-secret"),
        meta_sign(BODY + b" ", APP_SECRET),  # a body changed after signing
        meta_sign(BODY, APP_SECRET).replace("sha256=", "sha1="),
        meta_sign(BODY, APP_SECRET).removeprefix("sha256="),
        meta_sign(BODY, APP_SECRET)[:-1],
        meta_sign(BODY, APP_SECRET) + "00",
        "sha256=" + "é" * 64,
    ],
)
def test_it_refuses_anything_else(header):
    assert not is_valid(BODY, header, APP_SECRET)


def test_without_a_secret_nothing_is_valid():
    assert not is_valid(BODY, meta_sign(BODY, ""), "")


@pytest.mark.django_db
def test_a_correctly_signed_post_is_accepted(post_webhook):
    assert post_webhook(payloads.TEXT).status_code == 200
    assert InboundMessage.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "signature",
    ["", "sha256=0000", meta_sign(BODY, "forged-secret"), meta_sign(b"{}", APP_SECRET)],
    ids=["missing", "garbage", "wrong_secret", "other_body"],
)
def test_a_forged_post_is_refused_and_stores_nothing(post_webhook, signature, engine):
    response = post_webhook(body=BODY, signature=signature)
    assert response.status_code == 403
    assert InboundMessage.objects.count() == 0
    assert engine.calls == []


@pytest.mark.django_db
def test_garbage_with_a_forged_signature_is_refused_before_parsing(post_webhook):
    assert post_webhook(body=b"not json", signature="sha256=" + "0" * 64).status_code == 403

"""Suite-wide fixtures: no real network, a browser on Debian's chromium, office defaults."""

import ipaddress
import os
import shutil
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _no_outbound_network():
    """Any connection to a non-loopback address fails the test that makes it."""
    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise RuntimeError(f"Test tried a real outbound network call to {address!r}")
        return real_connect(self, address)

    socket.socket.connect = guarded_connect
    yield
    socket.socket.connect = real_connect


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Uploads go to a throwaway directory, encrypted as in production."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "loket.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    if IN_CI:
        pytest.fail("Debian's chromium is required in CI (.ci/run installs it)")
    pytest.skip("chromium not installed: `apt-get install -y chromium` to run browser tests")


# --- shared builders -------------------------------------------------------------------------

BALIKPAPAN_WOMAN_NIK = "6471054107900001"  # kec. 647105, female, born 1 July 1990
BALIKPAPAN_KK = "6471050101100003"
CHILD_NIK = "6471051503180002"  # male, born 15 March 2018


@pytest.fixture
def sms_gateway(settings):
    """The fake SMS gateway on a free loopback port; settings point the client at it."""
    import threading

    from fakes.sms_gateway import serve

    server, state = serve("127.0.0.1", 0, "test-sms-key")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SMS_API_KEY = "test-sms-key"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def resident(db):
    from accounts.models import User

    return User.objects.create(username="+6281234567890", phone="+6281234567890")


@pytest.fixture
def other_resident(db):
    from accounts.models import User

    return User.objects.create(username="+6281299998888", phone="+6281299998888")


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident)
    return client


def jpeg_bytes(size=(64, 48), color=(200, 120, 40)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The local cache (rate limits, the disruption banner) never leaks from one test into
    the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _indonesian_by_default():
    """Each test starts in Indonesian; a request in English must not leak into the next test."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.activate("id")


def make_officer(username: str, *roles: str, districts=()):
    """A staff user in the role groups, with a TOTP device, limited to `districts` if given."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import OfficerScope, User

    user = User.objects.create_user(username=username, password="s3cret-Passw0rd!", is_staff=True)
    user.groups.set([Group.objects.get(name=role) for role in roles])
    for code in districts:
        OfficerScope.objects.create(officer=user, district_id=code)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def officer_login(client, user):
    """Log `user` in with a verified second factor, as after the TOTP step."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    return client


@pytest.fixture
def officer_client(db):
    """officer_client("verifier", districts=["647105"]) → (client, user)."""
    from django.test import Client

    created = []

    def build(*roles, districts=(), username=None):
        user = make_officer(username or f"officer{len(created) + 1}", *roles, districts=districts)
        created.append(user)
        return officer_login(Client(), user), user

    return build


@pytest.fixture
def siak(settings):
    """The fake SIAK; settings point the client at it. Decisions come at once unless told."""
    import threading

    from fakes.siak import serve

    server, state = serve("127.0.0.1", 0, "test-siak-key", slow_seconds=1.5)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    settings.SIAK_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SIAK_API_KEY = "test-siak-key"
    settings.SIAK_TIMEOUT_SECONDS = 5
    settings.SIAK_POLL_SECONDS = 60
    settings.SIAK_RETRY_MAX_SECONDS = 900
    yield state
    server.shutdown()
    server.server_close()


def load_reference_data() -> None:
    """What migrations load (catalogue, regions, supplies, queue defaults, role groups): a
    transactional test's flush empties it, so such tests load it again through this."""
    from django.conf import settings
    from django.contrib.auth.models import Group

    from accounts.roles import ROLES
    from catalogue.models import Requirement, Service, Variant
    from catalogue.standard import load_standard
    from counter_queue.defaults import load_queue_defaults
    from counter_queue.models import Counter, OpeningHours, QueueService
    from population.models import District, Province, Regency, Village
    from population.regions import load_regions
    from production.models import SupplyItem
    from production.supplies import load_supplies

    load_standard(Service, Variant, Requirement)
    load_regions(Province, Regency, District, Village, settings.OFFICE_REGENCY_CODE)
    load_supplies(SupplyItem)
    load_queue_defaults(OpeningHours, QueueService, Counter, Service)
    for role in ROLES:
        Group.objects.get_or_create(name=role)

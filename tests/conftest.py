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
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
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

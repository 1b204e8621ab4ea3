"""Page weight: every resident page is at most 100 KB transferred on first load (empty cache),
measured in Chromium at 360 px the way bench/page_weight.py does, with the static files served
as in production (collectstatic with compression, WhiteNoise picking brotli/gzip).

pytest-django's live_server serves /static/ itself, uncompressed; this test starts its own
server thread with no static handler so the requests go through the WhiteNoise middleware.
"""

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.assisted.pages import resident_pages, session_cookies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 100 * 1024


class _NoStaticHandler:
    """LiveServerThread wraps the app in its static handler; this one leaves it as it is."""

    def __new__(cls, application):
        return application


@pytest.fixture
def production_server(settings, tmp_path, transactional_db):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.DEBUG = False
    call_command("collectstatic", interactive=False, verbosity=0)
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    thread = LiveServerThread("127.0.0.1", _NoStaticHandler, connections_override=shared, port=0)
    thread.daemon = True
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()


def weigh(browser, url: str, cookies) -> tuple[int, int, int]:
    """(bytes transferred, requests, status of the page) for a first visit with an empty cache."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    sizes = []
    page.on("requestfinished", lambda request: sizes.append(request.sizes()))
    response = page.goto(url, wait_until="load")
    page.wait_for_timeout(250)  # late finishes of what the load started (live pages poll on)
    context.close()
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    return total, len(sizes), response.status


def test_every_resident_page_is_at_most_100_kb_on_first_load(
    browser, production_server, reference_data, resident
):
    base = production_server
    rows, over = [], []
    for name, path, who in resident_pages(resident):
        total, count, status = weigh(browser, base + path, session_cookies(base, who, resident))
        assert status in (200, 404), (path, status)
        rows.append((name, path, count, total))
        if total > BUDGET:
            over.append((path, total))
    print(f"\n{'page':22} {'path':46} {'requests':>8} {'KB':>7}  (budget 100 KB)")
    for name, path, count, total in rows:
        print(f"{name:22} {path[:46]:46} {count:8d} {total / 1024:7.1f}")
    print(f"heaviest: {max(r[3] for r in rows) / 1024:.1f} KB")
    assert not over, over


def test_the_stylesheets_arrive_compressed(browser, production_server, reference_data):
    context = browser.new_context()
    page = context.new_page()
    encodings = {}
    page.on(
        "response",
        lambda r: (
            encodings.__setitem__(r.url, r.headers.get("content-encoding"))
            if "/static/" in r.url
            else None
        ),
    )
    page.goto(production_server + "/", wait_until="load")
    context.close()
    assert encodings and all(value in ("br", "gzip") for value in encodings.values()), encodings

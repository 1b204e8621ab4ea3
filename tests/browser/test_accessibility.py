"""axe-core over every resident page in Chromium at 360 px: no serious or critical violation.

axe (static/vendor/axe.min.js, MPL-2.0, from npm axe-core) is injected by the test only; the
pages never load it.
"""

from pathlib import Path

import pytest

from tests.assisted.pages import resident_pages, session_cookies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def audit(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [" ".join(n["target"]) for n in v["nodes"]][:3],
        }
        for v in result["violations"]
    ]


def open_as(browser, base_url, cookies, *, java_script=True, large_text=False):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="id-ID", java_script_enabled=java_script
    )
    jar = list(cookies)
    if large_text:
        jar.append({"name": "loket_text", "value": "large", "url": base_url})
    if jar:
        context.add_cookies(jar)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_every_resident_page_has_no_serious_or_critical_violation(
    browser, live_server, reference_data, resident
):
    base = live_server.url
    rows = resident_pages(resident)
    failures, lines = [], []
    for name, path, who in rows:
        context, page = open_as(browser, base, session_cookies(base, who, resident))
        response = page.goto(base + path)
        assert response.status < 500, (path, response.status)
        expected = 404 if path in ("/tidak-ada/", "/verifikasi/TIDAKADA12") else 200
        assert response.status == expected, (path, response.status)
        found = audit(page)
        context.close()
        blocking = [v for v in found if v["impact"] in BLOCKING]
        minor = sorted({f"{v['rule']}({v['impact']})" for v in found if v not in blocking})
        lines.append(
            f"{name:22} {path[:46]:46} serious/critical={len(blocking)}"
            + (f" other: {', '.join(minor)}" if minor else "")
        )
        failures += [(path, v) for v in blocking]
    print("\naxe-core audit, resident pages at 360 px:\n" + "\n".join(lines))
    assert not failures, "\n".join(f"{p}: {v}" for p, v in failures)


def test_large_text_and_english_pages_pass_too(browser, live_server, reference_data, resident):
    base = live_server.url
    failures = []
    for path in ("/", "/layanan/KTP/", "/masuk/"):
        for lang in ("id", "en"):
            context, page = open_as(browser, base, [], large_text=True)
            if lang == "en":
                context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
            page.goto(base + path)
            assert page.locator("html.large-text").count() == 1
            failures += [(path, lang, v) for v in audit(page) if v["impact"] in BLOCKING]
            context.close()
    assert not failures, failures


def test_large_text_mode_is_a_form_that_works_without_javascript(
    browser, live_server, reference_data
):
    base = live_server.url
    context, page = open_as(browser, base, [], java_script=False)
    page.goto(base + "/layanan/KTP/")
    size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="Huruf besar").click()
    page.wait_for_url("**/layanan/KTP/")
    assert page.locator("html.large-text").count() == 1
    larger = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger >= size * 1.2
    assert page.get_by_role("button", name="Huruf besar").get_attribute("aria-pressed") == "true"
    # It stays on for the next page, and switches off the same way.
    page.goto(base + "/")
    assert page.locator("html.large-text").count() == 1
    page.get_by_role("button", name="Huruf besar").click()
    page.wait_for_url(base + "/")
    assert page.locator("html.large-text").count() == 0
    context.close()


def test_every_resident_page_works_with_javascript_disabled(
    browser, live_server, reference_data, resident
):
    """Server-rendered: each page shows its content without JavaScript, and every control that
    does something is a link or a button inside a form that posts or gets by itself."""
    base = live_server.url
    lonely = []
    for _name, path, who in resident_pages(resident):
        if path == "/antrian/papan/":
            continue  # the display board is a live page by nature (it polls for new numbers)
        context, page = open_as(
            browser, base, session_cookies(base, who, resident), java_script=False
        )
        page.goto(base + path)
        assert page.locator("main, h1").first.inner_text().strip(), path
        lonely += [
            (path, text)
            for text in page.locator(
                "button:not(form button), button[type=button]"
            ).all_inner_texts()
        ]
        context.close()
    assert not lonely, lonely

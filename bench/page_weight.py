"""Bytes transferred on first load of each resident page (target: <= 100 KB), in chromium.

Run against a served app (`make demo` in another terminal):
    .venv/bin/python bench/page_weight.py [--base http://127.0.0.1:8000] [--phone 081200000001]
Signs in through the fake SMS gateway (http://127.0.0.1:8025) to weigh the signed-in pages too.
"""

import argparse
import json
import re
import shutil
import time
import urllib.request

from playwright.sync_api import sync_playwright

PUBLIC = ["/", "/layanan/", "/layanan/KTP/", "/layanan/KIA/", "/masuk/"]
SIGNED_IN = ["/permohonan/", "/permohonan/baru/KTP/"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def weigh(browser, url: str, cookies=None) -> tuple[int, int]:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    sizes = []
    page.on("requestfinished", lambda request: sizes.append(request.sizes()))
    page.goto(url, wait_until="load")
    context.close()
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    return total, len(sizes)


def latest_code(gateway: str, phone: str) -> str:
    with urllib.request.urlopen(f"{gateway}/api/v1/messages") as response:
        messages = json.load(response)["messages"]
    texts = [m["text"] for m in messages if m["to"] == phone]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def sign_in_cookies(browser, base: str, gateway: str, phone: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/masuk/")
    page.fill("input[name=phone]", phone)
    page.click("form[novalidate] button[type=submit]")
    page.wait_for_url("**/masuk/kode/")
    time.sleep(2.5)  # the worker delivers the SMS
    page.fill("input[name=code]", latest_code(gateway, "+62" + phone.lstrip("0")))
    page.click("form[novalidate] button[type=submit]")
    page.wait_for_url("**/permohonan/")
    cookies = context.cookies()
    context.close()
    return cookies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--gateway", default="http://127.0.0.1:8025")
    parser.add_argument("--phone", default="081200000001")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=ARGS
        )
        rows = [(path, *weigh(browser, args.base + path)) for path in PUBLIC]
        cookies = sign_in_cookies(browser, args.base, args.gateway, args.phone)
        rows += [(path, *weigh(browser, args.base + path, cookies)) for path in SIGNED_IN]
        browser.close()
    print(f"{'page':32} {'requests':>8} {'KB transferred':>15}  target <= 100 KB")
    for path, total, count in rows:
        verdict = "PASS" if total <= 100 * 1024 else "MISS"
        print(f"{path:32} {count:8d} {total / 1024:15.1f}  {verdict}")


if __name__ == "__main__":
    main()

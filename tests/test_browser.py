"""In real headless Chromium: pages load with no console errors and no request
leaving localhost."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, build, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    with serve(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True,
            args=[a for a in CHROMIUM_ARGS if a != "--headless"],
        )
        yield context
        context.close()


def visit(browser, url: str):
    """Open `url`; return (page, console errors, hosts requested)."""
    page = browser.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: hosts.add(urlparse(req.url).hostname or req.url))
    page.goto(url, wait_until="networkidle")
    return page, errors, hosts


@pytest.mark.parametrize("path", ["", "bureaus/", "bureaus/datong-city/", "sources/"])
def test_page_loads_cleanly_and_stays_local(browser, base_url, path):
    page, errors, hosts = visit(browser, base_url + path)
    assert errors == []
    assert hosts <= {"127.0.0.1"}, f"requests left localhost: {hosts}"
    assert page.locator("h1").first.is_visible()
    page.close()


def test_home_page_shows_emergency_notice(browser, base_url):
    page, _, _ = visit(browser, base_url)
    assert "120" in page.locator(".admonition.danger").inner_text()
    page.close()

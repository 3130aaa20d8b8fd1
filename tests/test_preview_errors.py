"""While the data has an error, the preview shows it in the browser (issue 18): the page
the editor has open reloads into a list of every problem as path:line: message, and back
into the page once the file is fixed. Real `youfu serve`, real headless Chromium."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS
from youfu import pipeline, preview
from youfu.problems import Problem

REPORT = "content/reports/datong-city/2014-fangan.md"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_error_pages_replace_every_page_and_the_real_ones_come_back(site_copy, tmp_path):
    docs = tmp_path / "docs"
    told = []
    regenerate = pipeline._Regenerator(site_copy, docs, lambda result, error, seconds: told.append(error))
    regenerate()
    pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    good = {name: (docs / name).read_bytes() for name in pages}
    report = site_copy / REPORT
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("kind: 实施方案", "kind: 方案书"), encoding="utf-8")
    regenerate()
    assert told[-1] is not None
    line = text.splitlines().index("kind: 实施方案") + 1
    for name in pages:  # every page of the tree is the list now
        page = (docs / name).read_text(encoding="utf-8")
        assert f"{REPORT}:{line}: " in page and "数据有误" in page, name
    report.write_text(text, encoding="utf-8")
    regenerate()
    assert told[-1] is None
    assert {name: (docs / name).read_bytes() for name in pages} == good


def test_error_page_escapes_what_the_files_say(tmp_path):
    page = preview.error_page(Path(__file__).resolve().parent.parent,
                              [Problem(path="data/x.yml", line=3, message='名称 "<script>alert(1)</script>" 不对')])
    assert "<script>" not in page
    assert "data/x.yml:3: 名称 &#34;&lt;script&gt;" in page or "data/x.yml:3: 名称 &quot;&lt;script&gt;" in page


@pytest.mark.browser
@pytest.mark.build
def test_browser_shows_the_problems_and_recovers(site_copy, tmp_path):
    from playwright.sync_api import sync_playwright

    report = site_copy / REPORT
    text = report.read_text(encoding="utf-8")
    line = text.splitlines().index("kind: 实施方案") + 1
    port = _free_port()
    url = f"http://127.0.0.1:{port}/reports/datong-city/2014-fangan.html"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("YOUFU_DOCS_DIR", None)
    server = subprocess.Popen([sys.executable, "-m", "youfu", "serve", "--root", str(site_copy),
                               "--dev-addr", f"127.0.0.1:{port}"], cwd=site_copy, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
                args=[a for a in CHROMIUM_ARGS if a != "--headless"])
            try:
                page = context.new_page()
                deadline = time.monotonic() + 120
                while True:  # the server needs a moment for its first build
                    try:
                        page.goto(url, wait_until="load")
                        if page.locator("h1").first.inner_text().startswith("大同"):
                            break
                    except Exception:  # noqa: BLE001 - not listening yet
                        pass
                    assert time.monotonic() < deadline, "the preview never came up"
                    time.sleep(0.5)
                title = page.locator("h1").first.inner_text()

                # An error: the open page reloads by itself into the list of problems.
                report.write_text(text.replace("kind: 实施方案", "kind: 方案书"), encoding="utf-8")
                errors = page.locator(".yf-preview-errors li")
                errors.first.wait_for(timeout=90_000)
                shown = [e.inner_text() for e in errors.all()]
                assert any(re.match(rf"{re.escape(REPORT)}:{line}: kind", s) for s in shown), shown
                assert "数据有误" in page.locator("h1").first.inner_text()
                page.screenshot(path=str(tmp_path / "errors.png"))

                # Fixed: it reloads into the real page again, with no reload by hand.
                report.write_text(text, encoding="utf-8")
                page.locator(".yf-preview-errors").wait_for(state="detached", timeout=90_000)
                # (a locator, not wait_for_function: the preview's CSP forbids evaluating strings)
                page.locator("h1").filter(has_text="大同").first.wait_for(timeout=90_000)
                assert page.locator("h1").first.inner_text() == title
            finally:
                context.close()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            _, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise
    assert "Traceback" not in err, err[-2000:]

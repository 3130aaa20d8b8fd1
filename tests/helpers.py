"""Building the site and serving it on localhost, for build and browser tests."""
from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def built(src_uri: str) -> str:
    """Where the page made from `src_uri` lands in the site (use_directory_urls is off,
    so that the site also works when opened from disk): "a/b.md" → "a/b.html"."""
    return src_uri.removesuffix(".md") + ".html"


def build(project: Path, site_dir: Path, *extra: str, engine: str | None = None) -> subprocess.CompletedProcess:
    """`youfu build` of `project` into `site_dir` — the README's command — with the engine
    from YOUFU_ENGINE (CI runs the suite once per engine) unless one is given."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if engine:
        env["YOUFU_ENGINE"] = engine
    return subprocess.run(
        [sys.executable, "-m", "youfu", "build", "--root", str(project), "--site-dir", str(site_dir), *extra],
        cwd=project, capture_output=True, text=True, env=env, timeout=600,
    )


def engine_build(project: Path, site_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    """The engine run directly (`mkdocs build --strict`), where the MkDocs hook runs youfu's steps."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("YOUFU_DOCS_DIR", None)
    module = os.environ.get("YOUFU_ENGINE") or "mkdocs"
    return subprocess.run(
        [sys.executable, "-m", module, "build", "--strict", "--site-dir", str(site_dir),
         "--config-file", str(project / "mkdocs.yml"), *extra],
        cwd=project, capture_output=True, text=True, env=env, timeout=600,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    headers_to_send: dict[str, str] = {}

    def log_message(self, *args):  # keep test output clean
        pass

    def end_headers(self):
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()


@contextmanager
def serve(folder: Path, headers: dict[str, str] | None = None):
    """Serve `folder` on an ephemeral localhost port (with extra response headers);
    yields the base URL."""
    handler_class = type("Handler", (_QuietHandler,), {"headers_to_send": dict(headers or {})})
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def launch_chromium():
    """Debian's Chromium, headless, with the project's flags and a fresh profile (Playwright
    makes a temporary one for a non-persistent launch); fails clearly when it is missing."""
    import pytest
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=[a for a in CHROMIUM_ARGS if a != "--headless"])
        try:
            yield browser
        finally:
            browser.close()

"""Publishing to a folder that a web server serves: build aside, then swap in.

`publish(root, target)` builds the site with `mkdocs build --strict` into a fresh
folder next to `target`; only when the build succeeds is the old site moved aside
and the new one renamed into place (two renames on the same disk), so a failed build
never replaces a good site and visitors never see a half-written one.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


class PublishError(Exception):
    pass


def publish(root: Path, target: Path, *, site_url: str | None = None) -> Path:
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if site_url:
        env["YOUFU_SITE_URL"] = site_url
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(root / "mkdocs.yml"),
         "--site-dir", str(staging)], cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise PublishError(result.stderr.strip() or result.stdout.strip())
    os.chmod(staging, 0o755)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target

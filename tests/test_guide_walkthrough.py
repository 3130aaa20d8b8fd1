"""The 编辑指南 page 从草稿到上线 (content/guide/draft-to-live.md) is followed here, step by
step, in a copy of the project: every `$ .venv/bin/youfu …` command it shows is run, and
what it prints must be what the page shows (a line ending in "…" matches by its start);
every file it shows under a `content/….md` name is written as shown; `youfu serve` is
started and the page the guide names is fetched from it."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import ROOT

GUIDE = ROOT / "content/guide/draft-to-live.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.M | re.S)
NOISE = ("WARNING", "搜索索引未收录")  # what a build says on stderr besides its result


def steps(text: str):
    """("run", command, expected lines, text after the block) and ("write", path, content) in page order."""
    last = 0
    for match in FENCE.finditer(text):
        before, after = text[last:match.start()], text[match.end():]
        last = match.end()
        kind, body = match.group(1), match.group(2)
        if kind == "markdown":
            named = re.findall(r"`(content/[^`]+\.md)`", before.strip().split("\n\n")[-1])
            assert named, f"no file named before the block at {match.start()}"
            yield "write", named[-1], body
        elif kind == "console":
            command, expected = None, []
            for line in body.rstrip("\n").split("\n"):
                if line.startswith("$ "):
                    if command:
                        yield "run", command, expected, after
                    command, expected = line[2:], []
                else:
                    expected.append(line)
            yield "run", command, expected, after


def matches(expected: list[str], actual: list[str]) -> bool:
    if len(expected) != len(actual):
        return False
    return all(a.startswith(e[:-1]) if e.endswith("…") else a == e for e, a in zip(expected, actual))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def test_guide_names_only_real_commands():
    commands = [step[1] for step in steps(GUIDE.read_text(encoding="utf-8")) if step[0] == "run"]
    assert len(commands) >= 10
    for command in commands:
        assert command.startswith(".venv/bin/youfu "), command


@pytest.mark.build
def test_draft_to_live_guide_runs_as_written(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".git", "site", ".venv", "__pycache__", "*.egg-info",
                                                                 ".pytest_cache", ".youfu", "node_modules"))
    www = str(tmp_path / "www")
    env = {"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1",
           "HOME": str(tmp_path)}
    ran = []
    for step in steps(GUIDE.read_text(encoding="utf-8")):
        if step[0] == "write":
            _, path, content = step
            (project / path).write_text(content, encoding="utf-8")
            continue
        _, command, expected, after = step
        arguments = shlex.split(command.replace("/var/www/youfu", www).removeprefix(".venv/bin/youfu "))
        expected = [line.replace("/var/www/youfu", www) for line in expected]
        if arguments == ["serve"]:
            _check_serve(project, env, after)
            ran.append(command)
            continue
        result = subprocess.run([sys.executable, "-m", "youfu", *arguments], cwd=project, env=env,
                                capture_output=True, text=True, timeout=600)
        actual = [line for line in (result.stdout + result.stderr).rstrip("\n").split("\n")
                  if not line.startswith(NOISE)]
        assert matches(expected, actual), f"$ {command}\nthe guide shows:\n" + "\n".join(expected) + \
            "\nthe program printed:\n" + "\n".join(actual)
        ran.append(command)
    assert any(c.startswith(".venv/bin/youfu publish") for c in ran)
    assert Path(www).is_symlink() and (Path(www) / "reports/datong-city/2016-jihua.html").is_file()


def _check_serve(project: Path, env: dict, after: str) -> None:
    """Start the preview, fetch the page the guide names and find the draft banner it quotes."""
    url = re.search(r"http://127\.0\.0\.1:8000(/\S+\.html)", after).group(1)
    quoted = re.search(r"^> \*\*草稿\*\* (.+)$", after, re.M).group(1)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "youfu", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        page = None
        while time.monotonic() < deadline:
            page = _get(f"http://127.0.0.1:{port}{url}")
            if page and "yf-draft" in page:
                break
            time.sleep(0.5)
        assert page and "yf-draft" in page, "the preview never showed the draft"
        text = re.sub(r"<[^>]+>", "", page)
        assert "草稿" + quoted in re.sub(r"\s+", "", text) or quoted in text
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

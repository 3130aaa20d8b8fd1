"""The preview: `youfu serve` regenerates only what an edit changed, the engine rebuilds those
pages from their modification times, and the search index follows."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from youfu import generate, reports


def _report(project: Path) -> tuple[Path, reports.Report]:
    found, problems = reports.load_reports(project)
    assert not problems
    report = next(r for r in found if r.meta.year and r.meta.topics)
    return project / "content" / report.src_uri, report


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_generate_rewrites_only_the_files_an_edit_changes(site_copy, tmp_path):
    path, report = _report(site_copy)
    out = tmp_path / "docs"
    first = generate.generate(site_copy, out)
    assert first.written and not first.removed
    again = generate.generate(site_copy, out)
    assert again.written == [] and again.removed == []  # nothing changed, nothing written

    body_line = path.read_text(encoding="utf-8").rstrip().splitlines()[-1]
    _edit(path, body_line, body_line + "\n\n预览修改的句子甲乙丙。")
    body = generate.generate(site_copy, out)
    # the page itself, and the history that says when the data changed (no git here: unchanged)
    assert body.written == [report.src_uri], body.written
    assert "预览修改的句子甲乙丙" in (out / report.src_uri).read_text(encoding="utf-8")

    _edit(path, f"title: {report.meta.title}", f"title: {report.meta.title}（修订）")
    title = generate.generate(site_copy, out)
    # the page and every list that shows the title; the open data of reports too
    for listed in (report.src_uri, f"bureaus/{report.meta.bureau}.md", f"reports/years/{report.meta.year}.md",
                   "reports/index.md", "downloads/reports.json", "feed.xml"):
        assert listed in title.written, listed
    assert "bureaus/index.md" not in title.written  # it does not show report titles


def test_generate_never_touches_a_folder_it_did_not_make(site_copy, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("别删我", encoding="utf-8")
    with pytest.raises(generate.GenerateError, match="不是 youfu 生成的文件夹"):
        generate.generate(site_copy, foreign)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "别删我"
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


def test_generate_removes_pages_the_site_no_longer_has(site_copy, tmp_path):
    path, report = _report(site_copy)
    out = tmp_path / "docs"
    generate.generate(site_copy, out)
    path.unlink()
    result = generate.generate(site_copy, out)
    assert report.src_uri in result.removed and not (out / report.src_uri).exists()


def test_the_report_memo_rereads_only_changed_files(site_copy):
    path, _ = _report(site_copy)
    memo: dict = {}
    first, _ = reports.load_reports(site_copy, memo)
    again, _ = reports.load_reports(site_copy, memo)
    assert [id(r) for r in first] == [id(r) for r in again]  # nothing read twice
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 新", 1), encoding="utf-8")
    third, _ = reports.load_reports(site_copy, memo)
    changed = [r for r, old in zip(third, first) if r is not old]
    assert [r.src_uri for r in changed] == [path.relative_to(site_copy / "content").as_posix()]
    assert changed[0].meta.title.startswith("新")
    assert third.lines.keys() == first.lines.keys()


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


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.build
def test_youfu_serve_shows_an_edit_and_stops_cleanly(site_copy):
    path, report = _report(site_copy)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    page = base + report.src_uri.removesuffix(".md") + ".html"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("YOUFU_DOCS_DIR", None)
    server = subprocess.Popen([sys.executable, "-m", "youfu", "serve", "--root", str(site_copy),
                               "--dev-addr", f"127.0.0.1:{port}"], cwd=site_copy, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert _wait(lambda: (_get(page) or "").find(report.meta.title) >= 0, 120), "the preview never came up"
        body_line = path.read_text(encoding="utf-8").rstrip().splitlines()[-1]
        _edit(path, body_line, body_line + "\n\n预览修改的句子甲乙丙。")
        assert _wait(lambda: "预览修改的句子甲乙丙" in (_get(page) or ""), 60), "the edit never showed"
        # the search index follows the page: one of the per-page result files holds the new sentence
        # (the index is written after the pages: wait for its table of contents first)
        assert _wait(lambda: '"docs":' in (_get(base + "search/idx/meta.js") or ""), 60), "no search index"
        meta = _get(base + "search/idx/meta.js") or ""
        count = int(meta.split('"docs":')[1].split(",")[0])
        assert _wait(lambda: any("预览修改的句子甲乙丙" in (_get(base + f"search/idx/x/{n}.js") or "")
                                 for n in range(count)), 60), "the search index never caught up"
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            _, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise
    assert "Traceback" not in err, err[-2000:]
    assert _get(page) is None  # the engine stopped with it

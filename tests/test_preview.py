"""The fast preview: `mkdocs serve --dirty` rebuilds only what an edit changed, and the
search index keeps every page (youfu/preview.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from youfu import reports

# Drives MkDocs the way `mkdocs serve --dirty` does (load the config afresh, build dirty
# into the same folder), without a server: a first build, then one per edit.
DRIVER = r'''
import json, os, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

site, url = Path(sys.argv[1]), "http://127.0.0.1:8000/"
edits = json.loads(sys.argv[2])

def one_build():
    config = load_config(config_file="mkdocs.yml", site_dir=str(site))
    config.site_url = url
    build(config, serve_url=url, dirty=True)
    from youfu import preview
    preview.BACKGROUND.wait()
    return config

def stamps():
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}

config = load_config(config_file="mkdocs.yml", site_dir=str(site))
config.plugins.on_startup(command="serve", dirty=True)
one_build()
steps = []
for path, old, new in edits:
    before = stamps()
    file = Path(path)
    file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    one_build()
    after = stamps()
    steps.append(sorted(k for k in after if before.get(k) != after[k]))
config.plugins.on_shutdown()
print(json.dumps(steps))
'''


def _report(project: Path) -> tuple[Path, reports.Report]:
    found, problems = reports.load_reports(project)
    assert not problems
    report = next(r for r in found if r.meta.year and r.meta.topics)
    return project / "content" / report.src_uri, report


def test_a_dirty_preview_rebuilds_only_the_edited_report_and_keeps_the_search_index_whole(site_copy, tmp_path):
    path, report = _report(site_copy)
    body_line = path.read_text(encoding="utf-8").rstrip().splitlines()[-1]
    edits = [
        [str(path), body_line, body_line + "\n\n预览修改的句子甲乙丙。"],  # body only
        [str(path), f"title: {report.meta.title}", f"title: {report.meta.title}（修订）"],  # title
    ]
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-c", DRIVER, str(site), json.dumps(edits, ensure_ascii=False)],
                            cwd=site_copy, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Aborted" not in result.stderr
    body_step, title_step = json.loads(result.stdout.splitlines()[-1])
    page = report.src_uri.removesuffix(".md") + ".html"

    # A body edit: the report's page, plus the two pages the theme always renders.
    assert page in body_step
    assert set(body_step) <= {page, "404.html", "sitemap.xml"}, body_step
    assert "预览修改的句子甲乙丙" in (site / page).read_text(encoding="utf-8")

    # A title edit: the lists that show the title are rebuilt too.
    assert page in title_step
    for listed in ["bureaus/" + report.meta.bureau + ".html", f"reports/years/{report.meta.year}.html"]:
        assert listed in title_step
        assert report.meta.title + "（修订）" in (site / listed).read_text(encoding="utf-8")

    # The index still has every searched page, and the edited text in it.
    meta = (site / "search/idx/meta.js").read_text(encoding="utf-8")
    docs = json.loads(meta[meta.index(",0,") + 3: meta.rindex(");")])["docs"]
    searched = [p for p in site.rglob("*.html") if "data-yf-listing" not in p.read_text(encoding="utf-8")]
    assert docs >= len(searched) - 3  # not the search page, the 404 page, the home redirect
    assert any("预览修改的句子甲乙丙" in x.read_text(encoding="utf-8") for x in (site / "search/idx/x").iterdir())


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


def test_the_preview_watches_files_with_inotify_and_still_notices_an_edit(tmp_path):
    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers.inotify import InotifyObserver

    from youfu import preview

    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "a.md").write_text("一", encoding="utf-8")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(folder))
    preview.native_watcher(server)
    assert isinstance(server.observer, InotifyObserver)
    assert list(server._watched_paths) == [str(folder)]
    server.observer.start()
    try:
        (folder / "a.md").read_text(encoding="utf-8")  # reading is not a change
        with server._rebuild_cond:
            assert not server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=1)
        (folder / "a.md").write_text("二", encoding="utf-8")
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=5)
    finally:
        server.observer.stop()
        server.observer.join()
        server.server_close()

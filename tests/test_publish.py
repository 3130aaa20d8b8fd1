"""`youfu publish`: one atomic switch, refusals, rollback, signals, permissions, kill -9.

The sites switched in most tests are written here by hand (two versions that differ in a
marker and in every page), so what a reader must see is known without the code under test;
a few tests run the real build end to end.
"""
from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import ROOT
from youfu import publish
from youfu.cli import main

HOOKS = str(ROOT / "hooks")
PAGES = 40  # pages per hand-made site


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": HOOKS, "NO_MKDOCS_2_WARNING": "1", **extra}


# ---------------------------------------------------------------------------
# Hand-made sites and how to read what is served
# ---------------------------------------------------------------------------

def index_html(marker: str) -> bytes:
    # Big enough that a half-written copy would be visible as a different text.
    return (f"<!doctype html><title>{marker}</title><p id=marker>{marker}</p>\n" + "正文" * 3000).encode()


def make_site(folder: Path, marker: str, pages: int = PAGES) -> dict[str, bytes]:
    """Write a small site and return {relative path: bytes} as expected of it."""
    files = {"index.html": index_html(marker), "assets/app.js": f"var site = '{marker}';\n".encode()}
    for number in range(pages):
        files[f"pages/{number // 10}/p{number}.html"] = f"<p>{marker} 第 {number} 页</p>\n".encode() * 50
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return files


def served(target: Path) -> dict[str, bytes]:
    """Every file reachable under `target`, as a web server following the link would see it."""
    files = {}
    for dirpath, _, filenames in os.walk(target):
        for name in filenames:
            path = Path(dirpath) / name
            files[path.relative_to(target).as_posix()] = path.read_bytes()
    return files


def snapshot(path: Path) -> dict[str, object]:
    """Everything at and under `path` without following links: kinds, link texts, bytes, modes."""
    if path.is_symlink():
        return {".": ("link", os.readlink(path))}
    if path.is_file():
        return {".": ("file", path.read_bytes())}
    result: dict[str, object] = {".": ("dir",)}
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            item = Path(dirpath) / name
            key = item.relative_to(path).as_posix()
            if item.is_symlink():
                result[key] = ("link", os.readlink(item))
            elif item.is_dir():
                result[key] = ("dir",)
            else:
                result[key] = ("file", item.read_bytes())
    return result


@pytest.fixture
def sites(tmp_path):
    """Two distinguishable built sites, A and B, and a web folder to publish into."""
    a, b = tmp_path / "built-a", tmp_path / "built-b"
    www = tmp_path / "www"
    www.mkdir()
    return {"A": (a, make_site(a, "版本A")), "B": (b, make_site(b, "版本B")), "www": www}


# ---------------------------------------------------------------------------
# A reader polling the site from another process while it is switched
# ---------------------------------------------------------------------------

POLLER = r"""
import json, os, sys, time
target, allowed_file, stop_file = sys.argv[1:4]
allowed = {name: {bytes.fromhex(h) for h in hexes} for name, hexes in json.load(open(allowed_file)).items()}
reads = missing = partial = 0
seen = set()
deadline = time.monotonic() + 120
print("ready", flush=True)
while not os.path.exists(stop_file) and time.monotonic() < deadline:
    for name, good in allowed.items():
        try:
            with open(os.path.join(target, name), "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            missing += 1
            continue
        reads += 1
        if data in good:
            seen.add((name, hash(data)))
        else:
            partial += 1
print(json.dumps({"reads": reads, "missing": missing, "partial": partial, "seen": len(seen)}))
"""


def poll_while(tmp_path: Path, target: Path, allowed: dict[str, set[bytes]], action) -> dict:
    """Run `action()` while another process reads `target`/<name> as fast as it can."""
    allowed_file, stop_file = tmp_path / "allowed.json", tmp_path / "stop"
    allowed_file.write_text(json.dumps({k: [v.hex() for v in vs] for k, vs in allowed.items()}))
    reader = subprocess.Popen([sys.executable, "-c", POLLER, str(target), str(allowed_file), str(stop_file)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        time.sleep(0.05)
        action()
        time.sleep(0.05)
    finally:
        stop_file.touch()
        out, _ = reader.communicate(timeout=60)
    return json.loads(out)


def test_readers_never_see_a_missing_or_partial_site_during_20_publishes(sites, tmp_path):
    (a, files_a), (b, files_b) = sites["A"], sites["B"]
    target = sites["www"] / "youfu"
    publish.publish_folder(a, target)
    allowed = {name: {files_a[name], files_b[name]} for name in ("index.html", "pages/3/p39.html")}

    def twenty_publishes():
        for number in range(20):
            publish.publish_folder(b if number % 2 == 0 else a, target)

    stats = poll_while(tmp_path, target, allowed, twenty_publishes)
    assert stats["missing"] == 0 and stats["partial"] == 0, stats
    assert stats["seen"] == 4, "the reader saw both versions of both files: it did read across switches"
    assert stats["reads"] > 200, stats
    assert served(target) == files_a  # the 20th publish was A


def test_rollback_switches_back_atomically_and_toggles(sites, tmp_path, capsys):
    (a, files_a), (b, files_b) = sites["A"], sites["B"]
    target = sites["www"] / "youfu"
    assert main(["publish", "--rollback", str(target)]) == 1
    assert "还没有由 youfu 发布过" in capsys.readouterr().err
    publish.publish_folder(a, target)
    assert main(["publish", "--rollback", str(target)]) == 1, "only one release: nothing to go back to"
    assert "没有可以退回的上一版" in capsys.readouterr().err
    publish.publish_folder(b, target)
    assert served(target) == files_b
    assert main(["publish", "--rollback", str(target)]) == 0
    assert served(target) == files_a
    assert main(["publish", "--rollback", str(target)]) == 0, "a second rollback returns to the newer one"
    assert served(target) == files_b
    capsys.readouterr()

    allowed = {"index.html": {files_a["index.html"], files_b["index.html"]}}
    def twenty_rollbacks():
        for _ in range(20):
            publish.rollback(None, target)
            time.sleep(0.02)  # each version stays long enough to be read even on a busy machine

    stats = poll_while(tmp_path, target, allowed, twenty_rollbacks)
    assert stats["missing"] == 0 and stats["partial"] == 0 and stats["seen"] == 2, stats
    assert served(target) == files_b  # an even number of rollbacks
    # A publish after rollbacks keeps the one that was live as "previous".
    publish.publish_folder(a, target)
    publish.rollback(None, target)
    assert served(target) == files_b


# ---------------------------------------------------------------------------
# kill -9 at random moments
# ---------------------------------------------------------------------------

KILLABLE = r"""
import sys
from pathlib import Path
from youfu.publish import publish_folder
print("ready", flush=True)
publish_folder(Path(sys.argv[1]), Path(sys.argv[2]))
print("done", flush=True)
"""


def test_kill_9_at_random_moments_leaves_the_old_or_the_new_site_complete(tmp_path):
    a, b = tmp_path / "built-a", tmp_path / "built-b"
    expected = {"A": make_site(a, "版本A", pages=300), "B": make_site(b, "版本B", pages=300)}
    folders = {"A": a, "B": b}
    www = tmp_path / "www"
    www.mkdir()
    target = www / "youfu"

    def start(name: str) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", KILLABLE, str(folders[name]), str(target)],
                                env=child_env(), stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        return proc

    # One full run, to know how long a publish takes after start-up.
    began = time.monotonic()
    proc = start("A")
    assert proc.communicate(timeout=60)[0].strip() == "done"
    duration = time.monotonic() - began
    area = www / ".youfu.youfu"
    (area / "notes.txt").write_text("管理员的笔记", encoding="utf-8")  # foreign, inside youfu's area

    rng = random.Random(20251127)
    live, outcomes = "A", []
    for trial in range(20):
        new = "B" if live == "A" else "A"
        proc = start(new)
        time.sleep(rng.uniform(0, duration * 1.2))
        proc.kill()
        proc.communicate(timeout=30)
        now = served(target)
        assert now in (expected[live], expected[new]), f"trial {trial}: neither the complete old nor new site"
        outcomes.append("new" if now == expected[new] else "old")
        live = new if now == expected[new] else live
    print("kill -9 outcomes:", outcomes)

    # The next publish recovers: it prunes what killed runs left and keeps current + previous.
    final = "B" if live == "A" else "A"
    proc = start(final)
    assert proc.communicate(timeout=60)[0].strip() == "done"
    assert served(target) == expected[final]
    ledger = json.loads((area / "youfu-publish.json").read_text(encoding="utf-8"))
    assert sorted(ledger["releases"].values()) == ["complete", "complete"]
    assert sorted(p.name for p in (area / "releases").iterdir()) == sorted(ledger["releases"])
    assert (area / "notes.txt").read_text(encoding="utf-8") == "管理员的笔记"
    assert publish.rollback(None, target) and served(target) == expected[live]


# ---------------------------------------------------------------------------
# Refusals: every one exits 1 with one Chinese line and touches nothing
# ---------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path):
    """A stand-in repository (mkdocs.yml, data, content, .git) inside tmp_path/work."""
    root = tmp_path / "work" / "project"
    for relative, text in {"mkdocs.yml": "site_name: x\n", "data/bureaus.yml": "[]\n",
                           "content/index.md": "# 首页\n", ".git/HEAD": "ref: refs/heads/main\n"}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def refused(capsys, *argv: str) -> str:
    assert main(["publish", *argv]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert "\u4e00" <= err.removeprefix("youfu publish: ")[0] <= "\u9fff", f"Chinese first: {err}"
    return err


def test_publish_dot_in_the_repository_is_refused_and_the_repository_is_intact(project, tmp_path):
    before = snapshot(tmp_path)
    result = subprocess.run([sys.executable, "-m", "youfu", "publish", "."], cwd=project, env=child_env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "它就是本仓库或包含本仓库" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("where", ["repository", "parent", "grandparent", "inside", "root", "top-level"])
def test_places_that_are_or_hold_the_repository_are_refused(where, project, tmp_path, capsys):
    target = {"repository": project, "parent": project.parent, "grandparent": tmp_path,
              "inside": project / "content" / "site", "root": Path("/"),
              "top-level": Path("/youfu-publish-test-target")}[where]
    before = snapshot(tmp_path)
    err = refused(capsys, str(target), "--root", str(project), "--force")
    expected = {"repository": "本仓库", "parent": "本仓库", "grandparent": "本仓库", "inside": "仓库里面",
                "root": "根目录", "top-level": "根目录下"}[where]
    assert expected in err
    assert snapshot(tmp_path) == before
    assert not Path("/youfu-publish-test-target").exists()


def test_the_home_folder_and_what_holds_it_are_refused(project, tmp_path, capsys, monkeypatch):
    home = tmp_path / "home" / "staff"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    before = snapshot(tmp_path)
    assert "主目录" in refused(capsys, str(home), "--root", str(project), "--force")
    assert "主目录" in refused(capsys, str(home.parent), "--root", str(project), "--force")
    assert snapshot(tmp_path) == before


def test_a_file_a_foreign_folder_and_foreign_symlinks_are_refused(sites, project, capsys):
    www = sites["www"]
    (www / "page.html").write_text("一个文件", encoding="utf-8")
    (www / "site").mkdir()
    (www / "site" / "index.html").write_text("别人的网站", encoding="utf-8")
    (www / "elsewhere").symlink_to(www / "site")
    (www / "fake").symlink_to(".fake.youfu/releases/1")  # youfu's spelling, but no youfu area
    before = snapshot(www)
    assert "是一个文件" in refused(capsys, str(www / "page.html"), "--root", str(project), "--force")
    err = refused(capsys, str(www / "site"), "--root", str(project))
    assert "不是 youfu 发布的" in err and "--force" in err
    assert "符号链接，但不是 youfu 建立的" in refused(capsys, str(www / "elsewhere"), "--root", str(project), "--force")
    assert "符号链接，但不是 youfu 建立的" in refused(capsys, str(www / "fake"), "--root", str(project), "--force")
    (www / ".other.youfu").mkdir()
    (www / ".other.youfu" / "keep.txt").write_text("别人的", encoding="utf-8")
    publish.publish_folder(sites["A"][0], www / "youfu")
    before = snapshot(www)
    assert "不是 youfu 的发布区" in refused(capsys, str(www / "other"), "--root", str(project))
    assert "上级文件夹" in refused(capsys, str(www / "missing" / "site"), "--root", str(project))
    assert "自己的发布区" in refused(capsys, str(www / ".youfu.youfu"), "--root", str(project), "--force")
    assert "自己的发布区" in refused(capsys, str(www / ".youfu.youfu/releases/1"), "--root", str(project), "--force")
    assert snapshot(www) == before


def test_force_moves_a_foreign_folder_aside_in_one_step_and_never_deletes_it(sites, monkeypatch, capsys):
    (a, files_a), (b, files_b) = sites["A"], sites["B"]
    www = sites["www"]
    for name in ("exchanged", "fallback"):
        (www / name / "sub").mkdir(parents=True)
        (www / name / "index.html").write_text("旧网站", encoding="utf-8")
        (www / name / "sub" / "data.bin").write_bytes(bytes(range(256)))
    old = snapshot(www / "exchanged")
    assert main(["publish", str(www / "exchanged"), "--root", str(a)]) == 1, "not without --force"
    capsys.readouterr()
    done = publish.publish_folder(a, www / "exchanged", force=True)
    assert served(www / "exchanged") == files_a
    assert done.moved_aside.parent == www / ".exchanged.youfu" / "aside"
    assert snapshot(done.moved_aside) == old
    # A file system that cannot exchange: moved, then linked; still nothing lost.
    def no_exchange(source, dest):
        raise OSError(22, "Invalid argument")
    monkeypatch.setattr(publish, "_exchange", no_exchange)
    done = publish.publish_folder(b, www / "fallback", force=True)
    assert served(www / "fallback") == files_b
    assert snapshot(done.moved_aside) == old


def test_nothing_youfu_did_not_make_is_deleted(sites, capsys):
    (a, files_a), (b, files_b) = sites["A"], sites["B"]
    www = sites["www"]
    target = www / "youfu"
    foreign = {  # next to the target, including names the old publish used
        ".youfu.old/index.html": "旧版 publish 留下的", ".youfu.new-abc123/index.html": "半成品",
        "other.txt": "别的文件", "youfu2/index.html": "别的网站"}
    for relative, text in foreign.items():
        (www / relative).parent.mkdir(parents=True, exist_ok=True)
        (www / relative).write_text(text, encoding="utf-8")
    publish.publish_folder(a, target)
    area = www / ".youfu.youfu"
    inside = {  # inside youfu's area, including a folder named like a release
        "notes.txt": "管理员的笔记", "releases/README.txt": "说明", "releases/99/index.html": "手放的",
        "releases/foo/bar.txt": "手放的", "youfu-switch.tmp.bak": "别的", "aside/mine.txt": "我的"}
    for relative, text in inside.items():
        (area / relative).parent.mkdir(parents=True, exist_ok=True)
        (area / relative).write_text(text, encoding="utf-8")
    before_next_to = {name: snapshot(www / name.split("/")[0]) for name in foreign}
    before_inside = {name: snapshot(area / name) for name in inside}

    for site in (b, a, b, a, b):
        publish.publish_folder(site, target)
    publish.rollback(None, target)
    publish.rollback(None, target)
    assert served(target) == files_b

    assert {name: snapshot(www / name.split("/")[0]) for name in foreign} == before_next_to
    assert {name: snapshot(area / name) for name in inside} == before_inside
    ledger = json.loads((area / "youfu-publish.json").read_text(encoding="utf-8"))
    mine = sorted(ledger["releases"], key=int)
    assert len(mine) == 2 and all(int(n) > 99 for n in mine), "numbering never reuses a foreign name"
    assert sorted(p.name for p in (area / "releases").iterdir()) == sorted(["99", "README.txt", "foo", *mine])


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------

def assert_web_readable(target: Path) -> None:
    """Everything the web server needs: the way in (o+x) and every file (0644) and folder (0755)."""
    real = Path(os.path.realpath(target))
    for folder in [real, *real.parents][: len(real.relative_to(target.parent).parts)]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
    for dirpath, dirnames, filenames in os.walk(real):
        for name in dirnames:
            assert stat.S_IMODE((Path(dirpath) / name).stat().st_mode) == 0o755, name
        for name in filenames:
            assert stat.S_IMODE((Path(dirpath) / name).stat().st_mode) == 0o644, name


def test_published_files_are_readable_by_the_web_server_under_umask_077(sites):
    a, files_a = sites["A"]
    for path in [a, *a.rglob("*")]:  # private sources: the modes must not be copied
        path.chmod(0o700 if path.is_dir() else 0o600)
    target = sites["www"] / "youfu"
    script = "import sys; from youfu.publish import publish_folder; publish_folder(sys.argv[1], sys.argv[2])"
    result = subprocess.run([sys.executable, "-c", script, str(a), str(target)], env=child_env(),
                            preexec_fn=lambda: os.umask(0o077), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert served(target) == files_a
    assert_web_readable(target)
    area = sites["www"] / ".youfu.youfu"
    assert stat.S_IMODE((area / "youfu-publish.json").stat().st_mode) == 0o600, "youfu's records are not served"


# ---------------------------------------------------------------------------
# The real build, end to end
# ---------------------------------------------------------------------------

def title_of(target: Path) -> str:
    import html.parser

    class Title(html.parser.HTMLParser):
        inside, text = False, ""

        def handle_starttag(self, tag, attrs):
            self.inside = tag == "title"

        def handle_data(self, data):
            if self.inside:
                self.text += data

        def handle_endtag(self, tag):
            self.inside = False

    parser = Title()
    parser.feed((target / "index.html").read_text(encoding="utf-8"))
    return parser.text


def test_real_build_publishes_keeps_the_site_on_failure_and_rolls_back(site_copy, tmp_path, capsys):
    www = tmp_path / "www"
    target = www / "youfu"
    target.mkdir(parents=True)
    (target / "index.html").write_text("old site", encoding="utf-8")
    assert main(["publish", str(target), "--root", str(site_copy)]) == 1, "a foreign folder needs --force"
    assert (target / "index.html").read_text(encoding="utf-8") == "old site"
    assert main(["publish", str(target), "--root", str(site_copy), "--force",
                 "--site-url", "https://example.org/youfu/"]) == 0
    out = capsys.readouterr().out
    assert "原来的文件夹已移到" in out and "已发布到" in out
    assert [p.read_text(encoding="utf-8") for p in (www / ".youfu.youfu/aside").glob("*/index.html")] == ["old site"]
    assert "优抚医疗信息" in title_of(target)
    assert "https://example.org/youfu/" in (target / "sitemap.xml").read_text(encoding="utf-8")
    first = served(target)

    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_name: 优抚医疗信息", "site_name: 优抚医疗信息乙", 1),
                      encoding="utf-8")
    assert main(["publish", str(target), "--root", str(site_copy)]) == 0
    assert "优抚医疗信息乙" in title_of(target)

    (site_copy / "data/bureaus.yml").write_text("- id: [\n", encoding="utf-8")
    before = snapshot(www)
    assert main(["publish", str(target), "--root", str(site_copy)]) == 1
    assert "生成失败，现有网站未改动" in capsys.readouterr().err
    assert snapshot(www) == before, "a failed build leaves no staging folder and changes nothing"

    assert main(["publish", "--rollback", str(target)]) == 0
    assert served(target) == first
    assert_web_readable(target)


SLOW_HOOK = '''
import os, subprocess, time
def on_config(config):
    # A grandchild in the build's process group, and a build that would take minutes.
    helper = subprocess.Popen(["sleep", "300"])
    with open(os.environ["YOUFU_TEST_PIDS"], "w") as handle:
        handle.write(f"{os.getpid()} {helper.pid}")
    time.sleep(300)
'''


def dead(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return True
    return fields[0] in ("Z", "X")  # a zombie waiting for init to reap it is gone too


def group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                members.append(int(entry.name))
    return members


@contextmanager
def slow_publish(site_copy: Path, tmp_path: Path, target: Path, **popen):
    """Run `youfu publish` on a project whose build hangs in a hook after starting a grandchild;
    yield (publish process, build pid, grandchild pid) once the build is running. Whatever is
    still alive afterwards is killed, so a failing test leaves no process behind."""
    config = site_copy / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    (site_copy / "hooks/slow_test_hook.py").write_text(SLOW_HOOK, encoding="utf-8")
    config.write_text(original.replace("  - hooks/youfu_site.py\n",
                                       "  - hooks/youfu_site.py\n  - hooks/slow_test_hook.py\n", 1), encoding="utf-8")
    pids = tmp_path / "pids"
    proc = subprocess.Popen([sys.executable, "-m", "youfu", "publish", str(target), "--root", str(site_copy)],
                            env=child_env(YOUFU_TEST_PIDS=str(pids)), cwd=tmp_path, **popen)
    started: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while not (pids.exists() and pids.read_text().strip().count(" ") == 1):
            assert proc.poll() is None and time.monotonic() < deadline, "the build never reached the slow hook"
            time.sleep(0.05)
        started = list(map(int, pids.read_text().split()))
        assert not any(dead(pid) for pid in started)
        yield proc, *started
    finally:
        for pid in [proc.pid, *started]:
            if not dead(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)
        config.write_text(original, encoding="utf-8")
        (site_copy / "hooks/slow_test_hook.py").unlink()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_build_stops_it_cleans_up_and_keeps_the_site(signum, site_copy, sites, tmp_path):
    a, files_a = sites["A"]
    target = sites["www"] / "youfu"
    publish.publish_folder(a, target)  # the site being served
    area = sites["www"] / ".youfu.youfu"
    before = snapshot(area / "releases")
    with slow_publish(site_copy, tmp_path, target, start_new_session=True, stdout=subprocess.PIPE,
                      stderr=subprocess.PIPE, text=True) as (proc, build, helper):
        if signum == signal.SIGINT:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the foreground group
        else:
            os.kill(proc.pid, signal.SIGTERM)  # what kill / systemd does
        out, err = proc.communicate(timeout=60)
        time.sleep(0.2)
        stopped = dead(build) and dead(helper) and group_members(build) == []
    assert proc.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[signum]
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("youfu publish: " + ("已中断" if signum == signal.SIGINT else "已终止")), err
    assert "正在服务的网站没有改动" in err
    assert stopped, "the build and everything it started are stopped"
    assert snapshot(area / "releases") == before, "no staging folder left"
    ledger = json.loads((area / "youfu-publish.json").read_text(encoding="utf-8"))
    assert list(ledger["releases"].values()) == ["complete"]
    assert served(target) == files_a


def test_kill_9_during_the_real_build_stops_the_build_and_the_next_publish_cleans_up(site_copy, sites, tmp_path):
    a, files_a = sites["A"]
    target = sites["www"] / "youfu"
    publish.publish_folder(a, target)
    area = sites["www"] / ".youfu.youfu"
    with slow_publish(site_copy, tmp_path, target, stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL) as (proc, build, helper):
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while not dead(build) and time.monotonic() < deadline:
            time.sleep(0.05)
        # The build dies with publish (Linux parent-death signal); what the build itself
        # started would outlive a kill -9 (documented limit), the fixture kills it.
        assert dead(build), "the build dies with publish"
    assert served(target) == files_a
    assert len(list((area / "releases").iterdir())) == 2, "the killed run left its half-built release"

    assert main(["publish", str(target), "--root", str(site_copy)]) == 0
    ledger = json.loads((area / "youfu-publish.json").read_text(encoding="utf-8"))
    assert sorted(ledger["releases"].values()) == ["complete", "complete"]
    assert sorted(p.name for p in (area / "releases").iterdir()) == sorted(ledger["releases"])
    assert "优抚医疗信息" in title_of(target)


def test_a_second_publish_at_the_same_time_is_refused(sites, capsys):
    import fcntl

    a, files_a = sites["A"]
    b, _ = sites["B"]
    target = sites["www"] / "youfu"
    publish.publish_folder(a, target)
    with open(sites["www"] / ".youfu.youfu" / "lock", "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert "另一个 youfu publish 正在发布" in refused(capsys, str(target), "--root", str(b))
        assert main(["publish", "--rollback", str(target)]) == 1
    assert served(target) == files_a


def test_a_damaged_ledger_is_refused_and_nothing_changes(sites, capsys):
    a, files_a = sites["A"]
    b, _ = sites["B"]
    target = sites["www"] / "youfu"
    publish.publish_folder(a, target)
    publish.publish_folder(b, target)
    publish.rollback(None, target)
    ledger = sites["www"] / ".youfu.youfu" / "youfu-publish.json"
    for text in ("{not json", '{"format": 1, "releases": {"1": "gone"}, "history": []}',
                 '{"format": 1, "releases": [], "history": []}', '{"format": 1, "releases": {}, "history": ["x"]}'):
        ledger.write_text(text, encoding="utf-8")
        before = snapshot(sites["www"])
        assert "已损坏" in refused(capsys, str(target), "--root", str(b))
        assert "已损坏" in refused(capsys, "--rollback", str(target))
        assert snapshot(sites["www"]) == before
    assert served(target) == files_a

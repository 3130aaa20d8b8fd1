"""Publishing to a folder that a web server serves, switched in one atomic step.

Layout (target `/var/www/youfu`)::

    /var/www/youfu               symlink -> .youfu.youfu/releases/7   (made by youfu)
    /var/www/.youfu.youfu/       youfu's own area, the "marker" is its ledger:
        youfu-publish.json       which releases youfu made, their state, the switch history
        lock                     held while a publish or rollback runs (one at a time)
        releases/6/              the previous site (kept for --rollback)
        releases/7/              the current site
        aside/youfu-<time>/      a foreign folder that `--force` moved out of the way (never deleted)

Why a symlink: the only thing that changes when a new site goes live is the link, and it is
replaced with rename(2) (`os.replace` of a freshly made link over the old one), which POSIX
makes atomic: every lookup of `/var/www/youfu/...` resolves either through the old link or the
new one, never through nothing. The alternative, renaming folders, needs two renames (old away,
new in) with a moment in between when the site is missing. nginx and Apache (with
FollowSymLinks) resolve the link on every request, so each request is answered from one
complete release; the previous release stays on disk, so a request that resolved the old link
just before the switch still finds its files.

Order of a publish (every step survives `kill -9`): the release number is written to the
ledger as "building" before its folder exists; the site is built into `releases/<n>`; file
modes are set (folders 0755, files 0644, whatever the umask) and the disk is synced; the
ledger says "complete"; the link is switched; the history is written; releases other than the
current and the previous one are pruned (marked "pruning" in the ledger before deletion). A
killed publish therefore leaves the old link (old site complete) or the new link (new site
complete); what it left half-done is a youfu release folder that the next run prunes.

What youfu deletes: only release folders listed in its own ledger (and its own temporary
link and ledger files). Anything else — a target folder it did not make, stray files in its
area, a foreign `releases/99` — is left alone. `--force` moves a foreign target folder into
`aside/` with renameat2(RENAME_EXCHANGE), which swaps the folder and the new link in one step;
only on file systems that refuse the exchange is there a short gap (folder moved, then link
placed), and only that one first time.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

LEDGER = "youfu-publish.json"
LOCK = "lock"
RELEASES = "releases"
ASIDE = "aside"
SWITCH_TMP = "youfu-switch.tmp"
STATES = ("building", "complete", "pruning")
LEDGER_TMP = re.compile(r"^youfu-publish\.json\.[A-Za-z0-9_]+\.tmp$")


class PublishError(Exception):
    """A reason, in one line for staff (Chinese first), why nothing was published."""


class Refused(PublishError):
    """The target is not one youfu may replace."""


class BuildFailed(PublishError):
    """The build itself failed; its output is the message."""


class Interrupted(BaseException):
    """SIGINT, SIGTERM or SIGHUP arrived while building; staging is already removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def message(self) -> str:
        what = {signal.SIGINT: "已中断（Ctrl-C）", signal.SIGTERM: "已终止（收到 SIGTERM）"}.get(
            self.signum, f"已停止（收到信号 {self.signum}）")
        return (f"{what}：生成已停止，临时文件已删除，正在服务的网站没有改动"
                f"（interrupted; the published site was left as it was）")


@dataclass
class Published:
    target: Path
    release: int
    previous: int | None
    moved_aside: Path | None = None


# ---------------------------------------------------------------------------
# Where: the target, its parent and youfu's area, and the places never to publish to
# ---------------------------------------------------------------------------

@dataclass
class _Place:
    target: Path  # parent resolved, last component kept (it may be youfu's symlink)
    area: Path

    @property
    def releases(self) -> Path:
        return self.area / RELEASES

    def link_text(self, release: int) -> str:
        return f"{self.area.name}/{RELEASES}/{release}"

    def release_of_link(self, text: str) -> int | None:
        match = re.fullmatch(re.escape(self.area.name) + "/" + RELEASES + r"/([1-9][0-9]{0,8})", text)
        return int(match.group(1)) if match else None


def _homes() -> set[Path]:
    homes = set()
    for home in (os.environ.get("HOME"), _passwd_home()):
        if home:
            homes.add(Path(os.path.realpath(home)))
    return homes


def _passwd_home() -> str | None:
    try:
        return pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:
        return None


def _contains(outer: Path, inner: Path) -> bool:
    return inner == outer or inner.is_relative_to(outer)


def _is_area(folder: Path) -> bool:
    return (folder.name.startswith(".") and folder.name.endswith(".youfu")
            and (folder / LEDGER).is_file())


def _place(target: Path, protect: list[Path]) -> _Place:
    """Check where `target` is, before anything is touched; refuse the dangerous places."""
    raw = Path(os.path.abspath(os.fspath(target)))
    if raw == Path("/"):
        raise Refused("不能发布到根目录 /：请换一个专用的新文件夹，如 /var/www/youfu（refused: /）")
    if not raw.parent.exists():
        raise Refused(f"上级文件夹 {raw.parent} 不存在：请先建好它（并让网站服务器能进入），再发布"
                      f"（refused: parent folder missing）")
    if not raw.parent.is_dir():
        raise Refused(f"上级 {raw.parent} 不是文件夹：请换一个发布目录（refused: parent is not a folder）")
    parent = Path(os.path.realpath(raw.parent))
    name = raw.name
    path = parent / name
    real = Path(os.path.realpath(path))
    protect = [Path(os.path.realpath(p)) for p in protect]
    for candidate in dict.fromkeys((path, real)):
        if candidate == Path("/"):
            raise Refused(f"不能发布到 {raw}：它指向根目录 /；请换一个专用的新文件夹（refused: /）")
        for repo in protect:
            if _contains(candidate, repo):
                raise Refused(
                    f"不能发布到 {raw}：它就是本仓库或包含本仓库（{repo}），替换它会毁掉数据、内容和 .git；"
                    f"请换一个仓库以外的新文件夹，如 /var/www/youfu（refused: the target is or contains the repository）")
        for home in _homes():
            if _contains(candidate, home):
                raise Refused(f"不能发布到 {raw}：它是你的主目录或包含主目录（{home}）；"
                              f"请换一个专用的新文件夹（refused: the target is or contains the home folder）")
    if parent == Path("/"):
        raise Refused(f"不能直接发布到根目录下的 {path}：请用更深一层的专用文件夹，如 /var/www/youfu"
                      f"（refused: top-level folder）")
    for repo in protect:
        if parent != repo and _contains(repo, parent):
            raise Refused(f"不能发布到仓库里面的 {path}：那里是源文件；请用仓库以外的文件夹，如 /var/www/youfu"
                          f"（refused: inside the repository）")
    for folder in (path, *path.parents):
        if _is_area(folder):
            raise Refused(f"不能发布到 {path}：{folder} 是 youfu 自己的发布区，请发布到它旁边的网站目录"
                          f"（refused: inside youfu's own area）")
    return _Place(target=path, area=parent / f".{name}.youfu")


# ---------------------------------------------------------------------------
# The ledger: youfu's record of what it made (the marker of its area)
# ---------------------------------------------------------------------------

@dataclass
class _Ledger:
    releases: dict[int, str] = field(default_factory=dict)
    history: list[int] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({
            "youfu": "publish area: made and managed by `youfu publish`; do not edit",
            "format": 1,
            "releases": {str(n): state for n, state in sorted(self.releases.items())},
            "history": self.history[-20:],
        }, ensure_ascii=False, indent=1) + "\n"


def _read_ledger(place: _Place) -> _Ledger:
    path = place.area / LEDGER
    damaged = Refused(f"发布记录 {path} 已损坏（不是 youfu 写的格式）：请不要手改它；把整个 "
                      f"{place.area.name} 改名保存后重新发布（refused: damaged ledger）")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        raise damaged from None
    try:
        releases = {int(key): value for key, value in data["releases"].items()}
        history = [int(n) for n in data["history"]]
        ok = (data.get("format") == 1 and all(n > 0 and s in STATES for n, s in releases.items())
              and all(type(n) is int for n in data["history"]))
    except (KeyError, TypeError, AttributeError, ValueError):
        raise damaged from None
    if not ok:
        raise damaged
    return _Ledger(releases=releases, history=history)


def _write_ledger(place: _Place, ledger: _Ledger) -> None:
    """Write the ledger atomically (temporary file in the area, fsync, rename over)."""
    ledger.history = [n for n in ledger.history if n in ledger.releases]
    fd, tmp = tempfile.mkstemp(prefix=f"{LEDGER}.", suffix=".tmp", dir=place.area)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(ledger.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, place.area / LEDGER)
    except BaseException:
        with _quiet():
            os.unlink(tmp)
        raise


@contextmanager
def _quiet():
    try:
        yield
    except OSError:
        pass


# ---------------------------------------------------------------------------
# What is at the target now
# ---------------------------------------------------------------------------

@dataclass
class _State:
    kind: str  # "missing", "ours" (youfu's symlink) or "folder" (a foreign folder, with --force)
    current: int | None = None


def _inspect(place: _Place, force: bool) -> _State:
    """What the target is; refuse a file, a foreign symlink, a foreign folder (without force)."""
    area, target = place.area, place.target
    if os.path.lexists(area):
        if area.is_symlink() or not area.is_dir():
            raise Refused(f"不能使用 {area}：它已存在但不是 youfu 的发布区（不是普通文件夹）；请把它改名，或换一个发布目录"
                          f"（refused: foreign {area.name}）")
        if not (area / LEDGER).is_file() and any(area.iterdir()):
            raise Refused(f"不能使用 {area}：它已存在但不是 youfu 的发布区（里面没有 {LEDGER}）；请把它改名，"
                          f"或换一个发布目录（refused: foreign {area.name}）")
    if not os.path.lexists(target):
        return _State("missing")
    if target.is_symlink():
        text = os.readlink(target)
        release = place.release_of_link(text)
        if release is not None and (area / LEDGER).is_file() and release in _read_ledger(place).releases:
            return _State("ours", release)
        raise Refused(f"不能发布到 {target}：它是符号链接，但不是 youfu 建立的（指向 {text}），youfu 不会改动它；请换一个名字，"
                      f"或确认后自己删除这个链接（rm {target}，只删链接）再发布（refused: foreign symlink）")
    if not target.is_dir():
        raise Refused(f"不能发布到 {target}：它是一个文件，不是网站文件夹，youfu 不会替换它；请换一个名字，"
                      f"或先自己处理这个文件（refused: the target is a file）")
    if not force:
        raise Refused(f"不能发布到 {target}：它是已有的文件夹，不是 youfu 发布的；如确要改由 youfu 发布，请加 --force"
                      f"（原文件夹会整个移到 {area}/{ASIDE}/ 保存，不会删除）（refused: folder not made by youfu）")
    if os.path.ismount(target):
        raise Refused(f"不能发布到 {target}：它是挂载点，不能移开；请发布到它里面的一个新文件夹（refused: mount point）")
    return _State("folder")


def _previous(place: _Place, ledger: _Ledger, current: int | None) -> int | None:
    for release in reversed(ledger.history):
        folder = place.releases / str(release)
        if (release != current and ledger.releases.get(release) == "complete"
                and folder.is_dir() and not folder.is_symlink()):
            return release
    return None


# ---------------------------------------------------------------------------
# The area: made once, locked while working
# ---------------------------------------------------------------------------

def _own_folder(path: Path, mode: int) -> None:
    """Make `path` (a youfu folder) if missing; refuse if something foreign is there."""
    try:
        path.mkdir()
    except FileExistsError:
        if path.is_symlink() or not path.is_dir():
            raise Refused(f"不能使用 {path}：它不是 youfu 建立的文件夹；请把它改名后再发布（refused: foreign {path.name}）") from None
    os.chmod(path, mode)


@contextmanager
def _locked_area(place: _Place) -> Iterator[None]:
    area = place.area
    try:
        area.mkdir()
    except FileExistsError:
        pass  # _inspect has checked it (an empty folder is adopted: nothing in it to lose)
    os.chmod(area, 0o755)  # the web server must pass through it to reach the releases
    if not (area / LEDGER).exists():
        _write_ledger(place, _Ledger())
    _own_folder(place.releases, 0o755)
    try:
        fd = os.open(area / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as err:
        raise Refused(f"不能打开 {area / LOCK}（{err.strerror}）：请检查权限（refused: lock）") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Refused(f"另一个 youfu publish 正在发布到 {place.target}：请等它结束后再试"
                          f"（another publish is running）") from None
        yield
    finally:
        os.close(fd)


def _clean_leftovers(place: _Place) -> None:
    """Remove youfu's own temporary files a killed run may have left (ledger temp files)."""
    for entry in os.scandir(place.area):
        if LEDGER_TMP.match(entry.name) and entry.is_file(follow_symlinks=False):
            with _quiet():
                os.unlink(entry.path)


def _prune(place: _Place, ledger: _Ledger, keep: set[int | None]) -> None:
    """Delete youfu's releases other than `keep` (only those listed in the ledger)."""
    for release in sorted(ledger.releases):
        if release in keep:
            continue
        ledger.releases[release] = "pruning"
        _write_ledger(place, ledger)
        folder = place.releases / str(release)
        try:
            if folder.is_symlink():
                pass  # not a folder youfu made: leave it, forget the release
            elif folder.exists():
                shutil.rmtree(folder)
        except OSError:
            continue  # stays "pruning"; the next run tries again
        del ledger.releases[release]
        _write_ledger(place, ledger)


def _new_release(place: _Place, ledger: _Ledger) -> int:
    taken = set(ledger.releases)
    for entry in os.scandir(place.releases):
        if entry.name.isdigit():
            taken.add(int(entry.name))
    release = max(taken, default=0) + 1
    while True:
        ledger.releases[release] = "building"
        _write_ledger(place, ledger)  # listed before it exists: a kill leaves nothing unlisted
        try:
            (place.releases / str(release)).mkdir()
            return release
        except FileExistsError:  # someone else's folder appeared: never touch it
            del ledger.releases[release]
            release += 1


# ---------------------------------------------------------------------------
# Signals: stop the build, clean up, one line
# ---------------------------------------------------------------------------

class _Signals:
    """While `armed`, SIGINT/SIGTERM/SIGHUP raise Interrupted; otherwise they are noted and
    the atomic switch finishes (it takes milliseconds)."""

    NAMES = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self):
        self.armed = False
        self.pending: int | None = None
        self._old: dict[int, object] = {}

    def _handle(self, signum, frame):
        if self.armed:
            self.armed = False  # a second Ctrl-C must not interrupt the clean-up
            raise Interrupted(signum)
        self.pending = self.pending or signum

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for signum in self.NAMES:
                self._old[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc):
        for signum, handler in self._old.items():
            signal.signal(signum, handler)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the build child is killed if publish itself is killed (even by kill -9)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _stop_group(proc: subprocess.Popen) -> None:
    """Stop the child's whole process group: SIGTERM, up to 5 s, then SIGKILL."""
    with _quiet():
        os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:  # WNOWAIT: the leader stays a zombie, so its group id cannot be reused yet
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                break
        except ChildProcessError:
            break
        time.sleep(0.02)
    with _quiet():
        os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group
    proc.wait()


def _build(root: Path, staging: Path, site_url: str | None) -> None:
    """Build the site of `root` into the empty folder `staging`; raise BuildFailed."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if site_url:
        env["YOUFU_SITE_URL"] = site_url
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            # the same build as `youfu build`: generate, the engine, index and link check
            [sys.executable, "-m", "youfu", "build", "--root", str(root), "--site-dir", str(staging), "--in-place"],
            cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole, not hit by the terminal
            preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        try:
            code = proc.wait()
        except BaseException:
            _stop_group(proc)
            raise
        if code != 0:
            log.seek(0)
            raise BuildFailed(log.read().decode("utf-8", "replace").strip() or f"youfu build exited with {code}")


# ---------------------------------------------------------------------------
# The switch
# ---------------------------------------------------------------------------

RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2
AT_FDCWD = -100


def _renameat2(source: Path, dest: Path, flags: int) -> None:
    """renameat2(2) through ctypes; OSError(ENOSYS/EINVAL) when the system or file system refuses."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        raise OSError(errno.ENOSYS, "renameat2 is not available") from None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if function(AT_FDCWD, os.fsencode(source), AT_FDCWD, os.fsencode(dest), flags) != 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number), str(dest))


UNSUPPORTED = (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP)


def _exchange(source: Path, dest: Path) -> None:
    _renameat2(source, dest, RENAME_EXCHANGE)


def _switch(place: _Place, release: int, state: _State) -> Path | None:
    """Point the target at `release` in one rename. Returns where a foreign folder went."""
    target = place.target
    if state.kind == "folder":
        aside_dir = place.area / ASIDE
        _own_folder(aside_dir, 0o700)  # not served even if the area is under the web root
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = aside_dir / f"{target.name}-{stamp}"
        number = 1
        while os.path.lexists(aside):
            number += 1
            aside = aside_dir / f"{target.name}-{stamp}-{number}"
        os.symlink(place.link_text(release), aside)
        try:
            _exchange(aside, target)  # the link is now the target, the folder sits in aside/
        except OSError as err:
            os.unlink(aside)
            if err.errno not in UNSUPPORTED:
                raise
            # This file system cannot exchange: move the folder, then place the link (a short gap).
            link = place.area / SWITCH_TMP
            _fresh_link(link, place.link_text(release))
            os.rename(target, aside)
            os.replace(link, target)
        return aside
    link = place.area / SWITCH_TMP
    _fresh_link(link, place.link_text(release))
    if state.kind == "missing":
        try:  # never replace something that appeared meanwhile
            _renameat2(link, target, RENAME_NOREPLACE)
            return None
        except OSError as err:
            if err.errno == errno.EEXIST:
                os.unlink(link)
                raise Refused(f"没有发布：{target} 刚刚被别的程序建立，youfu 没有改动它；请检查后再发布"
                              f"（refused: target appeared during publish）") from None
            if err.errno not in UNSUPPORTED:
                raise
    os.replace(link, target)  # rename(2) over the old link: atomic
    return None


def _fresh_link(link: Path, text: str) -> None:
    if os.path.lexists(link):
        if not link.is_symlink():
            raise Refused(f"不能使用 {link}：它不是 youfu 建立的；请把它改名后再发布（refused: foreign {link.name}）")
        os.unlink(link)  # youfu's own temporary link from a killed run
    os.symlink(text, link)


def _fix_modes(folder: Path) -> None:
    """Folders 0755, files 0644: readable by the web server whatever the umask."""
    os.chmod(folder, 0o755)
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

def _publish(target: Path, protect: list[Path], force: bool, make: Callable[[Path], None]) -> Published:
    place = _place(target, protect)
    _inspect(place, force)  # refuse before touching anything
    with _Signals() as signals:
        signals.armed = True
        release = None
        with _locked_area(place):
            state = _inspect(place, force)
            ledger = _read_ledger(place)
            _clean_leftovers(place)
            _prune(place, ledger, {state.current, _previous(place, ledger, state.current)})
            try:
                release = _new_release(place, ledger)
                folder = place.releases / str(release)
                make(folder)
                _fix_modes(folder)
                os.sync()  # the files are on disk before any link points at them
                signals.armed = False
            except BaseException:
                signals.armed = False
                if release is not None:
                    with _quiet():
                        shutil.rmtree(place.releases / str(release))
                    ledger.releases.pop(release, None)
                    with _quiet():
                        _write_ledger(place, ledger)
                raise
            ledger.releases[release] = "complete"
            _write_ledger(place, ledger)
            moved = _switch(place, release, state)
            ledger.history.append(release)
            _write_ledger(place, ledger)
            previous = _previous(place, ledger, release)
            _prune(place, ledger, {release, previous})
            return Published(place.target, release, previous, moved)


def publish(root: Path, target: Path, *, site_url: str | None = None, force: bool = False) -> Published:
    """Build the site of `root` and switch `target` to it atomically."""
    root = Path(root).resolve()
    return _publish(target, [root], force, lambda staging: _build(root, staging, site_url))


def publish_folder(folder: Path, target: Path, *, root: Path | None = None, force: bool = False) -> Published:
    """Publish an already built site folder (copied, then switched in like a build)."""
    folder = Path(folder).resolve()
    if not (folder / "index.html").is_file():
        raise PublishError(f"不能发布 {folder}：里面没有 index.html，不像是生成好的网站（no index.html）")
    protect = [folder] + ([Path(root)] if root else [])
    return _publish(target, protect, force,
                    lambda staging: shutil.copytree(folder, staging, dirs_exist_ok=True))


def rollback(root: Path | None, target: Path) -> Published:
    """Switch `target` back to the previous release (one rename, no build)."""
    place = _place(target, [Path(root)] if root else [])
    state = _inspect(place, force=False)
    if state.kind != "ours":
        raise Refused(f"无法退回：{place.target} 还没有由 youfu 发布过，没有可退回的版本（refused: nothing to roll back）")
    with _Signals(), _locked_area(place):
        state = _inspect(place, force=False)
        ledger = _read_ledger(place)
        previous = _previous(place, ledger, state.current)
        if state.kind != "ours" or previous is None:
            raise Refused(f"无法退回：{place.target} 没有可以退回的上一版（youfu 只保留当前版和上一版）"
                          f"（refused: no previous release）")
        _switch(place, previous, state)
        ledger.history.append(previous)
        _write_ledger(place, ledger)
        return Published(place.target, previous, state.current)

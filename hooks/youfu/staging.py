"""`mkdocs build` writes into a staging folder; the site folder is replaced only on success.

MkDocs empties `site_dir` right after `on_config` and writes page by page; a build
that then fails (a template error, an exception, a warning that strict mode counts
at the very end) would leave the site folder empty or half-written. With
`StagedBuild`, the hook points `config.site_dir` at a fresh sibling folder
(`.site.staging-<pid>` next to `site/`) and, as the last step of a build that logged
no warning or error, swaps it in with two renames. On any failure the staging folder
is removed and `site/` is exactly as it was.

Plain Python (the `logging` module only): the hook calls `start` from `on_startup`,
`stage` from `on_config`, `finish` last in `on_post_build`, and `discard` from
`on_build_error` and `on_shutdown`. Only `mkdocs build` (clean) is staged: `mkdocs
serve` builds into its own temporary folder, a `--dirty` build updates the existing
folder in place by design, and `gh-deploy` reads `site_dir` after the build.
"""
from __future__ import annotations

import logging
import os
import shutil
import stat
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.youfu")

STAGING = ".{name}.staging-{pid}"
OLD = ".{name}.old-{pid}"
SHARDS = ".{name}.shards-{pid}"  # the other shards' folders of a sharded build (pipeline.build_shards)


class WarningCount(logging.Handler):
    """Counts what is logged at WARNING or above (strict mode turns each into an error)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class StagingError(Exception):
    pass


class StagedBuild:
    def __init__(self, logger: str = "mkdocs") -> None:
        self.logger = logging.getLogger(logger)
        self.counter: WarningCount | None = None
        self.target: Path | None = None
        self.staging: Path | None = None

    @property
    def active(self) -> bool:
        return self.counter is not None

    def start(self) -> None:
        """From on_startup of a clean `mkdocs build`: count warnings from now on."""
        if self.counter is None:
            self.counter = WarningCount()
            self.logger.addHandler(self.counter)

    def stage(self, site_dir: str) -> str:
        """The folder to build into instead of `site_dir` (created empty)."""
        self.target, self.staging = staging_folder(Path(site_dir))
        return str(self.staging)

    def finish(self, strict: bool) -> None:
        """From the end of on_post_build: move the new site into place, unless strict
        mode will fail the build for a warning (then raise, leaving the site as it was)."""
        if self.staging is None or self.target is None:
            return
        count = self.counter.count if self.counter else 0
        if strict and count:
            self.discard()
            raise StagingError(f"生成时出现 {count} 条警告或错误（见上方），strict 模式下视为失败：网站未更新，"
                               f"{self.target.name}/ 保持原样（aborted with {count} warning(s) in strict mode）")
        staging, target = self.staging, self.target
        self.staging = None
        swap(staging, target)
        log.info(f"网站已放到 {target}（the staging folder {staging.name} was moved into place）")

    def discard(self) -> None:
        """From on_build_error and on_shutdown: remove the staging folder, stop counting."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        if self.counter is not None:
            self.logger.removeHandler(self.counter)
            self.counter = None


def staging_folder(site_dir: Path) -> tuple[Path, Path]:
    """(the folder to replace, an empty staging folder beside it), after removing what killed
    builds left behind. A symlinked site folder: the folder it points at is replaced."""
    target = Path(os.path.abspath(site_dir))
    if target.is_symlink():
        target = Path(os.path.realpath(target))  # replace the folder it points at, keep the link
    staging = target.parent / STAGING.format(name=target.name, pid=os.getpid())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
    except OSError as err:
        raise StagingError(f"无法在 {target.parent} 里建立临时文件夹 {staging.name}（{err.strerror}），"
                           f"网站未生成，{target.name}/ 保持原样；请检查该文件夹的写入权限") from None
    return target, staging


def swap(staging: Path, target: Path) -> None:
    """Put `staging` where `target` is: two renames on the same disk, so that the old
    site is whole until the new one is whole. A target that cannot be renamed (a mount
    point, say) is emptied and filled instead."""
    old = target.parent / OLD.format(name=target.name, pid=os.getpid())
    shutil.rmtree(old, ignore_errors=True)
    try:
        if target.is_dir():
            os.chmod(staging, stat.S_IMODE(target.stat().st_mode))  # the folder keeps its permissions
            os.rename(target, old)
        elif os.path.lexists(target):
            raise StagingError(f"{target} 不是文件夹，无法替换；请删除它再生成")
        try:
            os.rename(staging, target)
        except OSError:
            if old.exists() and not target.exists():
                os.rename(old, target)  # put the old site back, then fill it in place
            raise
    except OSError:
        for child in target.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in staging.iterdir():
            os.rename(child, target / child.name)
        staging.rmdir()
    finally:
        shutil.rmtree(old, ignore_errors=True)


def remove_stale(target: Path) -> None:
    """Staging and old folders left by a build that was killed (its process is gone)."""
    for prefix in (STAGING, OLD, SHARDS):
        start = prefix.format(name=target.name, pid="")
        for folder in target.parent.glob(start + "*"):
            pid = folder.name[len(start):]
            if pid.isdigit() and not _alive(int(pid)) and folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

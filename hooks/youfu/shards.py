"""Sharded builds: K engine processes over the same generated tree, one site in the end.

`youfu build --jobs K` (and, on a CI matrix, `youfu build --shard i/K` then `youfu merge`)
splits the pages into K stable shards by a hash of each page's source path. Every engine
process reads the whole generated tree, so navigation, titles and links are the same as in
one process; the hook (hooks/youfu_site.py, public events only) gives each page outside the
process's shard an empty body and an empty template (`page.meta["template"]`, a documented
front-matter key), so the engine neither renders its Markdown nor its theme, and writes
nothing for it (MkDocs skips a page whose output is empty). Each shard folder then holds
its own pages plus the shared files (theme assets, data files, 404 page), which every
shard writes identically; `merge` takes each shard's own pages and the shared files once.
The search index and the link check then run once over the merged folder.

Plain Python; no engine imported.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

SHARD_ENV = "YOUFU_SHARD"  # "i/K" while an engine process builds shard i of K (0-based)
SKIP_TEMPLATE = "youfu-shard-skip.html"  # overrides/: renders nothing
MARKER = ".youfu-shard"  # in a folder written by `youfu build --shard i/K`: "i/K"
MIN_PAGES_PER_SHARD = 250  # below this a second engine process costs more than it saves


class ShardError(Exception):
    pass


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, src_uri: str) -> bool:
        """Whether the page whose source is `src_uri` (posix, relative to the tree) is built here."""
        return shard_of(src_uri, self.count) == self.index


def shard_of(src_uri: str, count: int) -> int:
    """The shard of a page: stable across runs, machines and Python versions (not hash())."""
    if count <= 1:
        return 0
    digest = hashlib.blake2b(src_uri.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def parse(spec: str) -> Shard:
    """"i/K" (0 ≤ i < K) → Shard; a clear message otherwise."""
    index, slash, count = (spec or "").partition("/")
    if not slash or not index.strip().isdigit() or not count.strip().isdigit():
        raise ShardError(f"分片要写成 序号/总数，序号从 0 开始，例如 0/4（现在写的是 {spec!r}）")
    shard = Shard(int(index), int(count))
    if shard.count < 1 or not 0 <= shard.index < shard.count:
        raise ShardError(f"分片序号必须在 0 到 总数-1 之间，例如 0/4 … 3/4（现在写的是 {spec!r}）")
    return shard


def from_environment() -> Shard | None:
    spec = os.environ.get(SHARD_ENV)
    if not spec:
        return None
    return parse(spec)


def jobs_for(requested: int | None, page_count: int) -> int:
    """How many engine processes: `requested` (None: every core), but not more than one per
    MIN_PAGES_PER_SHARD pages (a small site builds faster in one process)."""
    jobs = requested if requested is not None else (os.cpu_count() or 1)
    if requested is None:
        jobs = min(jobs, max(1, page_count // MIN_PAGES_PER_SHARD))
    return max(1, jobs)


def shard_count(jobs: int, page_count: int, max_pages: int | None = None) -> int:
    """How many shards: one per job, more when a shard would hold over `max_pages` pages
    (each engine process keeps every page it built until its end: its memory grows with them)."""
    count = max(1, jobs)
    if max_pages and max_pages > 0:
        count = max(count, -(-page_count // max_pages))
    return count


def merge(folders: list[Path], target: Path, *, copy: bool = False) -> int:
    """Move (`copy`: copy) every file of the shard folders into `target` (created if needed), the first
    folder's copy winning where several have the same file (shared files are identical in
    every shard; a page exists in one shard only). The folders are emptied; returns the
    number of files moved."""
    target.mkdir(parents=True, exist_ok=True)
    moved = 0
    for folder in folders:
        if folder.resolve() == target.resolve():
            continue
        for directory, subdirs, names in os.walk(folder):
            subdirs.sort()
            relative = Path(directory).relative_to(folder)
            out = target / relative
            out.mkdir(exist_ok=True)
            for name in sorted(names):
                destination = out / name
                if destination.exists() or (not relative.parts and name == MARKER):
                    continue
                if copy:
                    shutil.copy2(Path(directory) / name, destination)
                    moved += 1
                    continue
                try:
                    os.rename(Path(directory) / name, destination)
                except OSError:  # another disk
                    shutil.move(str(Path(directory) / name), destination)
                moved += 1
    return moved


def check_complete(folders: list[Path]) -> list[Path]:
    """The folders of `youfu build --shard`, in shard order, once each shard 0..K-1 is there."""
    found: dict[int, Path] = {}
    count = None
    for folder in folders:
        marker = folder / MARKER
        if not marker.is_file():
            raise ShardError(f"{folder} 不是 youfu build --shard 生成的分片文件夹（里面没有 {MARKER}）")
        shard = parse(marker.read_text(encoding="utf-8").strip())
        if count is not None and shard.count != count:
            raise ShardError(f"{folder} 是 {shard.count} 个分片中的一个，其他文件夹是 {count} 个分片中的：请用同一次生成的分片")
        count = shard.count
        if shard.index in found:
            raise ShardError(f"分片 {shard} 出现了两次：{found[shard.index]} 和 {folder}")
        found[shard.index] = folder
    missing = [str(i) for i in range(count or 0) if i not in found]
    if missing:
        raise ShardError(f"缺少分片 {'、'.join(missing)}（共 {count} 个）：每个分片都生成后才能合并")
    return [found[i] for i in range(count or 0)]

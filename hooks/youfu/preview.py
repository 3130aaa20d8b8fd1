"""What one `mkdocs serve` process keeps between its rebuilds, so that a preview
shows an edit quickly.

MkDocs reloads mkdocs.yml and the hook file on every rebuild, but this package stays
imported, so the state lives here. Nothing here is used by `mkdocs build`.

* With `mkdocs serve --dirty`, MkDocs rebuilds only pages whose source file is newer
  than the page it built before. Our generated pages have no source file, so they would
  all be rebuilt every time. `GeneratedSources` writes their Markdown into a cache
  folder instead and touches a file only when what its page shows may have changed
  (`PageInputs`): the data files, the templates, the front matter and excerpts of the
  reports it lists. Editing the body of a report then rebuilds that one page; editing
  its title, that page and the lists that show it.
* A dirty rebuild sees only the rebuilt pages, so the search documents of the others
  are kept here and merged (`SearchDocs`).
* Files are watched with inotify where the system has it (`native_watcher`): MkDocs
  polls every watched file twice a second, which takes long with thousands of reports
  and adds up to half a second before a rebuild starts. YOUFU_POLLING=1 keeps MkDocs'
  polling (for folders shared from another system, where inotify sees no changes).
* Compiled templates are kept (`TEMPLATES`): MkDocs makes a new Jinja environment, and so
  compiles every template again, on each rebuild.
* Reports whose file did not change are not read and checked again (`REPORTS`).
* The search index is written after the rebuild, in a background thread (`Background`):
  the edited page shows at once, the index follows a moment later.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import jinja2

log = logging.getLogger("mkdocs.plugins.youfu")

DIRTY_WARNING = "A 'dirty' build is being performed"


@dataclass
class Mode:
    serving: bool = False
    dirty: bool = False


MODE = Mode()


def start(command: str, dirty: bool) -> None:
    """Called by the hook's on_startup (once per `mkdocs` process)."""
    MODE.serving, MODE.dirty = command == "serve", dirty
    if MODE.serving and MODE.dirty:
        # MkDocs warns on every dirty build, and strict mode turns that warning into a
        # failed build; --dirty is asked for explicitly, so the warning is only news.
        logging.getLogger("mkdocs.commands.build").addFilter(_dirty_warning_as_info)


def native_watcher(server):
    """Swap the live-reload server's polling observer for inotify, keeping its watches."""
    if os.environ.get("YOUFU_POLLING") or not hasattr(server, "_watched_paths"):
        return server
    try:
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # not Linux
        return server
    from watchdog import events

    class ChangesOnly(InotifyObserver):
        """inotify also reports files being opened and read, which every build does:
        only changes may start a rebuild."""

        def schedule(self, handler, path, *, recursive=False, **kwargs):
            kwargs["event_filter"] = [events.FileCreatedEvent, events.FileDeletedEvent, events.FileModifiedEvent,
                                      events.FileMovedEvent, events.FileClosedEvent]
            return super().schedule(handler, path, recursive=recursive, **kwargs)

    watched = dict(server._watched_paths)
    polling = server.observer

    def watch_all(action) -> None:
        for path, count in watched.items():
            for _ in range(count):
                action(path)

    watch_all(server.unwatch)
    server.observer = ChangesOnly()
    try:
        watch_all(server.watch)
    except OSError as error:  # e.g. the system's limit of inotify watches
        log.info(f"watching files by polling ({error})")
        for path in list(server._watched_paths):
            server._watched_paths.pop(path)
            server._watch_refs.pop(path, None)
        server.observer = polling
        watch_all(server.watch)
    return server


def keep_compiled_templates(theme) -> None:
    """Give every Jinja environment the theme makes from now on our bytecode cache."""
    make = theme.get_env
    if getattr(make, "youfu_cached", False):
        return

    def get_env():
        env = make()
        env.bytecode_cache = TEMPLATES
        list_templates = env.list_templates

        def listed(extensions=None, filter_func=None):
            # MkDocs lists every theme file (Material has thousands of icons) on every
            # rebuild; the list changes only when a file is added to or removed from
            # the theme folders, whose file names make the key. Filters as Jinja does.
            key = _folder_listing(theme.dirs)
            if key not in _LISTED:
                _LISTED.clear()
                _LISTED[key] = list_templates()
            names = _LISTED[key]
            if extensions is not None:
                names = [n for n in names if "." in n and n.rsplit(".", 1)[1] in extensions]
            if filter_func is not None:
                names = [n for n in names if filter_func(n)]
            return list(names)

        env.list_templates = listed
        return env

    get_env.youfu_cached = True
    theme.get_env = get_env


_LISTED: dict = {}


def _folder_listing(folders: list[str]) -> tuple:
    """Modification times of each theme folder and of its direct subfolders: adding or
    removing a file (e.g. in overrides/assets) changes its folder's time. Cheap: one
    stat per folder, not per file."""
    out = []
    for folder in folders:
        top = Path(folder)
        if not top.is_dir():
            continue
        out.append((folder, top.stat().st_mtime_ns))
        out.extend((str(p), p.stat().st_mtime_ns) for p in top.iterdir() if p.is_dir())
    return tuple(sorted(out))


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in memory; Jinja checks each against its source's checksum."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = MemoryBytecodeCache()


def stop() -> None:
    GENERATED.close()
    BACKGROUND.wait()


def _dirty_warning_as_info(record: logging.LogRecord) -> bool:
    if record.levelno == logging.WARNING and DIRTY_WARNING in record.getMessage():
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True


def signature(parts: Iterable[str]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def files_signature(root: Path, watched: Iterable[str] = ("data", "overrides")) -> str:
    """Changes whenever a data file or a template changes."""
    def parts():
        for folder in watched:
            for path in sorted((root / folder).rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    yield f"{path}:{stat.st_mtime_ns}:{stat.st_size}"
    return signature(parts())


class PageInputs:
    """What a generated page shows, as a signature: the data files and templates, the
    plain values in its view, and the front matter and excerpt of each report it
    lists. A report's title edit then rebuilds only the pages that list that report."""

    def __init__(self, root: Path, catalog) -> None:
        self.files = files_signature(root)
        self.reports = {id(r): f"{r.src_uri}:{r.meta!r}:{r.excerpt}" for r in catalog.reports}

    def of(self, context: dict) -> str:
        parts = [self.files]
        for key in sorted(context):
            self._collect(context[key], parts, depth=0, key=key)
        return signature(parts)

    def _collect(self, value, parts: list[str], depth: int, key: str = "") -> None:
        if id(value) in self.reports:
            parts.append(self.reports[id(value)])
        elif isinstance(value, (str, int, float, bool)) or value is None:
            parts.append(f"{key}={value!r}")
        elif depth < 3 and isinstance(value, (list, tuple)):
            parts.append(f"{key}[{len(value)}]")
            for item in value:
                self._collect(item, parts, depth + 1)
        elif depth < 3 and isinstance(value, dict):
            for inner in value:
                self._collect(value[inner], parts, depth + 1, key=str(inner))


class GeneratedSources:
    """Generated pages' Markdown as files in a cache folder, rewritten only when needed."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.written: dict[str, tuple[str, str]] = {}  # src_uri → (Markdown, inputs) last written

    def path_for(self, src_uri: str, markdown: str, inputs: str) -> str:
        """The page's source file; (re)written, which makes it newer than the built
        page, only when its Markdown or the signature of its inputs changed."""
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="youfu-preview-"))
        path = self.folder / src_uri
        if self.written.get(src_uri) != (markdown, inputs):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markdown, encoding="utf-8")
            self.written[src_uri] = (markdown, inputs)
        return str(path)

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
            self.written.clear()


GENERATED = GeneratedSources()


@dataclass
class SearchDocs:
    """Search documents by address, carried over the dirty rebuilds of one serve process."""
    by_url: dict = field(default_factory=dict)

    def merge(self, fresh: list, urls: set[str]) -> list:
        """The fresh documents, plus the kept ones of pages that still exist and were not rebuilt."""
        self.by_url = {url: doc for url, doc in self.by_url.items() if url in urls}
        self.by_url.update((doc.url, doc) for doc in fresh)
        return list(self.by_url.values())


SEARCH_DOCS = SearchDocs()

# Reports already read, by path: reused while their size and modification time stay the same.
REPORTS: dict = {}


class Background:
    """One worker thread running the latest job only (older pending jobs are dropped)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._job: tuple[Callable, tuple] | None = None
        self._busy = False
        self._thread: threading.Thread | None = None

    def run(self, job: Callable, *args) -> None:
        with self._lock:
            self._job = (job, args)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="youfu-search-index", daemon=True)
                self._thread.start()
            self._wake.notify()

    def wait(self, timeout: float = 60) -> None:
        with self._lock:
            self._wake.wait_for(lambda: self._job is None and not self._busy, timeout=timeout)

    def _work(self) -> None:
        while True:
            with self._lock:
                self._wake.wait_for(lambda: self._job is not None)
                (job, args), self._job, self._busy = self._job, None, True
            try:
                job(*args)
            except Exception as error:  # noqa: BLE001 - a preview must keep running
                log.info(f"search index not updated in the preview: {error!r}")
            finally:
                with self._lock:
                    self._busy = False
                    self._wake.notify_all()


BACKGROUND = Background()

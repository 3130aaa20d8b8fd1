"""The build around the engine: generate → the engine renders → index and check → swap in.

`youfu build` and `youfu serve` run these steps with whichever engine is installed (MkDocs,
ProperDocs, Zensical; `--engine` chooses). The engine only ever sees the generated tree
(`generate.py`), so nothing here depends on its internals: it is run as a command, told
where the tree is by the environment variable YOUFU_DOCS_DIR (mkdocs.yml reads `docs_dir`
from it), and its output folder is post-processed by plain Python. A failed step leaves
the site folder as it was: the engine builds into a staging folder next to it, and only
a build that passed every check replaces it. A large site is built by several engine
processes at once, each writing one shard of the pages (`build_shards`, shards.py), or by
several CI jobs (`build_one_shard`, then `merge_shards`); the merged site is the same, byte
for byte, as one process makes.
"""
from __future__ import annotations

import html
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import generate, indexer, linkcheck, preview, sanitize, search, security, shards, siteconfig, siteinfo, staging
from .catalog import load_catalog
from .compact import compact

DOCS_ENV = "YOUFU_DOCS_DIR"  # the generated tree the engine builds (read by mkdocs.yml)
BUILD_ENV = "YOUFU_BUILD"  # set while `youfu build` drives the engine: the MkDocs hook stays out of the way
GENERATED = ".youfu/docs"  # where the tree is generated, inside the repository (git ignores .youfu/)


@dataclass(frozen=True)
class Engine:
    name: str
    module: str | None  # importable Python module, None for a command-line program
    command: tuple[str, ...]

    def installed(self) -> bool:
        if self.module is not None:
            return importlib.util.find_spec(self.module) is not None
        return shutil.which(self.command[0]) is not None


ENGINES = {
    "mkdocs": Engine("mkdocs", "mkdocs", (sys.executable, "-m", "mkdocs")),
    "properdocs": Engine("properdocs", "properdocs", (sys.executable, "-m", "properdocs")),
    "zensical": Engine("zensical", None, ("zensical",)),
}


class BuildError(Exception):
    """A step failed; the message (Chinese first) says which and why."""


def engine(name: str | None = None) -> Engine:
    """The engine asked for (`--engine`, or YOUFU_ENGINE), else the first one installed."""
    name = name or os.environ.get("YOUFU_ENGINE")
    if name:
        if name not in ENGINES:
            raise BuildError(f"引擎只能是 {'、'.join(ENGINES)} 之一（现在写的是 {name}）")
        if not ENGINES[name].installed():
            raise BuildError(f"没有安装 {name}；请先安装（pip install {name}），或换一个引擎")
        return ENGINES[name]
    for candidate in ENGINES.values():
        if candidate.installed():
            return candidate
    raise BuildError("没有安装任何网站引擎；请安装 mkdocs 或 properdocs（pip install -e .）")


def generated_dir(root: Path) -> Path:
    return root / GENERATED


def environment(docs: Path, *, site_url: str | None = None, building: bool = False,
                root: Path | None = None) -> dict[str, str]:
    env = {**os.environ, DOCS_ENV: str(docs), "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    epoch = siteinfo.source_date_epoch(root) if root is not None else None
    if epoch is not None:  # the engine dates its sitemap.xml(.gz) by it: the same commit, the same bytes
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    if site_url:
        env["YOUFU_SITE_URL"] = site_url
    if building:
        env[BUILD_ENV] = "1"
    else:
        env.pop(BUILD_ENV, None)
    return env


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def build(root: Path, site_dir: Path, *, engine_name: str | None = None, site_url: str | None = None,
          check_links: bool = True, in_place: bool = False, jobs: int | None = 1,
          shard_pages: int | None = None) -> generate.Result:
    """Generate, build with the engine into a staging folder, index and check it, then swap it
    into `site_dir`. Raises GenerateError (data problems) or BuildError; `site_dir` is then
    untouched. `jobs`: engine processes at once (shards.py; None: every core, one per 250
    pages at most; Zensical always one); `shard_pages`: at most this many pages per engine
    process (more shards than `jobs`, built in turn: less memory per process). `in_place`: `site_dir` is an empty folder made for this build by a caller that
    does its own switching (youfu publish); the build goes straight into it."""
    chosen = engine(engine_name)
    if site_url:
        os.environ["YOUFU_SITE_URL"] = site_url  # mkdocs.yml reads site_url from it; so does siteconfig
    config = siteconfig.read(root)
    docs = generated_dir(root)
    if jobs != 1 and _large(root):
        result = generate_apart(root, docs, config)
    else:
        result = generate.generate(root, docs, config=config)
    timing("生成源文件")
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    if in_place and chosen.name != "zensical":
        if site_dir.exists() and any(site_dir.iterdir()):
            raise BuildError(f"{site_dir} 不是空文件夹：直接生成只能写进为这次生成新建的空文件夹")
        target, folder = site_dir, site_dir
    elif chosen.name == "zensical":  # it builds only inside the folder of its configuration file
        target, folder = site_dir, Path(tempfile.mkdtemp(prefix="build-", dir=docs.parent))
    else:
        try:
            target, folder = staging.staging_folder(site_dir)
        except staging.StagingError as error:
            raise BuildError(str(error)) from None
    mount = urlsplit(config.site_url or "/").path or "/"
    try:
        pages = sum(1 for _ in docs.rglob("*.md"))
        workers = 1 if chosen.name == "zensical" else shards.jobs_for(jobs, pages)
        count = 1 if chosen.name == "zensical" else shards.shard_count(workers, pages, shard_pages)
        if chosen.name == "zensical":
            config_file = zensical_config(root, folder)
            run_engine(chosen, root, ["build", "--config-file", str(config_file)],
                       environment(docs, site_url=site_url, building=True, root=root))
            postbuild(folder, check_links=check_links, mount=mount)
        elif count > 1:
            prepared = build_shards(chosen, root, docs, folder, count, site_url=site_url, name=target.name,
                                    workers=workers)
            postbuild(folder, check_links=check_links, mount=mount, finish_pages=False, prepared=prepared)
            timing("索引和链接检查")
        else:
            run_engine(chosen, root, ["build", "--site-dir", str(folder), "--strict", "--config-file",
                                      str(root / siteconfig.CONFIG_FILE)],
                       environment(docs, site_url=site_url, building=True, root=root))
            postbuild(folder, check_links=check_links, mount=mount)
        if folder != target:
            staging.swap(folder, target)
    finally:
        if folder != target:
            shutil.rmtree(folder, ignore_errors=True)
    return result


def zensical_config(root: Path, site: Path) -> Path:
    """mkdocs.yml for Zensical, written next to the generated tree: Zensical reads docs_dir
    literally (no !ENV) and builds only inside the folder of its configuration file, so the
    folders are given relative to `.youfu/`. Everything else is mkdocs.yml as it is."""
    docs = generated_dir(root)
    lines = []
    for line in (root / siteconfig.CONFIG_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("docs_dir:"):
            line = f"docs_dir: {docs.name}"
        elif line.startswith("site_dir:"):
            line = f"site_dir: {site.relative_to(docs.parent).as_posix()}"
        elif line.strip().startswith("custom_dir:"):
            line = line.split("custom_dir:")[0] + "custom_dir: " + os.path.relpath(root / "overrides", docs.parent)
        lines.append(line)
    path = docs.parent / "zensical.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_engine(chosen: Engine, root: Path, arguments: list[str], env: dict[str, str]) -> None:
    """Run the engine; on failure raise BuildError with what it printed at warning level or above."""
    # The engine stays in our process group (a signal to the group stops it with us) and, on
    # Linux, is killed if we are (even by kill -9): no engine outlives the build that started it.
    process = subprocess.Popen([*chosen.command, *arguments], cwd=root, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
                               preexec_fn=die_with_parent if sys.platform == "linux" else None)
    try:
        output, _ = process.communicate()
    except BaseException:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        raise
    if process.returncode != 0:
        lines = [line for line in output.splitlines() if not line.startswith(("INFO", "DEBUG"))]
        raise BuildError("网站引擎没有生成成功（" + chosen.name + "）：\n" + "\n".join(lines[-40:]))


def die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: this child is killed when the process that started it dies (PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _stop(process: subprocess.Popen) -> None:
    """Stop the engine and everything it started."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def postbuild(site: Path, *, check_links: bool = True, mount: str = "/", finish_pages: bool = True,
              prepared: tuple | None = None) -> int:
    """The steps after the engine, on a built folder: pages made smaller (`compact`), the
    search index and the link check (`mount`: the path the site is served under, from its
    public address). A preview skips the page rewriting (the server may be reading them).
    `prepared`: the search documents, aliases and lexicon already read from the finished pages
    (a sharded build reads them in each shard's process, `finish_shard`)."""
    if finish_pages:
        for path in sorted(site.rglob("*.html")):
            finish_file(path)
    checking = None
    if check_links and prepared is not None:
        # A sharded build checks the links in a process of its own while this one writes the
        # index: the index adds only search/idx/*.js, which no page links to.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=die_with_parent)
        checking = pool.submit(linkcheck.broken_links, site, mount)
        pool.shutdown(wait=False)
    if prepared is not None:
        index = search.write(site, *prepared)
        timing("写搜索索引")
    else:
        index = indexer.index(site)
    for sentence, share in index.repeated.items():  # template text not marked data-yf-noindex
        print(f"搜索索引未收录（{round(share * 100)}% 的同类页面都有这句，是模板文字）：{sentence}", file=sys.stderr)
    if check_links:
        broken, _ = checking.result() if checking is not None else linkcheck.broken_links(site, mount)
        if broken:
            shown = "\n".join(f"{b.page}: {b.link}：{_reason(b.reason)}" for b in broken[:50])
            raise BuildError(f"生成的网站里有 {len(broken)} 个失效的链接或锚点，未替换网站：\n{shown}")
    return index.count


TIMINGS_ENV = "YOUFU_TIMINGS"  # set: `youfu build` prints how long each step took (benchmarks)
_clock = [time.perf_counter()]


def timing(step: str) -> None:
    now = time.perf_counter()
    if os.environ.get(TIMINGS_ENV):
        print(f"用时 {now - _clock[0]:.2f} 秒：{step}", file=sys.stderr)
    _clock[0] = now


def finish_file(path: Path) -> str:
    """Finish one built page in place (`finish_page`); returns its finished text."""
    text = path.read_text(encoding="utf-8")
    finished = finish_page(text)
    if finished != text:
        path.write_text(finished, encoding="utf-8")
    return finished


# ---------------------------------------------------------------------------
# Sharded build (shards.py): K engine processes, one site
# ---------------------------------------------------------------------------


def build_shards(chosen: Engine, root: Path, docs: Path, folder: Path, count: int, *,
                 site_url: str | None = None, name: str = "site", workers: int | None = None) -> tuple:
    """Build the generated tree `docs` into `folder` with `count` engine processes at once,
    (`workers` at a time, default all), each writing one shard of the pages into its own
    folder (shard 0 into `folder`), then
    finishing its pages and reading their search documents in its own process; merge the
    folders into `folder`. Returns (documents, aliases, lexicon) for `search.write`, in the
    order a one-process build reads them."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    extra = folder.parent / staging.SHARDS.format(name=name, pid=os.getpid())  # `name`: the site folder's
    shutil.rmtree(extra, ignore_errors=True)
    folders = [folder] + [extra / str(i) for i in range(1, count)]
    env = environment(docs, site_url=site_url, building=True, root=root)
    config = str(root / siteconfig.CONFIG_FILE)
    context = multiprocessing.get_context("spawn")  # a fresh small process, not a copy of this one
    pool = ProcessPoolExecutor(max_workers=min(count, workers or count), mp_context=context,
                               initializer=die_with_parent)
    try:
        futures = [pool.submit(shard_job, chosen, root, shards.Shard(i, count), folders[i], config, env)
                   for i in range(count)]
        results = [future.result() for future in futures]
        timing(f"{count} 个分片（同时 {min(count, workers or count)} 个引擎进程）生成并整理页面")
    except BaseException:  # a failed shard, Ctrl-C, SIGTERM: stop the other shards now
        pool.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():
            child.terminate()  # its engine is killed with it (die_with_parent)
        raise
    finally:
        pool.shutdown(wait=True)
    try:
        shards.merge(folders[1:], folder)
    finally:
        shutil.rmtree(extra, ignore_errors=True)
    merged = merge_documents(results)
    timing("合并分片")
    return merged


def _large(root: Path) -> bool:
    """A site with more hand-written pages than a sharded build starts with (shards.py)."""
    count = 0
    for _ in (root / "content").rglob("*.md"):
        count += 1
        if count > 2 * shards.MIN_PAGES_PER_SHARD:
            return True
    return False


def generate_apart(root: Path, docs: Path, config: siteconfig.SiteConfig) -> generate.Result:
    """`generate.generate` in a fresh process of its own: the memory it needs (every file of the
    tree at once) is given back before the engine processes start."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=die_with_parent) as pool:
        done, value = pool.submit(_generate_job, root, docs, config).result()
    if not done:
        raise generate.GenerateError(*value)
    return value


def _generate_job(root: Path, docs: Path, config: siteconfig.SiteConfig) -> tuple:
    try:
        return True, generate.generate(root, docs, config=config)
    except generate.GenerateError as error:  # its problems travel back as they are
        return False, (str(error), error.problems)


def build_one_shard(root: Path, site_dir: Path, spec: str, *, engine_name: str | None = None,
                    site_url: str | None = None) -> generate.Result:
    """`youfu build --shard i/K` (one job of a CI matrix): generate, build shard i of K into
    `site_dir` and finish its pages; `youfu merge` (merge_shards) then makes the site."""
    try:
        shard = shards.parse(spec)
    except shards.ShardError as error:
        raise BuildError(str(error)) from None
    chosen = engine(engine_name)
    if chosen.name == "zensical":
        raise BuildError("Zensical 不能分片生成；请用 mkdocs 或 properdocs（--engine mkdocs）")
    if site_url:
        os.environ["YOUFU_SITE_URL"] = site_url
    config = siteconfig.read(root)
    docs = generated_dir(root)
    result = generate.generate(root, docs, config=config)
    try:
        target, folder = staging.staging_folder(site_dir.resolve())
    except staging.StagingError as error:
        raise BuildError(str(error)) from None
    try:
        env = {**environment(docs, site_url=site_url, building=True, root=root), shards.SHARD_ENV: str(shard)}
        run_engine(chosen, root, ["build", "--site-dir", str(folder), "--strict", "--config-file",
                                  str(root / siteconfig.CONFIG_FILE)], env)
        for path in sorted(folder.rglob("*.html")):
            finish_file(path)
        (folder / shards.MARKER).write_text(f"{shard}\n", encoding="utf-8")
        staging.swap(folder, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def merge_shards(root: Path, folders: list[Path], site_dir: Path, *, site_url: str | None = None,
                 check_links: bool = True) -> int:
    """`youfu merge`: the shard folders of `youfu build --shard` (left as they are) copied into
    a staging folder, indexed and checked once, then swapped into `site_dir`. Returns the
    number of pages indexed."""
    try:
        ordered = shards.check_complete(folders)
    except shards.ShardError as error:
        raise BuildError(str(error)) from None
    if site_url:
        os.environ["YOUFU_SITE_URL"] = site_url
    config = siteconfig.read(root)
    try:
        target, folder = staging.staging_folder(site_dir)
    except staging.StagingError as error:
        raise BuildError(str(error)) from None
    try:
        shards.merge(ordered, folder, copy=True)
        count = postbuild(folder, check_links=check_links, mount=urlsplit(config.site_url or "/").path or "/",
                          finish_pages=False)
        staging.swap(folder, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return count


def shard_job(chosen: Engine, root: Path, shard: shards.Shard, folder: Path, config: str,
              env: dict[str, str]) -> tuple:
    """One shard, in its own process: the engine, then the finishing of its pages."""
    folder.mkdir(parents=True, exist_ok=True)
    run_engine(chosen, root, ["build", "--site-dir", str(folder), "--strict", "--config-file", config],
               {**env, shards.SHARD_ENV: str(shard)})
    return finish_shard(folder)


def finish_shard(folder: Path) -> tuple:
    """Finish every page of a shard folder (`finish_file`) and read its search documents:
    ([(path, document or None, aliases or None, lexicon or None)], one per page)."""
    found = []
    for path in sorted(folder.rglob("*.html")):
        text = finish_file(path)
        url = path.relative_to(folder).as_posix()
        aliases, lexicon = indexer.page_extras(text)
        found.append((url, indexer.document(url, text), aliases, lexicon))
    return found


def merge_documents(results: list) -> tuple:
    """The shards' documents as `indexer.documents` reads them from the merged folder: each page
    once (the first shard's copy, as `shards.merge` keeps it), in path order."""
    pages: dict[str, tuple] = {}
    for found in results:
        for item in found:
            pages.setdefault(item[0], item)
    docs, aliases, lexicon = [], {}, None
    for url in sorted(pages, key=lambda u: Path(u).parts):
        _, doc, page_aliases, page_lexicon = pages[url]
        if page_aliases is not None:
            aliases = page_aliases
        if page_lexicon is not None:
            lexicon = page_lexicon
        if doc is not None:
            docs.append(doc)
    return docs, aliases, lexicon or indexer.vocab.Lexicon()


_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')


def finish_page(text: str) -> str:
    """A built page as it is published, whatever engine made it: contributors' Markdown
    cleaned (sanitize.sanitize_regions), the published Content-Security-Policy first in
    <head> (security.CSP), and the whitespace the theme leaves between tags collapsed."""
    text = sanitize.sanitize_regions(text)
    policy = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(security.CSP)}">'
    if _POLICY.search(text):
        text = _POLICY.sub(lambda _: policy, text, count=1)
    elif "<head>" in text:
        text = text.replace("<head>", "<head>\n" + policy, 1)
    return compact(text)


def _reason(reason: str) -> str:
    if reason == "target does not exist":
        return "目标不存在"
    if reason == "points outside the site":
        return "指向网站以外"
    return reason


# ---------------------------------------------------------------------------
# Serve
# ---------------------------------------------------------------------------

WATCHED = ("data", "content", "overrides", "mkdocs.yml")


def serve(root: Path, *, engine_name: str | None = None, dev_addr: str = "127.0.0.1:8000",
          dirty: bool = True, on_generate=None) -> int:
    """Generate, start the engine's own preview server on the tree, and regenerate whenever data,
    content or templates change (the engine sees the changed files and rebuilds those pages)."""
    chosen = engine(engine_name)
    docs = generated_dir(root)
    regenerate = _Regenerator(root, docs, on_generate)
    regenerate()
    if chosen.name == "zensical":
        arguments = ["serve", "--dev-addr", dev_addr, "--config-file",
                     str(zensical_config(root, docs.parent / "preview-site"))]
    else:
        arguments = ["serve", "--dev-addr", dev_addr, "--config-file", str(root / siteconfig.CONFIG_FILE),
                     "--no-strict"] + (["--dirty"] if dirty else [])
    process = subprocess.Popen([*chosen.command, *arguments], cwd=root, env=environment(docs),
                               start_new_session=True)
    watcher = _watch(root, regenerate)
    try:
        return process.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        watcher.stop()
        _stop(process)


class _Regenerator:
    """Regenerates the tree; several file events close together make one run."""

    def __init__(self, root: Path, docs: Path, report=None):
        self.root, self.docs, self.report = root, docs, report or _print_result
        self.lock = threading.Lock()
        self.memo: dict = {}  # reports whose file did not change are not read again
        self.pages = generate.Memo()  # pages whose inputs did not change are not rendered again

    def __call__(self) -> None:
        with self.lock:
            started = time.perf_counter()
            try:
                catalog, problems = load_catalog(self.root, report_memo=self.memo)
                if problems:
                    raise generate.GenerateError(f"{len(problems)} 个数据问题", problems)
                result = generate.generate(self.root, self.docs, catalog=catalog, memo=self.pages, preview=True)
            except generate.GenerateError as error:
                # The browser shows the problems instead of the old pages (preview.py).
                try:
                    preview.write_error_pages(self.root, self.docs, error.problems, str(error))
                except (generate.GenerateError, OSError):
                    pass  # not a folder youfu made, or not writable: the terminal still tells the problems
                self.report(None, error, time.perf_counter() - started)
                return
            self.report(result, None, time.perf_counter() - started)


def _print_result(result, error, seconds: float) -> None:
    if error is not None:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"数据有误，预览没有更新（浏览器里显示这些问题，改好后自动恢复）：{error}", file=sys.stderr)
    elif result.written or result.removed:
        print(f"{generate.describe(result)}，用时 {seconds:.2f} 秒", file=sys.stderr)


def _watch(root: Path, regenerate: _Regenerator):
    """Watch data, content and templates; regenerate shortly after the last change."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    timer: list[threading.Timer] = []

    class Changed(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type in ("opened", "closed_no_write") or "/.youfu/" in str(event.src_path):
                return
            for t in timer:
                t.cancel()
            timer[:] = [threading.Timer(0.05, regenerate)]
            timer[0].start()

    observer = Observer()
    for name in WATCHED:
        path = root / name
        if path.exists():
            observer.schedule(Changed(), str(path if path.is_dir() else path.parent), recursive=path.is_dir())
    observer.start()
    return observer

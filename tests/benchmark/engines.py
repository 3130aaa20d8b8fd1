"""Two more search engines on the search benchmark's corpus: Pagefind and a prebuilt lunr index.

    .venv/bin/python tests/benchmark/engines.py --sizes 1000 --json engines.json \\
        [--project-json run.json] [--workdir DIR] [--repeat 3]

A companion to run.py (which compares the project's own engine with Material's built-in
search): same corpus (corpus.generate with the same --seed, so the same reports and the
same probes), same pass/first rules, same headless Chromium. For every size N:

1. Generate the corpus and build the site once with the project's normal build
   (`mkdocs build --strict`, run.py's Builder for the "project" engine: wall time and
   peak memory by /usr/bin/time -v). That build also writes the project's own index
   (search/); the other engines simply ignore it.

2. Pagefind (PyPI `pagefind[extended]`, the build that segments Chinese), installed
   in its own venv (--venv, default /tmp/pagefind-venv; created with `python3 -m venv`
   and pip on first use, together with lunr, jieba and opencc-python-reimplemented for
   step 3). Per repeat:
   * `python -m pagefind --site SITE`: wall time and peak memory (/usr/bin/time -v, which
     counts the pagefind binary the Python wrapper runs; without it
     getrusage(RUSAGE_CHILDREN), an upper bound). Pagefind reads `<html lang="zh">` itself
     and says so ("Discovered 1 language: zh"); nothing else is configured, so it indexes
     every page's <body> as a drop-in would.
   * index bytes: the whole SITE/pagefind/ folder, its file count, gzip -6 of it (Pagefind's
     index, fragment and meta files are gzip already, so this barely shrinks) and the part
     that is only UI bundles (pagefind-*ui*, pagefind-highlight.js; a search needs none).
   * in headless Chromium (tests/helpers.py CHROMIUM_ARGS and serve(), a fresh browser per
     repeat, a new browser context per query so every query is cold) a test page written
     into the site after indexing (pagefind-bench.html, so it is not indexed) runs, for
     every probe: `import('./pagefind/pagefind.js')`, `pagefind.search(query)`, then
     `data()` of the first 10 results. "ms" is measured in the page from before the import
     to the 10th result's data, so it includes loading Pagefind's script, wasm, entry and
     meta files, the index chunks and the fragments (import_ms and search_ms split it).
     "query KB" is every request of the context (test page included, ~1 KB) by Playwright's
     request.sizes() as in run.py, until the network is idle; "search KB" only /pagefind/.
   Results: the 10 results' data().url, normalised as run.py does.

3. A prebuilt lunr index (PyPI `lunr`, the Python port of lunr.js, whose serialised index
   lunr.js loads). A worker (this file, --lunr-worker, run by the venv's Python under
   /usr/bin/time -v) reads every built page with a Material article (all but 404.html),
   takes the article's sections (hooks/youfu/search.py sections_of), and indexes one
   document per page, fields title (h1, boost 10) and text, in variants:
     default     the text as it is, lunr's default pipeline (lunr splits on whitespace
                 and hyphens only, so a Chinese paragraph is one token);
     jieba       the text pre-segmented by jieba.cut_for_search (words and the shorter
                 words inside them), joined by spaces, default pipeline;
     jieba+fold  as jieba, after folding (youfu.search.fold: Traditional → Simplified,
                 full-width → ASCII, lower case), the project's own normalisation.
   A query is prepared the same way as the text (default: as typed; default* also tries
   every term as *term*, lunr's leading+trailing wildcard, in the first repeat only: it is
   slow in Python), and lunr's own query syntax
   applies (terms are OR-ed and ranked by BM25). Build time is split into reading pages,
   segmenting, indexing and serialising (JSON, UTF-8); peak memory is the worker's whole
   process (including jieba's dictionary). Queries run in Python (Index.load of the
   serialised JSON, then Index.search): no browser timing. In a browser the index is one
   file that must be fetched before the first query, so a cold query costs the index bytes
   (plus lunr.js; plus, for the jieba variants, a Chinese segmenter for the query, e.g.
   jieba's dictionary: its size is recorded as query_segmenter_bytes). Whether lunr's
   `languages="zh"` does anything is recorded too (`languages` in the JSON).
   lunr runs only at sizes up to --lunr-max (default 1000).

Judging (as run.py): results are the first 10 pages; a probe passes when every expected
page is among them, "first" when the expected pages are the top results. Diagnostics
(not scored in passed/first): 通道 (a sub-word inside the everyday 绿色通道), 綠色通道
(its Traditional form), the traditional probe typed in Simplified, 2097 without 年, and
太阳能 (the whole word around the sub-word probe) — with the expected pages of the probe
they belong to, where there is one.

With --project-json (a run.py --json file), run.py's medians for the same N are printed
next to these engines. Medians over repeats are printed; every measurement goes to
--json. A step that takes longer than --step-timeout (default 1200 s) is given up at that
size (said in the output); if the first Pagefind indexing at a size takes longer than
--once-over seconds, it is indexed and queried once there.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TIME = "/usr/bin/time"
VENV_PACKAGES = ["pagefind[extended]", "lunr", "jieba", "opencc-python-reimplemented"]
TEST_PAGE = "pagefind-bench.html"
LUNR_VARIANTS = ("default", "jieba", "jieba+fold")
UI_FILES = re.compile(r"^pagefind-(.*ui.*|highlight)\.(js|css)$")

# ---------------------------------------------------------------------------
# Running a step: wall time and peak memory
# ---------------------------------------------------------------------------


def timed(command: list[str], cwd: Path, timefile: Path, timeout: float, env: dict | None = None) -> dict:
    """Run `command`; wall seconds, peak RSS in MB (/usr/bin/time -v if present), output."""
    use_time = Path(TIME).exists()
    if use_time:
        command = [TIME, "-v", "-o", str(timefile)] + command
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
        ok, stdout, stderr = done.returncode == 0, done.stdout, done.stderr
        error = None if ok else f"exit {done.returncode}: {(stderr or stdout)[-2000:]}"
    except subprocess.TimeoutExpired as exc:
        ok, stdout, stderr = False, exc.stdout or "", exc.stderr or ""
        stdout = stdout.decode() if isinstance(stdout, bytes) else stdout
        stderr = stderr.decode() if isinstance(stderr, bytes) else stderr
        error = f"timed out after {timeout:.0f} s"
    wall = time.perf_counter() - started
    peak = None
    if use_time and timefile.exists():
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timefile.read_text())
        peak = int(match.group(1)) / 1024 if match else None
    if peak is None:  # an upper bound: the largest child this process has waited for
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"ok": ok, "s": wall, "peak_mb": peak, "peak_source": "time -v" if use_time else "getrusage",
            "stdout": stdout, "stderr": stderr, "error": error}


def ensure_venv(venv: Path) -> dict:
    """The venv with Pagefind (extended), lunr, jieba and opencc; created on first use."""
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import pagefind_bin_extended, lunr, jieba, opencc"]
    if not (python.exists() and subprocess.run(check, capture_output=True).returncode == 0):
        print(f"creating {venv} and installing {' '.join(VENV_PACKAGES)} …", flush=True)
        if not python.exists():
            subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", *VENV_PACKAGES],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"pip install into {venv} failed (is the package registry reachable?):\n"
                             f"{done.stderr[-2000:]}")
    versions = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
         "('pagefind', 'pagefind_bin_extended', 'lunr', 'jieba', 'opencc-python-reimplemented')}))"],
        capture_output=True, text=True, check=True)
    return json.loads(versions.stdout)


# ---------------------------------------------------------------------------
# Judging results (run.py's rules)
# ---------------------------------------------------------------------------


def judge(results: list[str], expect: list[str]) -> dict:
    """run.py's pass/first rules on the first 10 normalised results."""
    return {"found": all(e in results for e in expect) if expect else None,
            "first": (set(results[:len(expect)]) == set(expect)) if expect else None,
            "ranks": [results.index(e) + 1 if e in results else None for e in expect]}


def page_paths(urls: list[str]) -> list[str]:
    """Result addresses (site-absolute or site-relative) → run.py's "reports/<bureau>/<file>/"."""
    from run import normalise

    base = "http://site.invalid/"
    out: list[str] = []
    for url in urls:
        path = normalise(url, base, base)
        if path is not None and path not in out:
            out.append(path)
    return out


def diagnostics(probes: list[dict]) -> list[dict]:
    import corpus

    expect = {p["kind"]: p["expect"] for p in probes}
    return [
        {"query": "通道", "kind": "subword-common", "expect": [],
         "note": "sub-word inside 绿色通道 (everyday vocabulary here: on most pages)"},
        {"query": "綠色通道", "kind": "trad-common", "expect": [], "note": "Traditional form of 绿色通道"},
        {"query": corpus.TRAD_PAGE, "kind": "trad-as-simplified", "expect": expect["traditional"],
         "note": "the traditional probe typed in Simplified"},
        {"query": "2097", "kind": "digits-bare", "expect": expect["digits"], "note": "the digits probe without 年"},
        {"query": corpus.SUBWORD_WORD, "kind": "subword-whole", "expect": expect["subword"],
         "note": "the whole word around the sub-word probe"},
    ]


# ---------------------------------------------------------------------------
# Pagefind
# ---------------------------------------------------------------------------

BENCH_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>Pagefind benchmark</title><link rel="icon" href="data:,">
</head><body>
<script>
window.__result = null;
window.__run = async (query) => {
  const t0 = performance.now();
  const pagefind = await import('./pagefind/pagefind.js');
  const t1 = performance.now();
  const search = await pagefind.search(query);
  const t2 = performance.now();
  const top = search.results.slice(0, 10);
  const data = await Promise.all(top.map(r => r.data()));
  const t3 = performance.now();
  return {import_ms: t1 - t0, search_ms: t2 - t0, ms: t3 - t0, total: search.results.length,
          unfiltered: search.unfilteredResultCount, urls: data.map(d => d.url),
          scores: top.map(r => r.score), excerpt: data.length ? data[0].excerpt : null};
};
</script></body></html>
"""


def pagefind_index(site: Path, venv: Path, timeout: float) -> dict:
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    (site / TEST_PAGE).unlink(missing_ok=True)
    run = timed([str(venv / "bin" / "python"), "-m", "pagefind", "--site", str(site)], site.parent,
                site.parent / ".time-pagefind.txt", timeout)
    out = {k: run[k] for k in ("ok", "s", "peak_mb", "peak_source", "error")}
    log = run["stdout"] + run["stderr"]
    out["log"] = log[-4000:]
    for key, pattern in (("version", r"Running Pagefind v(\S+)"), ("pages", r"Indexed (\d+) pages"),
                         ("words", r"Indexed (\d+) words"), ("languages", r"Discovered \d+ languages?: (.+)"),
                         ("reported_s", r"Finished in ([\d.]+) seconds")):
        match = re.search(pattern, log)
        out[key] = match.group(1).strip() if match else None
    out["extended"] = "(Extended)" in log
    out["notes"] = sorted(set(re.findall(r"^Note: (.+)$", log, re.M)))
    return out


def pagefind_sizes(site: Path) -> dict:
    folder = site / "pagefind"
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    ui = [p for p in files if p.parent == folder and UI_FILES.match(p.name)]
    data = [p for p in files if p not in ui]

    def size(paths):
        return sum(p.stat().st_size for p in paths)

    return {"index_bytes": size(files), "index_files": len(files),
            "index_gzip_bytes": sum(len(gzip.compress(p.read_bytes(), 6)) for p in files),
            "ui_bytes": size(ui), "ui_files": len(ui), "search_bytes": size(data), "search_files": len(data),
            "fragment_files": sum(1 for p in files if p.parent.name == "fragment"),
            "chunk_files": sum(1 for p in files if p.parent.name == "index")}


def pagefind_query(browser, base: str, query: dict, timeout_s: float) -> dict:
    from urllib.parse import urlsplit

    context = browser.new_context()
    finished: list = []
    errors: list[str] = []
    context.on("requestfinished", lambda request: finished.append(request))
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    out: dict = {"query": query["query"], "kind": query["kind"]}
    timed_sizes: dict[str, int] = {}
    try:
        page.goto(base + TEST_PAGE, wait_until="load")
        page.evaluate("""(q) => { window.__result = null;
            window.__run(q).then(r => { window.__result = r; }, e => { window.__result = {error: String(e)}; }); }""",
                      query["query"])
        page.wait_for_function("window.__result !== null", timeout=timeout_s * 1000, polling=20)
        result = page.evaluate("() => window.__result")
        if "error" in result:
            raise RuntimeError(result["error"])
        try:
            page.wait_for_load_state("networkidle", timeout=10_000)
        except Exception:  # noqa: BLE001 - still busy after 10 s: count what has arrived
            pass
        page.wait_for_timeout(200)
        timed_sizes = page.evaluate("""() => { const s = {};
            for (const e of [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')])
              s[e.name] = Math.max(s[e.name] || 0, e.encodedBodySize || 0);
            return s; }""")
        results = page_paths(result["urls"])
        out.update(ok=True, ms=result["ms"], import_ms=result["import_ms"], search_ms=result["search_ms"],
                   total=result["total"], top=results, scores=result["scores"], excerpt=result["excerpt"],
                   **judge(results, query["expect"]))
    except Exception as exc:  # noqa: BLE001 - a probe that fails is a result, not a crash
        out.update(ok=False, error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                   found=False if query["expect"] else None, first=False if query["expect"] else None)
    sizes = []
    for request in finished:
        try:
            s = request.sizes()
            body = max(s["responseBodySize"], timed_sizes.get(request.url, 0))
            sizes.append((request.url, body + s["responseHeadersSize"]))
        except Exception:  # noqa: BLE001
            pass
    out["bytes"] = sum(n for _u, n in sizes)
    out["requests"] = len(sizes)
    out["search_bytes"] = sum(n for u, n in sizes if "/pagefind/" in urlsplit(u).path)
    out["search_requests"] = sum(1 for u, _n in sizes if "/pagefind/" in urlsplit(u).path)
    out["search_files"] = [[urlsplit(u).path, n] for u, n in sizes if "/pagefind/" in urlsplit(u).path][:60]
    out["errors"] = errors[:5]
    context.close()
    return out


def pagefind_queries(site: Path, queries: list[dict], timeout_s: float) -> list[dict]:
    from helpers import CHROMIUM, CHROMIUM_ARGS, serve
    from playwright.sync_api import sync_playwright

    (site / TEST_PAGE).write_text(BENCH_PAGE, encoding="utf-8")
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=[a for a in CHROMIUM_ARGS if a != "--headless"])
        try:
            return [pagefind_query(browser, base, q, timeout_s) for q in queries]
        finally:
            browser.close()


# ---------------------------------------------------------------------------
# lunr (the worker runs in the venv's Python)
# ---------------------------------------------------------------------------

_ARTICLE = re.compile(r"<article\b[^>]*>(.*?)</article>", re.S)


def lunr_worker(argv: list[str]) -> int:
    """engines.py --lunr-worker build|query|languages …: runs in the venv (lunr, jieba, opencc)."""
    parser = argparse.ArgumentParser(prog="engines.py --lunr-worker")
    parser.add_argument("phase", choices=["build", "query", "languages"])
    parser.add_argument("--site", type=Path)
    parser.add_argument("--variant", choices=LUNR_VARIANTS)
    parser.add_argument("--index", type=Path, help="serialised index (written by build, read by query)")
    parser.add_argument("--queries", type=Path, help="JSON list of queries (query phase)")
    parser.add_argument("--wild", action="store_true", help="query phase, default variant: also *term* queries")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "hooks"))
    import logging

    import lunr
    from youfu.search import fold, sections_of

    def segmenter(variant: str):
        if variant == "default":
            return lambda text: text
        import jieba

        jieba.setLogLevel(logging.WARNING)
        word = re.compile(r"\w")
        pre = fold if variant == "jieba+fold" else (lambda text: text)
        return lambda text: " ".join(w for w in jieba.cut_for_search(pre(text)) if word.search(w))

    out: dict = {}
    if args.phase == "languages":
        import lunr.languages as languages

        out.update(language_support=languages.LANGUAGE_SUPPORT, zh_listed="zh" in languages.SUPPORTED_LANGUAGES,
                   supported=sorted(languages.SUPPORTED_LANGUAGES))
        docs = [{"id": "a", "text": "星河湾示范门诊设立诊室"}, {"id": "b", "text": "绿色通道"}]
        try:
            index = lunr.lunr(ref="id", fields=["text"], documents=docs, languages="zh")
            out["zh"] = ("accepted, but nltk is missing so lunr silently used its default (English) pipeline"
                         if not languages.LANGUAGE_SUPPORT else "accepted")
            out["zh_search_门诊"] = [r["ref"] for r in index.search("门诊")]
        except Exception as exc:  # noqa: BLE001
            out["zh"] = f"{type(exc).__name__}: {exc}"
    elif args.phase == "build":
        t0 = time.perf_counter()
        pages = []
        for path in sorted(args.site.rglob("*.html")):
            relative = path.relative_to(args.site).as_posix()
            if relative == "404.html" or relative == TEST_PAGE or relative.startswith("pagefind/"):
                continue
            match = _ARTICLE.search(path.read_text(encoding="utf-8"))
            if not match:
                continue
            sections = sections_of(match.group(1))
            title = next((s.heading for s in sections if s.heading), "")
            text = " ".join(f"{s.heading} {s.text}" if s.heading != title else s.text for s in sections)
            pages.append((relative, title, text))
        t1 = time.perf_counter()
        prepare = segmenter(args.variant)
        docs = [{"ref": ref, "title": prepare(title), "text": prepare(text)} for ref, title, text in pages]
        t2 = time.perf_counter()
        index = lunr.lunr(ref="ref", fields=[{"field_name": "title", "boost": 10}, "text"], documents=docs)
        t3 = time.perf_counter()
        data = json.dumps(index.serialize(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        args.index.write_bytes(data)
        t4 = time.perf_counter()
        out.update(docs=len(docs), terms=len(index.inverted_index), read_s=t1 - t0, segment_s=t2 - t1,
                   index_s=t3 - t2, serialise_s=t4 - t3, text_chars=sum(len(t) for _r, _t, t in pages))
        if args.variant != "default":
            import jieba

            out["query_segmenter_bytes"] = (Path(jieba.__file__).parent / "dict.txt").stat().st_size
    else:  # query
        t0 = time.perf_counter()
        from lunr.index import Index

        index = Index.load(json.loads(args.index.read_text(encoding="utf-8")))
        out["load_s"] = time.perf_counter() - t0
        prepare = segmenter(args.variant)
        modes = [("", prepare)]
        if args.variant == "default" and args.wild:  # also every term with lunr's leading and trailing wildcard
            modes.append(("*", lambda q: " ".join(f"*{t}*" for t in q.split())))
        results = []
        for query in json.loads(args.queries.read_text(encoding="utf-8")):
            for mode, prep in modes:
                text = prep(query["query"])
                entry = {"query": query["query"], "kind": query["kind"], "mode": mode, "lunr_query": text}
                started = time.perf_counter()
                try:
                    found = index.search(text)
                    entry.update(ok=True, total=len(found), refs=[r["ref"] for r in found[:10]],
                                 scores=[round(r["score"], 3) for r in found[:10]])
                except Exception as exc:  # noqa: BLE001 - lunr's query parser can refuse a query
                    entry.update(ok=False, error=f"{type(exc).__name__}: {exc}", total=0, refs=[])
                entry["py_ms"] = (time.perf_counter() - started) * 1000
                results.append(entry)
        out["results"] = results
    args.out.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return 0


def lunr_variant(site: Path, venv: Path, variant: str, queries: list[dict], folder: Path,
                 timeout: float, wild: bool) -> dict:
    python = str(venv / "bin" / "python")
    tag = variant.replace("+", "-")
    index_path = folder / f"lunr-{tag}.json"
    build_out = folder / f".lunr-{tag}-build.json"
    run = timed([python, str(Path(__file__).resolve()), "--lunr-worker", "build", "--site", str(site),
                 "--variant", variant, "--index", str(index_path), "--out", str(build_out)],
                folder, folder / f".time-lunr-{tag}.txt", timeout)
    out: dict = {"variant": variant, "build": {k: run[k] for k in ("ok", "s", "peak_mb", "peak_source", "error")}}
    if not run["ok"]:
        return out
    out["build"].update(json.loads(build_out.read_text(encoding="utf-8")))
    data = index_path.read_bytes()
    out["site"] = {"index_bytes": len(data), "index_gzip_bytes": len(gzip.compress(data, 6)), "index_files": 1}
    query_file, query_out = folder / ".lunr-queries.json", folder / f".lunr-{tag}-query.json"
    query_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([python, str(Path(__file__).resolve()), "--lunr-worker", "query", "--variant", variant,
                           "--index", str(index_path), "--queries", str(query_file), "--out", str(query_out)]
                          + (["--wild"] if wild else []),
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        out["query_error"] = done.stderr[-2000:]
        return out
    answer = json.loads(query_out.read_text(encoding="utf-8"))
    out["load_s"] = answer["load_s"]
    expect = {q["query"]: q["expect"] for q in queries}
    out["queries"] = []
    for entry in answer["results"]:
        top = page_paths(entry["refs"])
        entry.update(top=top, **judge(top, expect[entry["query"]]))
        if not entry.get("ok"):
            entry.update(found=False if expect[entry["query"]] else None,
                         first=False if expect[entry["query"]] else None)
        out["queries"].append(entry)
    index_path.unlink()
    return out


def lunr_languages(venv: Path, folder: Path) -> dict:
    out = folder / ".lunr-languages.json"
    done = subprocess.run([str(venv / "bin" / "python"), str(Path(__file__).resolve()), "--lunr-worker",
                           "languages", "--out", str(out)], capture_output=True, text=True, timeout=300)
    return json.loads(out.read_text(encoding="utf-8")) if done.returncode == 0 else {"error": done.stderr[-2000:]}


# ---------------------------------------------------------------------------
# Summaries and tables
# ---------------------------------------------------------------------------


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, spec: str = ".1f") -> str:
    return "—" if value is None else format(value, spec)


def summarise_queries(runs: list[list[dict]]) -> dict:
    """Medians over repeats of per-run figures (themselves medians over probes), and per probe."""
    per_run = []
    for queries in runs:
        scored = [q for q in queries if q.get("found") is not None]
        per_run.append({
            "query_kb": median([q["bytes"] / 1024 for q in queries if "bytes" in q]),
            "search_kb": median([q["search_bytes"] / 1024 for q in queries if "search_bytes" in q]),
            "query_ms": median([q.get("ms") for q in queries]),
            "py_ms": median([q.get("py_ms") for q in queries]),
            "passed": sum(1 for q in scored if q["found"]), "first": sum(1 for q in scored if q["first"]),
            "scored": len(scored)})
    out = {key: median([r[key] for r in per_run]) for key in
           ("query_kb", "search_kb", "query_ms", "py_ms", "passed", "first", "scored")}
    probes: dict[str, dict] = {}
    for queries in runs:
        for q in queries:
            e = probes.setdefault(q["kind"], {"query": q["query"], "ms": [], "import_ms": [], "search_ms": [],
                                              "py_ms": [], "kb": [], "found": [], "first": [], "ranks": [],
                                              "total": [], "top": None, "errors": [], "lunr_query": q.get("lunr_query")})
            for key in ("ms", "import_ms", "search_ms", "py_ms", "found", "first", "total"):
                e[key].append(q.get(key))
            e["kb"].append(q["bytes"] / 1024 if "bytes" in q else None)
            e["ranks"].append(q.get("ranks"))
            e["top"] = q.get("top")
            if not q.get("ok"):
                e["errors"].append(q.get("error"))
    out["probes"] = {kind: {**e, **{k: median(e[k]) for k in ("ms", "import_ms", "search_ms", "py_ms", "kb", "total")}}
                     for kind, e in probes.items()}
    return out


def marks(found: list, first: list) -> str:
    return "".join("-" if f is None else ("F" if f and s else "f" if f else "x") for f, s in zip(found, first))


def print_size(n: int, entry: dict, project: dict | None, project_note: str | None) -> None:
    print(f"\n== N = {n} reports ==")
    sb = entry["site_build"]
    print(f"site: mkdocs build --strict (the project's normal build, which also writes its own index) "
          f"{fmt(sb.get('build_s'))} s, peak {fmt(sb.get('peak_mb'), '.0f')} MB")
    head = (f"{'engine':20} {'build s':>8} {'index s':>8} {'peak MB':>8} {'index MB':>9} {'idx gz MB':>9} "
            f"{'files':>6} {'query KB':>9} {'search KB':>10} {'ms':>7} {'py ms':>7} {'passed':>7} {'first':>6}")
    print(head)
    rows = []
    site_s = sb.get("build_s")
    pf = entry.get("pagefind", {}).get("median")
    if pf:
        rows.append(("pagefind", pf))
    for variant, v in entry.get("lunr", {}).get("variants", {}).items():
        if v.get("median"):
            rows.append((f"lunr {variant}", v["median"]))
            if v["median"].get("wild"):
                rows.append((f"lunr {variant} *q*", v["median"]["wild"]))
    for label, s in rows:
        passed = "—" if s.get("passed") is None else f"{s['passed']:g}/{s['scored']:g}"
        total = s["index_s"] + site_s if s.get("index_s") is not None and site_s is not None else None
        print(f"{label:20} {fmt(total):>8} {fmt(s.get('index_s')):>8} {fmt(s.get('peak_mb'), '.0f'):>8} "
              f"{fmt(s.get('index_bytes') and s['index_bytes'] / 2**20, '.2f'):>9} "
              f"{fmt(s.get('index_gzip_bytes') and s['index_gzip_bytes'] / 2**20, '.2f'):>9} "
              f"{fmt(s.get('index_files'), '.0f'):>6} {fmt(s.get('query_kb')):>9} {fmt(s.get('search_kb')):>10} "
              f"{fmt(s.get('query_ms'), '.0f'):>7} {fmt(s.get('py_ms'), '.0f'):>7} {passed:>7} "
              f"{fmt(s.get('first'), 'g'):>6}")
    for engine, label in (("project", "project (run.py)"), ("material", "baseline (run.py)")):
        s = (project or {}).get(engine)
        if not s:
            continue
        passed = "—" if s.get("passed") is None else f"{s['passed']:g}/{s['scored']:g}"
        print(f"{label:20} {fmt(s.get('build_s')):>8} {'—':>8} {fmt(s.get('peak_mb'), '.0f'):>8} "
              f"{fmt(s.get('index_bytes') and s['index_bytes'] / 2**20, '.2f'):>9} "
              f"{fmt(s.get('index_gzip_bytes') and s['index_gzip_bytes'] / 2**20, '.2f'):>9} "
              f"{fmt(s.get('index_files'), '.0f'):>6} {fmt(s.get('query_kb')):>9} {fmt(s.get('search_kb')):>10} "
              f"{fmt(s.get('query_ms'), '.0f'):>7} {'—':>7} {passed:>7} {fmt(s.get('first'), 'g'):>6}")
    print("  build s = site build + the engine's own indexing (index s); peak MB = the indexing step alone "
          "(run.py rows: the whole build).")
    print("  pagefind: query KB = all requests of a cold query (test page ~1 KB + /pagefind/), search KB = "
          "/pagefind/ only; ms = import of pagefind.js → 10 results' data() loaded, in Chromium.")
    print("  lunr: one JSON file, fetched whole before the first query: search KB = index bytes (not measured in "
          "a browser); py ms = Index.search in Python, after loading.")
    print("  run.py rows: its medians (query KB includes the search page and its assets; ms = input event → "
          "results in the DOM).")
    if project_note:
        print("  " + project_note)
    if pf:
        print(f"  pagefind folder: {fmt(pf['index_bytes'] / 2**20, '.2f')} MB in {pf['index_files']:g} files, of which "
              f"UI bundles {fmt(pf['ui_bytes'] / 2**20, '.2f')} MB in {pf['ui_files']:g}; "
              f"{pf['chunk_files']:g} index chunks, {pf['fragment_files']:g} fragments; "
              f"median {fmt(pf.get('search_requests'), 'g')} /pagefind/ requests per query")

    print("\nper probe (F = expected pages found and first, f = found not first, x = not found, - = not scored, "
          "one mark per repeat; ranks = positions of the expected pages in the first 10; n = results in all):")
    blocks = []
    if pf:
        blocks.append(("pagefind", pf["probes"], pf.get("diagnostics", {})))
    for variant, v in entry.get("lunr", {}).get("variants", {}).items():
        m = v.get("median")
        if m:
            blocks.append((f"lunr {variant}", m["probes"], m.get("diagnostics", {})))
            if m.get("wild"):
                blocks.append((f"lunr {variant} *q*", m["wild"]["probes"], m["wild"].get("diagnostics", {})))
    for label, probes, diag in blocks:
        print(f"  {label}:")
        for group, items in (("", probes), ("diag ", diag)):
            for kind, p in items.items():
                ranks = p["ranks"][-1] if p["ranks"] else None
                timing = (f"{fmt(p['ms'], '.0f'):>6} ms" if p.get("ms") is not None
                          else f"{fmt(p.get('py_ms'), '.0f'):>6} py ms")
                shown = p.get("lunr_query")
                print(f"    {group + kind:24} [{marks(p['found'], p['first'])}] {timing} "
                      f"{fmt(p.get('kb'), '.0f') + ' KB' if p.get('kb') is not None else '':>9} "
                      f"n={fmt(p.get('total'), 'g'):>5} ranks={ranks if ranks is not None else '—'!s:12} "
                      f"{p['query']}" + (f"  → lunr «{shown}»" if shown and shown != p['query'] else "")
                      + (f"  errors: {p['errors'][:1]}" if p["errors"] else ""))
    if project:
        print("  run.py (project / baseline, medians):")
        for kind, p in (project.get("project") or {}).get("probes", {}).items():
            b = (project.get("material") or {}).get("probes", {}).get(kind, {})
            print(f"    {kind:24} project [{marks(p['found'], p['first'])}] {fmt(p['ms'], '.0f'):>6} ms "
                  f"{fmt(p['kb'], '.0f'):>6} KB   baseline [{marks(b.get('found', []), b.get('first', []))}] "
                  f"{fmt(b.get('ms'), '.0f'):>6} ms {fmt(b.get('kb'), '.0f'):>6} KB  {p['query']}")
    for note in entry.get("notes", []):
        print("  note:", note)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def _commit(rev: str) -> str | None:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True)
    return done.stdout.strip() or None


def run_size(n: int, args, versions: dict, languages: dict, folder: Path) -> dict:
    import corpus
    from run import Builder

    entry: dict = {"notes": []}
    project = folder / "project"
    started = time.perf_counter()
    probes = corpus.generate(n, args.seed, project, rev=args.git_rev)
    entry["probes"] = probes
    queries = probes + diagnostics(probes)
    print(f"[N={n}] corpus in {time.perf_counter() - started:.1f} s, {len(probes)} probes", flush=True)
    site = folder / "site"
    build = Builder(project, args.step_timeout).build("project", site)
    entry["site_build"] = build
    print(f"[N={n}] site: mkdocs build {build['build_s']:.1f} s, peak {fmt(build['peak_mb'], '.0f')} MB"
          + ("" if build["ok"] else " — FAILED:\n    " + (build["error"] or "")[-1500:]), flush=True)
    if not build["ok"]:
        entry["notes"].append("the site build failed: nothing measured")
        return entry
    pages = sum(1 for _ in site.rglob("*.html"))
    entry["site_pages"] = pages

    # Pagefind
    if "pagefind" in args.engines:
        runs = []
        repeat = args.repeat
        r = 0
        while r < repeat:
            index = pagefind_index(site, args.venv, args.step_timeout)
            item: dict = {"repeat": r + 1, "index": index}
            line = (f"[N={n}] repeat {r + 1}/{repeat} pagefind: index {index['s']:.1f} s, "
                    f"peak {fmt(index['peak_mb'], '.0f')} MB")
            if not index["ok"]:
                print(line + f" — FAILED: {index['error']}", flush=True)
                entry["notes"].append(f"pagefind indexing failed at N={n}: {index['error']}")
                runs.append(item)
                break
            item["site"] = pagefind_sizes(site)
            print(line + f", {item['site']['index_bytes'] / 2**20:.2f} MB in {item['site']['index_files']} files "
                         f"({index['pages']} pages, {index['words']} words, languages: {index['languages']}, "
                         f"extended: {index['extended']})", flush=True)
            if not args.no_browser:
                item["queries"] = pagefind_queries(site, queries, args.query_timeout)
                probes_only = [q for q in item["queries"] if q["kind"] in {p["kind"] for p in probes}]
                s = summarise_queries([probes_only])
                print(f"          queries: median {fmt(s['query_ms'], '.0f')} ms, {fmt(s['query_kb'], '.0f')} KB, "
                      f"passed {s['passed']}/{s['scored']}, first {s['first']}", flush=True)
            runs.append(item)
            if r == 0 and repeat > 1 and index["s"] > args.once_over:
                repeat = 1
                entry["notes"].append(f"pagefind indexing took {index['s']:.0f} s (> {args.once_over:.0f} s): "
                                      f"indexed and queried once at N={n}")
            r += 1
        entry["pagefind"] = {"runs": runs, "median": summarise_pagefind(runs, probes)}
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        (site / TEST_PAGE).unlink(missing_ok=True)

    # lunr
    if "lunr" in args.engines and n <= args.lunr_max:
        variants: dict[str, dict] = {}
        for variant in LUNR_VARIANTS:
            runs = []
            for r in range(args.repeat):
                item = lunr_variant(site, args.venv, variant, queries, folder, args.step_timeout, wild=r == 0)
                b = item["build"]
                line = f"[N={n}] repeat {r + 1}/{args.repeat} lunr {variant}: build {b['s']:.1f} s, " \
                       f"peak {fmt(b['peak_mb'], '.0f')} MB"
                if not b["ok"]:
                    print(line + f" — FAILED: {b['error']}", flush=True)
                    entry["notes"].append(f"lunr {variant} failed at N={n}: {b['error']}")
                    runs.append(item)
                    break
                print(line + f" (read {b['read_s']:.1f}, segment {b['segment_s']:.1f}, index {b['index_s']:.1f}, "
                             f"serialise {b['serialise_s']:.1f}), {b['docs']} docs, {b['terms']} terms, "
                             f"{item['site']['index_bytes'] / 2**20:.2f} MB "
                             f"(gzip {item['site']['index_gzip_bytes'] / 2**20:.2f} MB)", flush=True)
                runs.append(item)
                if item.get("query_error"):
                    print(f"          queries FAILED: {item['query_error'][-600:]}", flush=True)
                    entry["notes"].append(f"lunr {variant} queries failed at N={n}")
                    break
            variants[variant] = {"runs": runs, "median": summarise_lunr(runs, probes)}
        entry["lunr"] = {"variants": variants, "languages": languages}
    elif "lunr" in args.engines:
        entry["notes"].append(f"lunr not run at N={n} (> --lunr-max {args.lunr_max})")
    return entry


def _split(queries: list[dict], probes: list[dict]) -> tuple[list[dict], list[dict]]:
    kinds = {p["kind"] for p in probes}
    return [q for q in queries if q["kind"] in kinds], [q for q in queries if q["kind"] not in kinds]


def summarise_pagefind(runs: list[dict], probes: list[dict]) -> dict | None:
    ok = [r for r in runs if r["index"]["ok"]]
    if not ok:
        return None
    out = {"runs": len(runs), "ok_runs": len(ok),
           "index_s": median([r["index"]["s"] for r in ok]),
           "peak_mb": median([r["index"]["peak_mb"] for r in ok]),
           "pages": ok[0]["index"]["pages"], "words": ok[0]["index"]["words"],
           "languages": ok[0]["index"]["languages"], "extended": ok[0]["index"]["extended"],
           "version": ok[0]["index"]["version"], "pagefind_notes": ok[0]["index"]["notes"]}
    for key in ok[0]["site"]:
        out[key] = median([r["site"][key] for r in ok])
    with_queries = [r for r in ok if r.get("queries")]
    if with_queries:
        main = [_split(r["queries"], probes)[0] for r in with_queries]
        diag = [_split(r["queries"], probes)[1] for r in with_queries]
        out.update(summarise_queries(main))
        out["search_requests"] = median([q.get("search_requests") for qs in main for q in qs])
        out["diagnostics"] = summarise_queries(diag)["probes"]
    return out


def summarise_lunr(runs: list[dict], probes: list[dict]) -> dict | None:
    ok = [r for r in runs if r["build"]["ok"] and r.get("queries")]
    if not ok:
        return None
    out = {"runs": len(runs), "ok_runs": len(ok),
           "index_s": median([r["build"]["s"] for r in ok]),
           "peak_mb": median([r["build"]["peak_mb"] for r in ok]),
           "load_s": median([r["load_s"] for r in ok]),
           "docs": ok[0]["build"]["docs"], "terms": ok[0]["build"]["terms"],
           "query_segmenter_bytes": ok[0]["build"].get("query_segmenter_bytes")}
    for key in ("read_s", "segment_s", "index_s", "serialise_s"):
        out["build_" + key] = median([r["build"][key] for r in ok])
    for key in ("index_bytes", "index_gzip_bytes", "index_files"):
        out[key] = median([r["site"][key] for r in ok])
    out["search_kb"] = out["index_bytes"] / 1024  # the whole index is fetched before the first query

    def part(mode: str) -> dict:
        qs = [[q for q in r["queries"] if q["mode"] == mode] for r in ok]
        qs = [q for q in qs if q]
        main = [_split(q, probes)[0] for q in qs]
        diag = [_split(q, probes)[1] for q in qs]
        s = summarise_queries(main)
        s["diagnostics"] = summarise_queries(diag)["probes"]
        return s

    plain = part("")
    out.update({k: v for k, v in plain.items() if k not in ("query_kb", "search_kb", "query_ms")})
    if any(q["mode"] == "*" for q in ok[0]["queries"]):
        wild = part("*")
        out["wild"] = {**{k: out[k] for k in ("index_s", "peak_mb", "index_bytes", "index_gzip_bytes",
                                               "index_files", "search_kb")},
                       **{k: v for k, v in wild.items() if k not in ("query_kb", "search_kb", "query_ms")}}
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--lunr-worker"]:
        return lunr_worker(argv[1:])
    parser = argparse.ArgumentParser(description="Pagefind and a prebuilt lunr index on the search benchmark's corpus.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], help="numbers of reports")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="indexings and query rounds per engine and size")
    parser.add_argument("--engines", nargs="+", choices=("pagefind", "lunr"), default=["pagefind", "lunr"])
    parser.add_argument("--venv", "--pagefind", type=Path, default=Path("/tmp/pagefind-venv"),
                        help="venv with pagefind[extended], lunr, jieba, opencc (created if missing)")
    parser.add_argument("--project-json", type=Path, help="a run.py --json file: show its medians alongside")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--workdir", type=Path, help="where corpora and sites go (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--git-rev", metavar="REV", help="copy this commit (git archive) instead of the working tree")
    parser.add_argument("--no-browser", action="store_true", help="Pagefind: index and sizes only")
    parser.add_argument("--lunr-max", type=int, default=1000, help="run lunr only at sizes up to this")
    parser.add_argument("--step-timeout", type=float, default=1200, help="give up a single step after this (s)")
    parser.add_argument("--query-timeout", type=float, default=120)
    parser.add_argument("--once-over", type=float, default=300,
                        help="index/query Pagefind once at a size whose first indexing takes longer (s)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import CHROMIUM

    if not args.no_browser and "pagefind" in args.engines and not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing (apt-get install chromium), or pass --no-browser")
    args.venv = args.venv.absolute()
    versions = ensure_venv(args.venv)
    print(f"venv {args.venv}: {versions}", flush=True)
    project_runs = json.loads(args.project_json.read_text(encoding="utf-8")) if args.project_json else None
    work = args.workdir or Path(tempfile.mkdtemp(prefix="youfu-engines-"))
    work.mkdir(parents=True, exist_ok=True)
    work = work.resolve()
    report: dict = {"meta": {
        "argv": sys.argv[1:], "python": sys.version.split()[0], "machine": platform.platform(),
        "cpus": os.cpu_count(), "chromium": CHROMIUM, "seed": args.seed, "repeat": args.repeat,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "work": str(work), "git_rev": args.git_rev,
        "commit": _commit(args.git_rev or "HEAD"), "working_tree": args.git_rev is None, "versions": versions,
        "project_json": str(args.project_json) if args.project_json else None}, "sizes": {}}
    print(f"work folder: {work}", flush=True)
    languages = lunr_languages(args.venv, work) if "lunr" in args.engines else None
    if languages:
        print(f"lunr languages: zh listed {languages.get('zh_listed')}, nltk {languages.get('language_support')}; "
              f"lunr(..., languages='zh'): {languages.get('zh')}", flush=True)
    try:
        for n in args.sizes:
            folder = work / f"n{n}"
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            entry = run_size(n, args, versions, languages, folder)
            project, note = None, None
            if project_runs:
                size = project_runs.get("sizes", {}).get(str(n))
                if size:
                    project = size.get("median")
                    meta = project_runs.get("meta", {})
                    note = (f"run.py figures from {args.project_json} (commit {str(meta.get('commit'))[:10]}, "
                            f"{meta.get('started')}, {meta.get('repeat')} repeats); this run: commit "
                            f"{str(report['meta']['commit'])[:10]}"
                            + (" + working tree" if args.git_rev is None else ""))
                    entry["project_json_median"] = project
                else:
                    note = f"{args.project_json} has no N={n}"
            report["sizes"][str(n)] = entry
            print_size(n, entry, project, note)
            if args.json:
                args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

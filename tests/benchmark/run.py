"""Search benchmark: Material's built-in search (baseline), Material's search extended by a
hook (material_hook.py: folded character-pair fields and a query rewrite, "mat+hook") and
the project's own engine, on the same corpus in the same run.

    .venv/bin/python tests/benchmark/run.py --sizes 1000 10000 --repeat 3 --json bench.json

For every size N: generate a corpus of N synthetic reports (tests/benchmark/corpus.py,
which also writes the search probes), then, per repeat and per engine:

* `mkdocs build --strict` of the corpus: wall time and peak memory (/usr/bin/time -v;
  without it, resource.getrusage(RUSAGE_CHILDREN).ru_maxrss, which is only an upper bound);
* index bytes: baseline site/search/search_index.json; project every file under
  site/search/ except the search page itself (index.html); also gzip -6 sizes;
* average page size: bytes of all .html under site/reports/ divided by their count;
* in headless Chromium (Playwright, /usr/bin/chromium, tests/helpers.py CHROMIUM_ARGS, a
  fresh browser profile per engine and repeat, a new browser context per query, so every
  query is cold; site served by tests/helpers.py serve()), for every probe:
    - project: open search/, click #search-input, enter the query, wait for
      #search-results[data-state=done]; results = hrefs of #search-results a;
    - baseline and mat+hook: open the home page, open the header search (label[for=__search] when
      visible, then .md-search__input), enter the query, wait for the first
      .md-search-result__item or the "没有找到" meta; results = hrefs of
      .md-search-result__list a;
  The query is entered the way an input method commits it: the whole text in one input
  event (keyboard.insert_text), then the End key (Material searches on keyup). Time is
  measured in the page from that input event to the moment the results are in the DOM
  (a MutationObserver), so Playwright's round trips are not counted ("ms"). "settled"
  counts from the moment the engine starts on the settled input instead: the project
  waits for a 120 ms pause in typing and then marks `yf-search-start`; Material starts
  on keyup. The query is
  entered as soon as the page has loaded, so a cold query includes whatever index
  loading the engine still has to do (nav_to_done_ms in the JSON counts from the start
  of navigation). "search KB" counts only the search engine's own requests (index files and
  engine scripts, see is_search_request). "query KB" is the response bodies + headers of every request of the
  context until the network is idle after the results (page, assets, index), via
  Playwright's request.sizes() (which also sees worker requests); "KB@done" counts only
  the bodies that had arrived when the results appeared (the page's resource timing).
  The local server does not compress; see the gzip column for the index.
  Both engines are judged on the results they show without scrolling or "more"
  (Material renders 10 pages at first).
  A probe passes when every expected page is among the results; "first" when the
  expected pages are also the top results (for a probe with "top": N, a query as people
  type it, when they are among the first N). Result addresses are normalised to
  "reports/<bureau>/<file>/" (a/b.html, a/b/index.html and a/b/ are the same page).

Switching the baseline: the build runs with YOUFU_SEARCH=material (the variable this
benchmark expects the project to honour) and YOUFU_MATERIAL_SEARCH=true (the switch the
project's mkdocs.yml documents). If the build still has no search/search_index.json, a
copy of mkdocs.yml whose `plugins:` is just `- search` is written next to it and used
instead (reported as baseline_switch "yml").

Medians over repeats are printed as a table (and over probes for the per-query
columns) and written with every single measurement to --json. If one baseline build at
some size takes longer than --baseline-once-over seconds, the baseline is built and
queried only once at that size (said in the output). Machines are noisy: read the
medians, not the single runs.
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
from urllib.parse import unquote, urljoin, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

import corpus  # noqa: E402
from helpers import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

ENGINES = ("material", "extended", "project")
LABEL = {"material": "baseline", "extended": "mat+hook", "project": "project"}
# The engines that use Material's search (its index file, worker and header search box).
MATERIAL_UI = ("material", "extended")
TIME = "/usr/bin/time"

# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------


def material_yml(text: str) -> str:
    """mkdocs.yml with the top-level `plugins:` block replaced by Material's search alone."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i, found = 0, False
    while i < len(lines):
        if re.match(r"^plugins\s*:", lines[i]):
            found = True
            out.append("plugins:\n  - search\n")
            i += 1
            while i < len(lines) and (lines[i][:1] in (" ", "\t", "#") or not lines[i].strip()):
                i += 1
            continue
        out.append(lines[i])
        i += 1
    if not found:
        out.append("\nplugins:\n  - search\n")
    return "".join(out)


class Builder:
    def __init__(self, project: Path, timeout: float):
        self.project = project
        self.timeout = timeout
        self.baseline_switch: str | None = None  # "env" or "yml", decided by the first baseline build

    def config(self, engine: str) -> Path:
        if engine == "extended":
            return self._extended_config()
        if engine == "material" and self.baseline_switch == "yml":
            path = self.project / "mkdocs.material-search.yml"
            if not path.exists():
                path.write_text(material_yml((self.project / "mkdocs.yml").read_text(encoding="utf-8")),
                                encoding="utf-8")
            return path
        return self.project / "mkdocs.yml"

    def _extended_config(self) -> Path:
        """mkdocs.yml plus the benchmark's hook that extends Material's search (material_hook.py)."""
        path = self.project / "mkdocs.material-hook.yml"
        if not path.exists():
            shutil.copy(HERE / "material_hook.py", self.project / "hooks" / "bench_material_hook.py")
            shutil.copy(HERE / "material_hook.js", self.project / "hooks" / "material_hook.js")
            text = (self.project / "mkdocs.yml").read_text(encoding="utf-8")
            block = re.search(r"^hooks:\n((?:[ \t]+-.*\n)+)", text, re.M)
            hooks = block.group(1) if block else ""
            path.write_text(f"INHERIT: mkdocs.yml\nhooks:\n{hooks}  - hooks/bench_material_hook.py\n",
                            encoding="utf-8")
        return path

    def build(self, engine: str, site: Path) -> dict:
        run = self._build(engine, site)
        if engine == "material" and self.baseline_switch is None and run["ok"]:
            if (site / "search" / "search_index.json").exists():
                self.baseline_switch = "env"
            else:
                print("  YOUFU_SEARCH=material / YOUFU_MATERIAL_SEARCH=true had no effect: "
                      "using a copy of mkdocs.yml with plugins: [search]", flush=True)
                self.baseline_switch = "yml"
                run = self._build(engine, site)
        run["baseline_switch"] = self.baseline_switch if engine == "material" else None
        return run

    def _build(self, engine: str, site: Path) -> dict:
        if site.exists():
            shutil.rmtree(site)
        env = {k: v for k, v in os.environ.items() if k not in ("YOUFU_SEARCH", "YOUFU_MATERIAL_SEARCH")}
        env["NO_MKDOCS_2_WARNING"] = "1"
        if engine in MATERIAL_UI:
            env.update(YOUFU_SEARCH="material", YOUFU_MATERIAL_SEARCH="true")
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site),
                   "--config-file", str(self.config(engine))]
        timefile = site.parent / f".time-{engine}.txt"
        use_time = Path(TIME).exists()
        if use_time:
            command = [TIME, "-v", "-o", str(timefile)] + command
        started = time.perf_counter()
        try:
            done = subprocess.run(command, cwd=self.project, capture_output=True, text=True, env=env,
                                  timeout=self.timeout)
            ok, tail = done.returncode == 0, (done.stderr or "")[-3000:]
        except subprocess.TimeoutExpired:
            ok, tail = False, f"timed out after {self.timeout} s"
        wall = time.perf_counter() - started
        peak_mb = None
        if use_time and timefile.exists():
            match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timefile.read_text())
            peak_mb = int(match.group(1)) / 1024 if match else None
        if peak_mb is None:  # an upper bound: the largest child this process has waited for
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {"ok": ok, "build_s": wall, "peak_mb": peak_mb, "error": None if ok else tail,
                "peak_source": "time -v" if use_time else "getrusage"}


# ---------------------------------------------------------------------------
# Measuring the built site
# ---------------------------------------------------------------------------


def index_files(site: Path, engine: str) -> list[Path]:
    folder = site / "search"
    if engine in MATERIAL_UI:
        return [p for p in [folder / "search_index.json"] if p.exists()]
    return sorted(p for p in folder.rglob("*") if p.is_file() and p != folder / "index.html")


def measure_site(site: Path, engine: str, with_gzip: bool) -> dict:
    files = index_files(site, engine)
    out = {"index_bytes": sum(p.stat().st_size for p in files), "index_files": len(files)}
    if with_gzip:
        out["index_gzip_bytes"] = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    pages = [p for p in (site / "reports").rglob("*.html")]
    total = sum(p.stat().st_size for p in pages)
    out.update(report_folder_pages=len(pages), avg_page_bytes=total / len(pages) if pages else None)
    own = [p for p in pages if _report_page(p.relative_to(site).as_posix())]
    out.update(report_pages=len(own),
               avg_report_page_bytes=sum(p.stat().st_size for p in own) / len(own) if own else None)
    out["site_bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return out


def _report_page(relative: str) -> bool:
    """reports/<sample bureau>/<file>.html (or …/<file>/index.html): one report, not a listing."""
    parts = relative.split("/")
    return len(parts) >= 3 and parts[1].startswith("sample-") and parts[0] == "reports"


def normalise(href: str, page_url: str, base: str) -> str | None:
    """An href in the results → "reports/<bureau>/<file>/" (relative to the site root)."""
    absolute = urljoin(page_url, href)
    if not absolute.startswith(base):
        return None
    path = unquote(urlsplit(absolute).path)[len(urlsplit(base).path):]
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    elif path.endswith(".html"):
        path = path[: -len(".html")] + "/"
    elif path and not path.endswith("/"):
        path += "/"
    return path


# ---------------------------------------------------------------------------
# Queries in Chromium
# ---------------------------------------------------------------------------

INIT_JS = r"""
(() => {
  try { performance.setResourceTimingBufferSize(1000000); } catch (e) {}
  const b = window.__bench = {mode: null, input: null, keyup: null, settled: null, done: null, snapshot: null};
  const selector = {project: '#search-results a', material: '.md-search-result__list a'};
  b.arm = (mode) => { b.mode = mode; b.input = b.keyup = b.settled = b.done = b.snapshot = null; };
  document.addEventListener('input', () => { if (b.mode && b.input === null) b.input = performance.now(); }, true);
  document.addEventListener('keyup', () => { if (b.mode && b.input !== null && b.keyup === null) b.keyup = performance.now(); }, true);
  const ready = {
    project: (records) => records.some(r => r.type === 'attributes' && r.target.id === 'search-results'
                                         && r.target.getAttribute('data-state') === 'done'),
    material: () => document.querySelector('.md-search-result__item') !== null
                    || /没有找到/.test((document.querySelector('.md-search-result__meta') || {}).textContent || ''),
  };
  new MutationObserver((records) => {
    if (!b.mode || b.input === null || b.done !== null) return;
    if (ready[b.mode](records)) {
      b.done = performance.now();
      // When the engine started on the settled input: the project marks it after its
      // typing pause; Material searches on keyup.
      const marks = performance.getEntriesByName('yf-search-start').filter(m => m.startTime >= b.input);
      b.settled = marks.length ? marks[marks.length - 1].startTime : b.keyup;
      b.snapshot = Array.from(document.querySelectorAll(selector[b.mode]), a => a.getAttribute('href'));
    }
  }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true,
                        attributeFilter: ['data-state']});
})();
"""

RESULTS_JS = """(selector) => Array.from(document.querySelectorAll(selector), a => a.getAttribute('href'))"""
META_JS = """() => { const m = document.querySelector('.md-search-result__meta, [data-yf-search-status]');
                     return m ? m.textContent.trim() : null; }"""


def run_query(browser, base: str, engine: str, probe: dict, timeout_s: float) -> dict:
    context = browser.new_context()
    context.add_init_script(INIT_JS)
    finished: list = []
    failed: list = []
    errors: list[str] = []
    context.on("requestfinished", lambda request: finished.append(request))
    context.on("requestfailed", lambda request: failed.append(request))
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    out: dict = {"query": probe["query"], "kind": probe["kind"]}
    timed: dict[str, int] = {}  # URL → body bytes from the page's resource timing
    try:
        if engine == "project":
            page.goto(base + "search/", wait_until="load")
            box = page.locator("#search-input")
            box.click()
            selector = "#search-results a"
        else:  # Material's header search (baseline and Material + hook)
            page.goto(base, wait_until="load")
            label = page.locator('label.md-header__button[for="__search"]')
            if label.count() and label.first.is_visible():
                label.first.click()
            box = page.locator(".md-search__input")
            box.click()
            selector = ".md-search-result__list a"
        page.evaluate("(mode) => window.__bench.arm(mode)", "project" if engine == "project" else "material")
        page.keyboard.insert_text(probe["query"])  # one input event, as an input method commits
        page.keyboard.press("End")  # and its keyup (Material searches on keyup)
        page.wait_for_function("window.__bench.done !== null", timeout=timeout_s * 1000, polling=20)
        try:
            page.wait_for_load_state("networkidle", timeout=10_000)
        except Exception:  # noqa: BLE001 - still busy after 10 s: count what has arrived
            pass
        page.wait_for_timeout(200)
        bench = page.evaluate("""() => { const b = window.__bench;
            const nav = performance.getEntriesByType('navigation')[0];
            const after = performance.getEntriesByType('resource').filter(e => e.startTime >= b.input);
            const sizes = {};
            for (const e of [nav, ...performance.getEntriesByType('resource')]) {
              if (e) sizes[e.name] = Math.max(sizes[e.name] || 0, e.encodedBodySize || 0);
            }
            const toDone = [nav, ...performance.getEntriesByType('resource')]
              .filter(e => e && e.responseEnd <= b.done).reduce((s, e) => s + (e.encodedBodySize || 0), 0);
            return {input: b.input, keyup: b.keyup, settled: b.settled, done: b.done, snapshot: b.snapshot, sizes,
                    bytes_to_done: toDone,
                    nav_start: nav ? nav.startTime : 0,
                    after_input_bytes: after.reduce((s, e) => s + e.encodedBodySize, 0),
                    after_input_requests: after.length}; }""")
        timed = bench.pop("sizes")
        hrefs = page.evaluate(RESULTS_JS, selector)
        results: list[str] = []
        for href in hrefs:
            path = normalise(href, page.url, base)
            if path is not None and path not in results:
                results.append(path)
        snap: list[str] = []
        for href in bench["snapshot"] or []:
            path = normalise(href, page.url, base)
            if path is not None and path not in snap:
                snap.append(path)
        expect = probe["expect"]
        within = max(probe.get("top") or len(expect), len(expect))
        out.update(
            ok=True,
            ms=bench["done"] - bench["input"],
            settled_ms=(bench["done"] - bench["settled"]) if bench["settled"] is not None else None,
            nav_to_done_ms=bench["done"] - bench["nav_start"],
            keyup_lag_ms=(bench["keyup"] - bench["input"]) if bench["keyup"] is not None else None,
            results=len(results), top=results[:5], meta=page.evaluate(META_JS),
            found=all(e in results for e in expect) if expect else None,
            first=set(expect) <= set(results[:within]) if expect else None,
            first_at_done=set(expect) <= set(snap[:within]) if expect else None,
            after_input_bytes=bench["after_input_bytes"], after_input_requests=bench["after_input_requests"],
            bytes_to_done=bench["bytes_to_done"],
        )
    except Exception as exc:  # noqa: BLE001 - a probe that fails is a result, not a crash
        out.update(ok=False, error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                   found=False if probe["expect"] else None, first=False if probe["expect"] else None)
    # Playwright sees every request (also a worker's) but reports 0 bytes for a worker's
    # own script; the page's resource timing has those. Take the larger of the two.
    sizes = []
    for request in finished:
        try:
            s = request.sizes()
            body = max(s["responseBodySize"], timed.get(request.url, 0))
            sizes.append((request.url, body + s["responseHeadersSize"]))
        except Exception:  # noqa: BLE001
            pass
    out["bytes"] = sum(n for _u, n in sizes)
    out["requests"] = len(sizes)
    out["search_bytes"] = sum(n for u, n in sizes if is_search_request(urlsplit(u).path))
    out["failed_requests"] = len(failed)
    out["errors"] = errors[:5]
    context.close()
    return out


def is_search_request(path: str) -> bool:
    """A request of the search engine itself (index and engine code), not of the page.

    Project: everything under search/ but the search page, and assets/search.js.
    Material: search/search_index.json, its search worker and lunr's language files."""
    if path.endswith(("/search/", "/search/index.html")):
        return False
    return ("/search/" in path or path.endswith(("/assets/search.js", "/assets/material-hook.js"))
            or "/assets/javascripts/workers/" in path or "/assets/javascripts/lunr/" in path)


def run_probes(site: Path, engine: str, probes: list[dict], timeout_s: float) -> list[dict]:
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=[a for a in CHROMIUM_ARGS if a != "--headless"])
        try:
            out: list[dict] = []
            for probe in probes:
                if out and not out[0]["ok"] and "Timeout" in (out[0].get("error") or ""):
                    # the engine never answered the first probe in time: do not wait again for each
                    out.append({"query": probe["query"], "kind": probe["kind"], "ok": False,
                                "error": "skipped: the first probe timed out", "bytes": out[0]["bytes"],
                                "found": False if probe["expect"] else None,
                                "first": False if probe["expect"] else None})
                    continue
                out.append(run_query(browser, base, engine, probe, timeout_s))
            return out
        finally:
            browser.close()


# ---------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarise_run(run: dict) -> dict:
    queries = run.get("queries") or []
    scored = [q for q in queries if q.get("found") is not None]
    return {
        "query_kb": median([q["bytes"] / 1024 for q in queries]) if queries else None,
        "search_kb": median([q["search_bytes"] / 1024 for q in queries if "search_bytes" in q])
        if queries else None,
        "query_kb_to_done": median([q["bytes_to_done"] / 1024 for q in queries if q.get("bytes_to_done")])
        if queries else None,
        "query_ms": median([q.get("ms") for q in queries]) if queries else None,
        "settled_ms": median([q.get("settled_ms") for q in queries]) if queries else None,
        "passed": sum(1 for q in scored if q["found"]) if queries else None,
        "first": sum(1 for q in scored if q["first"]) if queries else None,
        "scored": len(scored) if queries else None,
    }


def summarise(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["build"]["ok"]]
    per = [summarise_run(r) for r in ok]
    out = {
        "runs": len(runs), "ok_runs": len(ok),
        "build_s": median([r["build"]["build_s"] for r in ok]),
        "peak_mb": median([r["build"]["peak_mb"] for r in ok]),
        "index_bytes": median([r["site"]["index_bytes"] for r in ok]),
        "index_files": median([r["site"]["index_files"] for r in ok]),
        "index_gzip_bytes": median([r["site"].get("index_gzip_bytes") for r in ok]),
        "avg_page_kb": median([r["site"]["avg_page_bytes"] / 1024 for r in ok if r["site"]["avg_page_bytes"]]),
        "avg_report_page_kb": median([r["site"]["avg_report_page_bytes"] / 1024 for r in ok
                                      if r["site"]["avg_report_page_bytes"]]),
        "query_kb": median([p["query_kb"] for p in per]),
        "query_kb_to_done": median([p["query_kb_to_done"] for p in per]),
        "search_kb": median([p["search_kb"] for p in per]),
        "query_ms": median([p["query_ms"] for p in per]),
        "settled_ms": median([p["settled_ms"] for p in per]),
        "passed": median([p["passed"] for p in per]),
        "first": median([p["first"] for p in per]),
        "scored": median([p["scored"] for p in per]),
    }
    probes: dict[str, dict] = {}
    for r in ok:
        for q in r.get("queries") or []:
            entry = probes.setdefault(q["kind"], {"query": q["query"], "ms": [], "kb": [], "found": [], "first": [],
                                                  "errors": [], "settled": [], "search_kb": []})
            entry["ms"].append(q.get("ms"))
            entry["settled"].append(q.get("settled_ms"))
            entry["kb"].append(q["bytes"] / 1024)
            if "search_bytes" in q:
                entry["search_kb"].append(q["search_bytes"] / 1024)
            entry["found"].append(q.get("found"))
            entry["first"].append(q.get("first"))
            if not q.get("ok"):
                entry["errors"].append(q.get("error"))
    out["probes"] = {kind: {"query": e["query"], "ms": median(e["ms"]), "kb": median(e["kb"]),
                            "settled_ms": median(e["settled"]), "search_kb": median(e["search_kb"]),
                            "max_settled_ms": max([v for v in e["settled"] if v is not None], default=None),
                            "max_search_kb": max(e["search_kb"], default=None),
                            "found": e["found"], "first": e["first"], "errors": e["errors"]}
                     for kind, e in probes.items()}
    return out


def fmt(value, spec: str = ".1f") -> str:
    return "—" if value is None else format(value, spec)


def print_table(n: int, summary: dict[str, dict], notes: list[str]) -> None:
    engines = [e for e in ENGINES if e in summary]
    print(f"\n== N = {n} reports ==")
    head = f"{'':10} {'build s':>8} {'peak MB':>8} {'index MB':>9} {'idx gz MB':>9} {'files':>6} " \
           f"{'page KB':>8} {'query KB':>9} {'search KB':>9} {'KB@done':>8} {'ms':>8} {'settled':>8} {'passed':>7} {'first':>6}"
    print(head)
    for e in engines:
        s = summary[e]
        passed = "—" if s["passed"] is None else f"{s['passed']:g}/{s['scored']:g}"
        first = "—" if s["first"] is None else f"{s['first']:g}"
        print(f"{LABEL[e]:10} {fmt(s['build_s']):>8} {fmt(s['peak_mb'], '.0f'):>8} "
              f"{fmt(s['index_bytes'] and s['index_bytes'] / 2**20, '.2f'):>9} "
              f"{fmt(s['index_gzip_bytes'] and s['index_gzip_bytes'] / 2**20, '.2f'):>9} "
              f"{fmt(s['index_files'], '.0f'):>6} {fmt(s['avg_page_kb']):>8} {fmt(s['query_kb']):>9} "
              f"{fmt(s['search_kb']):>9} {fmt(s['query_kb_to_done']):>8} "
              f"{fmt(s['query_ms'], '.0f'):>8} {fmt(s['settled_ms'], '.0f'):>8} {passed:>7} {first:>6}")
    for other in [e for e in engines if e != "material" and "material" in engines]:
        a, b = summary["material"], summary[other]

        def ratio(key):
            return fmt(b[key] / a[key], ".2f") if a.get(key) and b.get(key) is not None else "—"

        print(f"{other[0] + '/b ratio':10} {ratio('build_s'):>8} {ratio('peak_mb'):>8} {ratio('index_bytes'):>9} "
              f"{ratio('index_gzip_bytes'):>9} {ratio('index_files'):>6} {ratio('avg_page_kb'):>8} "
              f"{ratio('query_kb'):>9} {ratio('search_kb'):>9} {ratio('query_kb_to_done'):>8} {ratio('query_ms'):>8} {ratio('settled_ms'):>8}")
    print("\nper probe (median ms from input / ms after the input settled / search KB / all KB;"
          " found and first per repeat):")
    kinds = list(dict.fromkeys(k for e in engines for k in summary[e]["probes"]))
    for kind in kinds:
        row = f"  {kind:12}"
        for e in engines:
            p = summary[e]["probes"].get(kind)
            if p is None:
                continue
            marks = "".join("-" if f is None else ("F" if f and s else "f" if f else "x")
                            for f, s in zip(p["found"], p["first"]))
            row += (f"  {LABEL[e]}: {fmt(p['ms'], '.0f'):>7} ms {fmt(p.get('settled_ms'), '.0f'):>5} ms"
                    f" {fmt(p.get('search_kb'), '.0f'):>5} KB {fmt(p['kb'], '.0f'):>6} KB [{marks}]")
        print(row + f"  {p['query']}")
    print("  (F = expected pages found and first, f = found but not first, x = not found, - = not scored)")
    for note in notes:
        print("  note:", note)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def _commit(rev: str) -> str | None:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True)
    return done.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the site search against Material's built-in search.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="numbers of reports")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--workdir", type=Path, help="where corpora and sites go (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--git-rev", metavar="REV",
                        help="benchmark this commit of the project (git archive) instead of the working tree")
    parser.add_argument("--no-browser", action="store_true", help="builds and sizes only")
    parser.add_argument("--no-gzip", action="store_true", help="skip gzip sizes of the index")
    parser.add_argument("--build-timeout", type=float, default=3600)
    parser.add_argument("--query-timeout", type=float, default=300)
    parser.add_argument("--baseline-once-over", type=float, default=300,
                        help="build/query the baseline once at a size whose first baseline build takes longer (s)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up (and stop mkdocs) on kill too

    if not args.no_browser and not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing (apt-get install chromium), or pass --no-browser")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="youfu-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report: dict = {"meta": {
        "argv": sys.argv[1:], "python": sys.version.split()[0], "machine": platform.platform(),
        "cpus": os.cpu_count(), "chromium": CHROMIUM, "seed": args.seed, "repeat": args.repeat,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "work": str(work), "git_rev": args.git_rev,
        "commit": _commit(args.git_rev or "HEAD"), "working_tree": args.git_rev is None}, "sizes": {}}
    print(f"work folder: {work}", flush=True)
    try:
        for n in args.sizes:
            folder = work / f"n{n}"
            if folder.exists():
                shutil.rmtree(folder)
            project = folder / "project"
            started = time.perf_counter()
            probes = corpus.generate(n, args.seed, project, rev=args.git_rev)
            print(f"[N={n}] corpus in {time.perf_counter() - started:.1f} s, {len(probes)} probes", flush=True)
            builder = Builder(project, args.build_timeout)
            runs: dict[str, list[dict]] = {e: [] for e in args.engines}
            notes: list[str] = []
            once: set[str] = set()  # Material-based engines too slow to build and query more than once
            for r in range(args.repeat):
                order = args.engines if r % 2 == 0 else list(reversed(args.engines))
                for engine in order:
                    if engine in once:
                        continue
                    site = folder / f"site-{engine}"
                    build = builder.build(engine, site)
                    line = f"[N={n}] repeat {r + 1}/{args.repeat} {LABEL[engine]}: build " \
                           f"{build['build_s']:.1f} s, peak {fmt(build['peak_mb'], '.0f')} MB"
                    entry = {"repeat": r + 1, "build": build}
                    if build["ok"]:
                        entry["site"] = measure_site(site, engine, with_gzip=not args.no_gzip and r == 0)
                        line += f", index {entry['site']['index_bytes'] / 2**20:.2f} MB" \
                                f" in {entry['site']['index_files']} files"
                        print(line, flush=True)
                        if not args.no_browser:
                            entry["queries"] = run_probes(site, engine, probes, args.query_timeout)
                            s = summarise_run(entry)
                            print(f"          queries: median {fmt(s['query_ms'], '.0f')} ms, "
                                  f"{fmt(s['query_kb'], '.0f')} KB, passed {s['passed']}/{s['scored']}, "
                                  f"first {s['first']}", flush=True)
                    else:
                        lines = (build["error"] or "").splitlines()
                        shown = [x for x in lines if x.startswith(("WARNING", "ERROR", "Aborted"))] or lines
                        print(line + " — FAILED:\n    " + "\n    ".join(shown[-12:]), flush=True)
                    runs[engine].append(entry)
                    if (engine in MATERIAL_UI and r == 0 and args.repeat > 1
                            and build["build_s"] > args.baseline_once_over):
                        once.add(engine)
                        notes.append(f"the {LABEL[engine]} build took {build['build_s']:.0f} s (> "
                                     f"{args.baseline_once_over:.0f} s): it was built and queried once at N={n}")
                        print("  " + notes[-1], flush=True)
                    last = r == args.repeat - 1 or engine in once
                    if not (args.keep and last):
                        shutil.rmtree(site, ignore_errors=True)
            if builder.baseline_switch:
                notes.append(f"baseline switched by {'environment variable' if builder.baseline_switch == 'env' else 'a mkdocs.yml copy with plugins: [search]'}")
            summary = {e: summarise(runs[e]) for e in args.engines}
            ratios: dict[str, dict] = {}
            for other in [e for e in args.engines if e != "material" and "material" in args.engines]:
                ratio = ratios[f"{other}_to_baseline"] = {}
                for key in ("build_s", "peak_mb", "index_bytes", "index_gzip_bytes", "index_files", "avg_page_kb",
                            "avg_report_page_kb", "query_kb", "query_kb_to_done", "query_ms"):
                    a, b = summary["material"].get(key), summary[other].get(key)
                    ratio[key] = b / a if a and b is not None else None
            report["sizes"][str(n)] = {"probes": probes, "median": summary, "ratios": ratios,
                                       "notes": notes, "baseline_switch": builder.baseline_switch, "runs": runs}
            print_table(n, summary, notes)
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

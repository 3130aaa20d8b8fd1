"""Preview speed: from saving an edited report to `youfu serve` serving the new page.

    .venv/bin/python tests/benchmark/preview.py --reports 1000 --repeat 5

Generates a corpus of N synthetic reports (tests/benchmark/corpus.py), then for each
mode — `youfu serve --full` (the engine rebuilds every page after every change) and
`youfu serve` (youfu regenerates only the files an edit changes, and the engine's
`serve --dirty` rebuilds only those pages) — starts the server, waits for the first
build, and then, --repeat times and for each kind of edit:

* "body":  a sentence appended to the body of one report (only that page changes);
* "title": the report's title changed in its front matter (its lists change too:
  the bureau page, its year and topic lists, the archive).

The clock starts when the file is written and stops when an HTTP GET of the edited
report's page returns the new text (polled every 20 ms), which is what the reader sees
after the live reload. It therefore includes both watchers: youfu's (inotify, 0.05 s of
quiet, then the regeneration) and the engine's on the generated tree. The engine's log
line "Documentation built in … seconds" gives its rebuild alone ("build s"). Between
edits the script waits until the server has finished building.

Figures are medians over the repeats; the first build's time is printed as the
baseline (the same machine, the same run). Machines are noisy: read the medians.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`mkdocs serve` in a subprocess; its log is read in a thread."""

    def __init__(self, project: Path, dirty: bool):
        self.port = free_port()
        args = [sys.executable, "-m", "youfu", "serve", "--root", str(project), "--dev-addr", f"127.0.0.1:{self.port}"]
        if not dirty:
            args.append("--full")
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.process = subprocess.Popen(args, cwd=project, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
                                        start_new_session=True,
                                        # Ctrl+C must stop it even when this script runs in the
                                        # background, where the shell leaves SIGINT ignored
                                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.builds: list[float] = []
        self.log: list[str] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self.lock:
                self.log.append(line.rstrip())
                if match := BUILT.search(line):
                    self.builds.append(float(match.group(1)))

    def wait_builds(self, count: int, timeout: float) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if len(self.builds) >= count:
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit("youfu serve did not finish a build:\n" + "\n".join(self.log[-30:]))

    def get(self, path: str) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=300) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, OSError):  # not up yet, or the build failed
            return ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


def report_to_edit(project: Path) -> tuple[Path, str]:
    """A report file and the address of its page (use_directory_urls is off)."""
    path = sorted((project / "content" / "reports").rglob("*.md"))[len(
        list((project / "content" / "reports").rglob("*.md"))) // 2]
    relative = path.relative_to(project / "content").as_posix()
    return path, relative.removesuffix(".md") + ".html"


def edit(path: Path, kind: str, mark: str) -> str:
    """Change the report; return the text its page must then show."""
    text = path.read_text(encoding="utf-8")
    if kind == "body":
        path.write_text(text.rstrip("\n") + f"\n\n预览测试{mark}。\n", encoding="utf-8")
        return f"预览测试{mark}"
    head, sep, rest = text.partition("\ntitle: ")
    old_title, newline, tail = rest.partition("\n")
    title = re.sub(r"（预览\d+）$", "", old_title.strip().strip('"')) + f"（预览{mark}）"
    path.write_text(f"{head}{sep}{json.dumps(title, ensure_ascii=False)}{newline}{tail}", encoding="utf-8")
    return f"（预览{mark}）"


def measure(project: Path, dirty: bool, repeat: int, kinds: list[str], pause: float) -> dict:
    server = Server(project, dirty)
    try:
        server.wait_builds(1, timeout=float(os.environ.get("YOUFU_FIRST_BUILD_TIMEOUT", "1800")))
        first = server.builds[0]
        path, page = report_to_edit(project)
        assert server.get(page), f"{page} is not served"
        results: dict[str, list[dict]] = {k: [] for k in kinds}
        mark = int(time.time()) % 100000 * 100  # new text on every run
        for _ in range(repeat):
            for kind in kinds:
                time.sleep(pause)  # the index of the last rebuild is written meanwhile
                mark += 1
                before = len(server.builds)
                expected = edit(path, kind, str(mark))
                start = time.monotonic()
                while expected not in server.get(page):
                    if time.monotonic() - start > 600:
                        raise SystemExit(f"the edit did not show up in 600 s:\n" + "\n".join(server.log[-30:]))
                    time.sleep(0.02)
                seen = time.monotonic() - start
                server.wait_builds(before + 1, timeout=600)
                results[kind].append({"visible_s": seen, "build_s": server.builds[before]})
        return {"first_build_s": first, "edits": results}
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modes", nargs="+", choices=["full", "dirty"], default=["full", "dirty"])
    parser.add_argument("--kinds", nargs="+", choices=["body", "title"], default=["body", "title"])
    parser.add_argument("--pause", type=float, default=5.0,
                        help="seconds between one edit showing and the next edit (default 5)")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="youfu-preview-"))
    project = work / f"corpus-{args.reports}"
    if not project.exists():
        corpus.generate(args.reports, args.seed, project)
    figures = {"reports": args.reports, "modes": {}}
    for mode in args.modes:
        label = "youfu serve" + (" --full" if mode == "full" else "")
        print(f"[{label}] starting with {args.reports} reports …", flush=True)
        result = measure(project, mode == "dirty", args.repeat, args.kinds, args.pause)
        figures["modes"][mode] = result
        print(f"[{label}] first build {result['first_build_s']:.1f} s", flush=True)
        for kind, runs in result["edits"].items():
            visible = statistics.median(r["visible_s"] for r in runs)
            build = statistics.median(r["build_s"] for r in runs)
            print(f"    edit {kind:<5}: visible after {visible:.2f} s (median of {len(runs)}; "
                  f"each: {', '.join(format(r['visible_s'], '.2f') for r in runs)}), rebuild {build:.2f} s", flush=True)
    print()
    print(f"== preview with {args.reports} reports (median s) ==")
    print(f"{'mode':<22}{'first build':>12}" + "".join(f"{'visible ' + k:>15}{'rebuild ' + k:>15}" for k in args.kinds))
    for mode, result in figures["modes"].items():
        label = "youfu serve" + (" --full" if mode == "full" else "")
        row = f"{label:<22}{result['first_build_s']:>12.2f}"
        for kind in args.kinds:
            runs = result["edits"][kind]
            row += f"{statistics.median(r['visible_s'] for r in runs):>15.2f}"
            row += f"{statistics.median(r['build_s'] for r in runs):>15.2f}"
        print(row)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

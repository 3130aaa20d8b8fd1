"""Build scale benchmark: one engine process against K (sharded build) against the Material-search
baseline, on the same synthetic corpus in the same run.

    .venv/bin/python tests/benchmark/scale.py --sizes 1000 10000 --jobs 2 --repeat 1 --json scale.json

For every size N: generate a corpus of N synthetic reports (tests/benchmark/corpus.py), then,
per repeat, build it three ways, each into a fresh folder:

* jobs=1     `python -m youfu build --jobs 1`: youfu generate, one MkDocs process, youfu's
             finishing, search index and link check (today's single-process build);
* jobs=K     `python -m youfu build --jobs K`: the same with K MkDocs processes over shards
             of the pages (hooks/youfu/shards.py), merged, indexed and checked once;
* capped     (with --shard-pages N and `--variants … capped`) jobs=K with at most N pages per
             engine process: more shards than processes, built in turn;
* baseline   `python -m mkdocs build --strict` with YOUFU_SEARCH=material and
             YOUFU_MATERIAL_SEARCH=true, exactly as tests/benchmark/run.py builds its
             baseline (Material's search plugin on; the youfu hook generates the tree and
             runs its own index and link check inside the MkDocs process, as in run.py).

Measured per build:

* wall time (time.perf_counter around the whole command);
* CPU time: user + system seconds of the whole process tree (/usr/bin/time -v). On a busy
  shared machine the wall time says more about the neighbours than about the build; the CPU
  time does not (it shows the work the sharding adds, not what it saves in wall time);
* peak RSS of the largest process: "Maximum resident set size" of /usr/bin/time -v, which is
  the largest maxrss of any single process of the tree (the kernel keeps the largest of the
  waited-for descendants); without /usr/bin/time, the sampled figure below;
* peak RSS of all processes together: the largest sum of VmRSS over the command's process
  tree, sampled from /proc every 50 ms (a short spike between two samples can be missed;
  shared pages are counted in every process that maps them, so this is an upper bound of
  what the machine needed).

Printed: the medians over repeats per size and variant, and the ratios jobs=K / jobs=1 and
each youfu build / baseline (wall time). --json writes every single measurement. The machine
is shared and noisy: read the medians, and repeat at the sizes that matter.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

TIME = "/usr/bin/time"


# ---------------------------------------------------------------------------
# Memory of a process tree, from /proc
# ---------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                stat = file.read().decode("ascii", "replace")
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as file:
            for line in file:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _role(pid: int) -> str:
    """What a process of the build is: the engine, a shard worker, youfu itself, or other."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            words = file.read().split(b"\0")
    except OSError:
        return "other"
    text = b" ".join(words)
    if b"-m mkdocs" in text or b"-m properdocs" in text:
        return "engine"
    if b"multiprocessing" in text:
        return "worker"
    if b"-m youfu" in text:
        return "youfu"
    return "other"


def tree_rss(root_pid: int) -> tuple[int, int, dict[str, int]]:
    """(largest single RSS, sum of RSS, largest RSS per role) in kB over `root_pid` and all its
    descendants."""
    tree = _children()
    todo, seen = [root_pid], []
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(tree.get(pid, []))
    sizes = {pid: _rss_kb(pid) for pid in seen}
    roles: dict[str, int] = {}
    for pid, size in sizes.items():
        role = _role(pid)
        roles[role] = max(roles.get(role, 0), size)
    return max(sizes.values(), default=0), sum(sizes.values()), roles


class Sampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.largest = self.total = 0
        self.roles: dict[str, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            largest, total, roles = tree_rss(self.pid)
            self.largest, self.total = max(self.largest, largest), max(self.total, total)
            for role, size in roles.items():
                self.roles[role] = max(self.roles.get(role, 0), size)
            self.done.wait(self.every)


# ---------------------------------------------------------------------------
# Builds
# ---------------------------------------------------------------------------


def command_for(variant: str, project: Path, site: Path, jobs: int,
                shard_pages: int | None = None) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("YOUFU_SEARCH", "YOUFU_MATERIAL_SEARCH", "YOUFU_SHARD", "YOUFU_BUILD", "YOUFU_DOCS_DIR")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    if variant == "baseline":
        env.update(YOUFU_SEARCH="material", YOUFU_MATERIAL_SEARCH="true")
        return [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site),
                "--config-file", str(project / "mkdocs.yml")], env
    count = 1 if variant == "jobs=1" else jobs
    capped = ["--shard-pages", str(shard_pages)] if variant == "capped" and shard_pages else []
    return [sys.executable, "-m", "youfu", "build", "--root", str(project), "--site-dir", str(site),
            "--jobs", str(count), *capped], env


def measure(variant: str, project: Path, site: Path, jobs: int, timeout: float,
            shard_pages: int | None = None) -> dict:
    if site.exists():
        shutil.rmtree(site)
    command, env = command_for(variant, project, site, jobs, shard_pages)
    timefile = site.parent / f".time-{site.name}.txt"
    use_time = Path(TIME).exists()
    if use_time:
        command = [TIME, "-v", "-o", str(timefile)] + command
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    sampler = Sampler(process.pid)
    sampler.start()
    try:
        output, _ = process.communicate(timeout=timeout)
        ok = process.returncode == 0
    except subprocess.TimeoutExpired:
        process.kill()
        output, ok = f"timed out after {timeout} s", False
    wall = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    largest_mb = sampler.largest / 1024
    source, cpu = "sampled", None
    if use_time and timefile.exists():
        text = timefile.read_text()
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        if found:
            largest_mb, source = int(found.group(1)) / 1024, "time -v"
        user = re.search(r"User time \(seconds\): ([\d.]+)", text)
        system = re.search(r"System time \(seconds\): ([\d.]+)", text)
        if user and system:
            cpu = round(float(user.group(1)) + float(system.group(1)), 1)
    pages = sum(1 for _ in site.rglob("*.html")) if ok else 0
    return {"variant": variant, "ok": ok, "wall_s": round(wall, 2), "cpu_s": cpu, "largest_mb": round(largest_mb, 1),
            "largest_source": source, "all_mb": round(sampler.total / 1024, 1), "pages": pages,
            "by_role_mb": {k: round(v / 1024) for k, v in sorted(sampler.roles.items()) if k != "other"},
            "error": None if ok else output[-2000:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="K (default: every core)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--variants", nargs="+", default=["jobs=1", "jobs=K", "baseline"],
                        choices=["jobs=1", "jobs=K", "capped", "baseline"],
                        help="capped: jobs=K with --shard-pages (more shards than processes, built in turn)")
    parser.add_argument("--shard-pages", type=int, default=None, help="pages per engine process for 'capped'")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="build the corpora here and keep them")
    args = parser.parse_args(argv)

    machine = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    print(f"{machine['date']} · {machine['platform']} · Python {machine['python']} · {machine['cpus']} CPUs · "
          f"K={args.jobs}", flush=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="youfu-scale-"))
    runs: list[dict] = []
    try:
        for size in args.sizes:
            project = work / f"corpus-{size}"
            if not project.exists():
                started = time.perf_counter()
                corpus.generate(size, 1, project)
                print(f"N={size}: corpus in {time.perf_counter() - started:.1f} s", flush=True)
            for repeat in range(args.repeat):
                for variant in args.variants:
                    site = work / f"site-{size}-{variant.replace('=', '')}"
                    run = measure(variant, project, site, args.jobs, args.timeout, args.shard_pages)
                    shutil.rmtree(site, ignore_errors=True)
                    run.update(size=size, repeat=repeat, jobs=1 if variant == "jobs=1" else args.jobs)
                    runs.append(run)
                    status = "ok" if run["ok"] else "FAILED"
                    print(f"  N={size} #{repeat + 1} {variant:8} {status}: {run['wall_s']:7.1f} s (CPU {run['cpu_s']} s), largest process "
                          f"{run['largest_mb']:6.0f} MB, all processes {run['all_mb']:6.0f} MB; largest sampled by role "
                          f"{run['by_role_mb']}", flush=True)
                    if not run["ok"]:
                        print(run["error"], file=sys.stderr)
        print()
        print(f"{'N':>6} {'variant':9} {'wall s':>8} {'CPU s':>8} {'largest MB':>11} {'all MB':>8}   (medians)")
        table: dict[tuple[int, str], dict] = {}
        for size in args.sizes:
            for variant in args.variants:
                done = [r for r in runs if r["size"] == size and r["variant"] == variant and r["ok"]]
                if not done:
                    continue
                row = {key: statistics.median(r[key] for r in done) for key in ("wall_s", "largest_mb", "all_mb")}
                cpus = [r["cpu_s"] for r in done if r["cpu_s"] is not None]
                row["cpu_s"] = statistics.median(cpus) if cpus else None
                table[(size, variant)] = row
                print(f"{size:>6} {variant:9} {row['wall_s']:8.1f} {row['cpu_s'] or 0:8.1f} {row['largest_mb']:11.0f} "
                      f"{row['all_mb']:8.0f}")
        print()
        ratios = []
        for size in args.sizes:
            for top, bottom in (("jobs=K", "jobs=1"), ("capped", "jobs=1"), ("jobs=1", "baseline"),
                                ("jobs=K", "baseline"), ("capped", "baseline")):
                if (size, top) in table and (size, bottom) in table:
                    ratio = table[(size, top)]["wall_s"] / table[(size, bottom)]["wall_s"]
                    one, other = table[(size, top)]["cpu_s"], table[(size, bottom)]["cpu_s"]
                    cpu_ratio = round(one / other, 3) if one and other else None
                    ratios.append({"size": size, "of": top, "to": bottom, "wall_ratio": round(ratio, 3),
                                   "cpu_ratio": cpu_ratio})
                    print(f"N={size}: {top} / {bottom}: wall time {ratio:.2f}×, CPU time {cpu_ratio}×")
        if args.json:
            args.json.write_text(json.dumps({"machine": machine, "jobs": args.jobs, "runs": runs, "ratios": ratios,
                                             "medians": {f"{s}/{v}": row for (s, v), row in table.items()}},
                                            ensure_ascii=False, indent=1), encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r["ok"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())

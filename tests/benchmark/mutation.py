"""Mutation score of the core modules with mutmut (pip install -e '.[mutation]'; not run in CI).

    .venv/bin/python tests/benchmark/mutation.py figures                 # one module, its tests
    .venv/bin/python tests/benchmark/mutation.py figures search --jobs 2
    .venv/bin/python tests/benchmark/mutation.py --list

mutmut changes one small thing in the module at a time (an operator, a constant, a comparison,
a removed call …) and runs the tests that execute the changed function; a mutant is *killed*
when a test fails, *survives* when all pass. Score = killed / (killed + survived); mutants no
test reaches count as survivors ("no tests"), timeouts as killed (mutmut's convention).

mutmut wants the code under src/ and imported by its package name, so the project is copied
into a temporary folder with hooks/youfu moved to src/youfu; the chosen module's mutants are
run against the non-browser, non-build tests named for it below. Prints, per module, the counts,
the score and every surviving mutant (name and diff with --diffs).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "tests/benchmark/results/mutation.json"
MUTMUT = Path(sys.executable).with_name("mutmut")

# module → the tests that exercise it without a browser or a full build
MODULES: dict[str, tuple[str, ...]] = {
    "figures": ("tests/test_figures.py", "tests/test_breaks.py", "tests/test_reports.py"),
    "records": ("tests/test_validation.py", "tests/test_bad_input.py", "tests/test_breaks.py"),
    "catalog": ("tests/test_validation.py", "tests/test_bad_input.py", "tests/test_breaks.py"),
    "reports": ("tests/test_reports.py", "tests/test_figures.py", "tests/test_bad_input.py"),
    "search": ("tests/test_search.py", "tests/test_breaks.py"),
    "opendata": ("tests/test_opendata.py", "tests/test_breaks.py"),
    "publish": ("tests/test_publish.py", "tests/test_breaks.py"),
    "generate": ("tests/test_preview.py", "tests/test_breaks.py"),
    "pipeline": ("tests/test_pipeline.py", "tests/test_preview.py", "tests/test_breaks.py"),
    "cli": ("tests/test_cli.py", "tests/test_breaks.py"),
}

IGNORE = shutil.ignore_patterns(".git", "site", ".venv", "__pycache__", "*.egg-info", ".pytest_cache",
                                "node_modules", "mutants", ".youfu")


def prepare(tmp: Path, module: str, tests: tuple[str, ...]) -> Path:
    project = tmp / module
    shutil.copytree(ROOT, project, ignore=IGNORE, symlinks=True)
    (project / "src").mkdir()
    shutil.move(project / "hooks/youfu", project / "src/youfu")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").replace('pythonpath = ["hooks"]', 'pythonpath = ["src", "hooks"]')
    quoted = ", ".join(f'"{t}"' for t in tests)
    text += f"""
[tool.mutmut]
source_paths = ["src"]
only_mutate = ["src/youfu/{module}.py"]
also_copy = ["hooks/", "tests/", "data/", "content/", "overrides/", "mkdocs.yml"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-m", "not browser and not build", "-q"]
pytest_add_cli_args_test_selection = [{quoted}]
"""
    pyproject.write_text(text, encoding="utf-8")
    return project


_LINE = re.compile(r"^\s*(\S+):\s*(killed|survived|no tests|timeout|suspicious|skipped|segfault|"
                   r"caught by type check|not checked|check was interrupted by user)\s*$")


def results(project: Path) -> dict[str, str]:
    done = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=project, capture_output=True, text=True)
    out = {}
    for line in done.stdout.splitlines():
        found = _LINE.match(line)
        if found:
            out[found.group(1)] = found.group(2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--diffs", action="store_true", help="show the diff of every survivor")
    parser.add_argument("--keep", type=Path, help="keep the mutated copies in this folder")
    parser.add_argument("--save", action="store_true",
                        help=f"merge the outcome per module into {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    if args.list or not args.modules:
        for name, tests in MODULES.items():
            print(f"{name:10} {' '.join(tests)}")
        return 0
    if not MUTMUT.exists():
        print("mutmut is not installed: .venv/bin/pip install -e '.[mutation]'", file=sys.stderr)
        return 2
    total_killed = total_survived = 0
    saved: dict = {}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    base = args.keep or Path(tempfile.mkdtemp(prefix="youfu-mutation-"))
    base.mkdir(parents=True, exist_ok=True)
    for module in args.modules:
        project = prepare(base, module, MODULES[module])
        started = time.monotonic()
        run = subprocess.run([str(MUTMUT), "run", "--max-children", str(args.jobs)], cwd=project,
                             capture_output=True, text=True)
        found = results(project)
        if not found:
            print(f"{module}: mutmut gave no results (exit {run.returncode})\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
            continue
        counts: dict[str, int] = {}
        for status in found.values():
            counts[status] = counts.get(status, 0) + 1
        killed = counts.get("killed", 0) + counts.get("timeout", 0)
        survived = counts.get("survived", 0) + counts.get("no tests", 0)
        total_killed += killed
        total_survived += survived
        score = killed / (killed + survived) if killed + survived else 0.0
        print(f"{module}: {len(found)} mutants, {killed} killed, {survived} survived "
              f"({counts.get('no tests', 0)} reached by no test), score {score:.1%}, "
              f"{time.monotonic() - started:.0f} s; {counts}")
        survivors = []
        for name, status in sorted(found.items()):
            if status in ("survived", "no tests"):
                survivors.append(name)
                print(f"  survivor: {name} ({status})")
                if args.diffs:
                    diff = subprocess.run([str(MUTMUT), "show", name], cwd=project, capture_output=True, text=True)
                    print("    " + "\n    ".join(diff.stdout.strip().splitlines()[2:]))
        sys.stdout.flush()
        saved[module] = {"commit": commit, "date": time.strftime("%Y-%m-%d"), "mutants": len(found),
                         "killed": killed, "survived": survived, "no_tests": counts.get("no tests", 0),
                         "tests": list(MODULES[module]), "survivors": survivors}
    if args.save:  # merged with what other runs saved meanwhile
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        saved = {**(json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}), **saved}
        RESULTS.write_text(json.dumps(saved, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if total_killed + total_survived:
        print(f"all: {total_killed}/{total_killed + total_survived} killed, "
              f"score {total_killed / (total_killed + total_survived):.1%}")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Sharded builds (`youfu build --jobs K`, `youfu build --shard i/K` + `youfu merge`) make the
same site, byte for byte, as one engine process: on the shipped data and on a 300-report corpus."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, build

sys.path.insert(0, str(ROOT / "tests" / "benchmark"))
sys.path.insert(0, str(ROOT / "hooks"))

from youfu import shards  # noqa: E402


def youfu(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "youfu", *args, "--root", str(project)], cwd=project,
                          capture_output=True, text=True, env=env, timeout=600)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of a folder (relative posix path → bytes), read without any youfu code."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def assert_same_tree(one: Path, other: Path) -> None:
    a, b = tree(one), tree(other)
    assert sorted(a) == sorted(b), (sorted(set(a) ^ set(b)))[:20]
    different = [name for name in a if a[name] != b[name]]
    assert not different, different[:20]


def test_every_page_is_in_exactly_one_shard_and_stays_there():
    names = [f"reports/b{i}/r{j}.md" for i in range(30) for j in range(20)] + ["index.md", "search/index.md"]
    for count in (2, 3, 7):
        owners = {name: [i for i in range(count) if shards.Shard(i, count).owns(name)] for name in names}
        assert all(len(found) == 1 for found in owners.values())
        sizes = [sum(1 for found in owners.values() if found == [i]) for i in range(count)]
        assert min(sizes) > len(names) / count / 2  # no shard is left nearly empty
        # The same answer in a fresh interpreter (no per-process hash seed).
        code = ("import sys; sys.path.insert(0, 'hooks'); from youfu import shards; "
                f"print(','.join(str(shards.shard_of(n, {count})) for n in {names[:50]!r}))")
        again = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                               env={**os.environ, "PYTHONHASHSEED": "123"})
        assert again.stdout.strip() == ",".join(str(owners[n][0]) for n in names[:50])


@pytest.mark.parametrize("spec", ["", "3", "1/", "a/3", "3/3", "-1/3", "0/0", "1 of 3"])
def test_a_bad_shard_is_refused_with_a_message(spec):
    with pytest.raises(shards.ShardError) as error:
        shards.parse(spec)
    assert "分片" in str(error.value)


def test_jobs_default_to_every_core_but_not_for_a_small_site():
    cores = os.cpu_count() or 1
    assert shards.jobs_for(None, 100) == 1
    assert shards.jobs_for(None, 100_000) == cores
    assert shards.jobs_for(None, 600) == min(cores, 2)
    assert shards.jobs_for(3, 10) == 3  # asked for: as asked
    assert shards.jobs_for(1, 100_000) == 1
    # More shards than processes when a shard would be too large (built in turn).
    assert shards.shard_count(2, 40_000, 5000) == 8
    assert shards.shard_count(2, 40_001, 5000) == 9
    assert shards.shard_count(4, 1000, 5000) == 4
    assert shards.shard_count(3, 1000, None) == 3


@pytest.mark.build
def test_the_shipped_data_built_by_three_shards_is_byte_identical(tmp_path):
    one, three = tmp_path / "one", tmp_path / "three"
    assert build(ROOT, one, "--jobs", "1", engine="mkdocs").returncode == 0
    done = build(ROOT, three, "--jobs", "3", engine="mkdocs")
    assert done.returncode == 0, done.stderr[-3000:]
    assert not list(tmp_path.glob(".*shards-*")), "the shards' folders are removed"
    assert_same_tree(one, three)
    # One process at a time, at most 80 pages each: three shards built in turn.
    turns = tmp_path / "turns"
    done = build(ROOT, turns, "--jobs", "1", "--shard-pages", "80", engine="mkdocs")
    assert done.returncode == 0, done.stderr[-3000:]
    assert_same_tree(one, turns)

    # The CI way: one job per shard, then youfu merge (in any order of the folders).
    parts = [tmp_path / f"part{i}" for i in range(3)]
    pages = []
    for i, part in enumerate(parts):
        done = youfu(ROOT, "build", "--engine", "mkdocs", "--shard", f"{i}/3", "--site-dir", str(part))
        assert done.returncode == 0, done.stderr[-3000:]
        pages.append({p for p in tree(part) if p.endswith(".html") and p != "404.html"})
    # Each job wrote only its own pages: together every page once.
    everything = {p for p in tree(one) if p.endswith(".html") and p != "404.html"}
    assert set().union(*pages) == everything
    assert sum(len(p) for p in pages) == len(everything)
    assert all(len(p) > len(everything) / 6 for p in pages)
    merged = tmp_path / "merged"
    done = youfu(ROOT, "merge", str(parts[2]), str(parts[0]), str(parts[1]), "--site-dir", str(merged))
    assert done.returncode == 0, done.stderr[-3000:]
    assert_same_tree(one, merged)


@pytest.mark.build
def test_merge_refuses_an_incomplete_set_and_leaves_the_site(tmp_path):
    part = tmp_path / "part0"
    assert youfu(ROOT, "build", "--engine", "mkdocs", "--shard", "0/2", "--site-dir", str(part)).returncode == 0
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("old", encoding="utf-8")
    done = youfu(ROOT, "merge", str(part), "--site-dir", str(site))
    assert done.returncode == 1
    assert "缺少分片 1" in done.stderr
    assert tree(site) == {"old.html": b"old"}
    done = youfu(ROOT, "merge", str(part), str(tmp_path), "--site-dir", str(site))
    assert done.returncode == 1 and "不是 youfu build --shard 生成的分片文件夹" in done.stderr


@pytest.mark.build
def test_a_300_report_corpus_built_by_three_shards_is_byte_identical(tmp_path):
    import corpus

    project = tmp_path / "corpus"
    corpus.generate(300, 1, project)
    one, three = tmp_path / "one", tmp_path / "three"
    done = build(project, one, "--jobs", "1", engine="mkdocs")
    assert done.returncode == 0, done.stderr[-3000:]
    done = build(project, three, "--jobs", "3", engine="mkdocs")
    assert done.returncode == 0, done.stderr[-3000:]
    assert len([p for p in tree(one) if p.startswith("reports/")]) > 300
    assert_same_tree(one, three)


def test_generation_in_its_own_process_reports_data_problems_as_they_are(site_copy, tmp_path):
    """A large site generates its tree in a separate process (its memory is freed before the
    engines start); a data problem still comes back as `path:line: message`, not a traceback."""
    from youfu import generate, pipeline, siteconfig

    bureaus = site_copy / "data" / "bureaus.yml"
    bureaus.write_text(bureaus.read_text(encoding="utf-8") + "\n- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(generate.GenerateError) as error:
        pipeline.generate_apart(site_copy, tmp_path / "docs", siteconfig.read(site_copy))
    assert error.value.problems
    assert all(str(p).startswith("data/bureaus.yml:") for p in error.value.problems), error.value.problems
    good = pipeline.generate_apart(ROOT, tmp_path / "ok",
                                   siteconfig.read(ROOT))
    assert (tmp_path / "ok" / "index.md").is_file() and good.total > 100

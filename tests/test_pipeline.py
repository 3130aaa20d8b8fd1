"""One pipeline that outlives its engine: generate (no engine) → build (MkDocs or ProperDocs,
and Zensical where installed) → index and check (any built folder)."""
from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, build, built, engine_build

# Runs `youfu generate` in a fresh interpreter where importing any engine fails.
NO_ENGINE = r'''
import importlib.abc, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"mkdocs", "properdocs", "material", "zensical"}:
            raise ImportError(f"{name} must not be imported by youfu generate")
        return None
sys.meta_path.insert(0, Refuse())
from youfu.cli import main
code = main(["generate", sys.argv[1], "--root", sys.argv[2]])
assert not {m for m in sys.modules if m.split(".")[0] in {"mkdocs", "properdocs", "material"}}, "an engine was imported"
print("modules-ok")
sys.exit(code)
'''


def test_generate_runs_with_no_engine_importable(tmp_path):
    result = subprocess.run([sys.executable, "-c", NO_ENGINE, str(tmp_path / "docs"), str(ROOT)],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "hooks")})
    assert result.returncode == 0, result.stderr
    assert "modules-ok" in result.stdout
    docs = tmp_path / "docs"
    # the tree holds every hand-written page, every generated page and the data files
    for src in ("index.md", "about.md", "bureaus/index.md", "benefits/matrix.md", "blood/index.md",
                "reports/datong-city/2014-fangan.md", "downloads/facilities.csv", "feed.xml", "assets/search.js"):
        assert (docs / src).is_file(), src


def test_a_generated_page_is_markdown_any_engine_can_build(tmp_path):
    """Front matter, then our partial's HTML (block level, so Markdown leaves it alone), then the
    history block; a hand-written page keeps its Markdown inside a markdown="1" block."""
    from youfu import generate

    docs = tmp_path / "docs"
    generate.generate(ROOT, docs)
    page = (docs / "bureaus/datong-city.md").read_text(encoding="utf-8")
    assert page.startswith("---\n") and "\ntitle: 大同市卫生局\n" in page
    body = page.split("\n---\n", 1)[1]
    assert body.lstrip().startswith("<h1>")
    assert '<div class="yf-after">' in body and 'data-yf-search="' in body
    report = (docs / "reports/datong-city/2014-fangan.md").read_text(encoding="utf-8")
    source = (ROOT / "content/reports/datong-city/2014-fangan.md").read_text(encoding="utf-8")
    markdown = source.split("\n---\n", 1)[1].strip()
    assert f'<div class="yf-md" markdown="1">\n\n{markdown}\n\n</div>' in report


def _articles(site: Path) -> dict[str, str]:
    out = {}
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"<article\b[^>]*>(.*)</article>", text, re.S)
        if found:
            out[path.relative_to(site).as_posix()] = " ".join(found.group(1).split())
    return out


def _files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


@pytest.mark.build
@pytest.mark.skipif(importlib.util.find_spec("properdocs") is None, reason="ProperDocs is not installed")
def test_mkdocs_and_properdocs_build_the_same_site_and_index(tmp_path):
    sites = {}
    for engine in ("mkdocs", "properdocs"):
        sites[engine] = tmp_path / engine
        result = build(ROOT, sites[engine], engine=engine)
        assert result.returncode == 0, result.stderr
    assert _files(sites["mkdocs"]) == _files(sites["properdocs"])
    assert _articles(sites["mkdocs"]) == _articles(sites["properdocs"])
    index = sorted(p.relative_to(sites["mkdocs"]).as_posix() for p in (sites["mkdocs"] / "search/idx").rglob("*.js"))
    assert len(index) > 50
    for relative in index:
        assert (sites["mkdocs"] / relative).read_bytes() == (sites["properdocs"] / relative).read_bytes(), relative


@pytest.mark.build
def test_the_engine_run_directly_builds_the_same_site_as_youfu_build(tmp_path):
    """`mkdocs build` (the hook runs youfu's steps) and `youfu build` make the same pages."""
    ours, direct = tmp_path / "ours", tmp_path / "direct"
    assert build(ROOT, ours).returncode == 0
    result = engine_build(ROOT, direct)
    assert result.returncode == 0, result.stderr
    assert _articles(ours) == _articles(direct)
    assert (direct / "search/idx/meta.js").read_bytes() == (ours / "search/idx/meta.js").read_bytes()


@pytest.mark.build
def test_youfu_index_of_a_built_folder_gives_the_same_index(tmp_path):
    site = tmp_path / "site"
    assert build(ROOT, site).returncode == 0
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "search/idx").rglob("*") if p.is_file()}
    import shutil

    shutil.rmtree(site / "search/idx")
    result = subprocess.run([sys.executable, "-m", "youfu", "index", str(site)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "search/idx").rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.build
def test_an_engine_failure_leaves_the_site_folder_as_it_was(site_copy, tmp_path):
    """A Markdown link to a page that does not exist: strict mode stops the engine; the old
    site stays, no staging folder is left, and the message names the engine's complaint."""
    page = site_copy / "content/about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[不存在的页面](no-such-page.md)\n", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("上一版", encoding="utf-8")
    result = build(site_copy, site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "no-such-page.md" in result.stderr and "保持原样" in result.stderr
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "上一版"
    assert [p.name for p in tmp_path.iterdir()] == ["site"] or all(not p.name.startswith(".site.") for p in tmp_path.iterdir())


def test_no_code_reaches_into_an_engine_or_replaces_its_methods():
    """No private attribute of another object is used (only our own, in the module that owns
    it), no engine method is replaced, and no engine logger is filtered."""
    owners = {"dataset.py": {"_loaded", "_at", "_raw_ids"}}
    for path in sorted((ROOT / "hooks").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                base = ast.unparse(node.value)
                if base not in ("self", "cls"):
                    assert node.attr in owners.get(path.name, set()), f"{path}:{node.lineno}: {base}.{node.attr}"
        for forbidden in ("get_env =", "list_templates =", ".addFilter(", "_watched_paths", "_watch_refs",
                          "page.content = ", "page.markdown = "):
            assert forbidden not in text, f"{path}: {forbidden}"


def test_zensical_config_points_at_the_generated_tree(tmp_path):
    from youfu import pipeline

    config = pipeline.zensical_config(ROOT, ROOT / ".youfu" / "build-x").read_text(encoding="utf-8")
    assert "\ndocs_dir: docs\n" in config and "\nsite_dir: build-x\n" in config
    assert "custom_dir: ../overrides" in config
    assert "!ENV [YOUFU_DOCS_DIR" not in config

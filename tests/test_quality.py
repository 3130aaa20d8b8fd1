"""Quality gates over the whole built site: reproducible builds, no broken internal
links or anchors (also under a sub-path), and no executable markup from data."""
from __future__ import annotations

import filecmp
import re
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, build
from youfu.linkcheck import broken_links

pytestmark = pytest.mark.build


def _same_tree(a: Path, b: Path) -> list[str]:
    differ = []
    compare = filecmp.dircmp(a, b)
    differ += [f"only in one build: {n}" for n in compare.left_only + compare.right_only]
    _, mismatch, errors = filecmp.cmpfiles(a, b, compare.common_files, shallow=False)
    differ += mismatch + errors
    for sub in compare.common_dirs:
        differ += [f"{sub}/{d}" for d in _same_tree(a / sub, b / sub)]
    return differ


def test_two_builds_are_byte_identical(tmp_path):
    for name in ("one", "two"):
        result = build(ROOT, tmp_path / name)
        assert result.returncode == 0, result.stderr
    assert _same_tree(tmp_path / "one", tmp_path / "two") == []


def test_no_broken_internal_links_or_anchors(tmp_path):
    result = build(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    broken, checked = broken_links(tmp_path / "site")
    assert checked > 1000
    assert [str(b) for b in broken] == []


def test_sub_path_build_links_correctly(tmp_path, monkeypatch):
    monkeypatch.setenv("YOUFU_SITE_URL", "https://host.example/youfu/")
    host = tmp_path / "host"
    result = build(ROOT, host / "youfu")
    assert result.returncode == 0, result.stderr
    # Served from host/, every root-relative link must stay inside /youfu/.
    broken, checked = broken_links(host)
    assert checked > 1000 and [str(b) for b in broken] == []
    page404 = (host / "youfu/404.html").read_text(encoding="utf-8")
    assert re.findall(r'href="/(?!youfu/)[^"]*"', page404) == []


def test_link_checker_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/b.html#x">1</a><a href="missing.html">2</a>'
                                         '<a href="#top">3</a><a href="https://x.example/">4</a>', encoding="utf-8")
    (tmp_path / "a/b.html").write_text('<h2 id="y">y</h2><a href="../index.html#top">back</a>', encoding="utf-8")
    broken, checked = broken_links(tmp_path)
    assert checked == 4
    assert [str(b) for b in broken] == [
        "a/b.html: ../index.html#top: anchor #top is not on index.html",
        "index.html: #top: anchor #top is not on index.html",
        "index.html: a/b.html#x: anchor #x is not on a/b.html",
        "index.html: missing.html: target does not exist",
    ]


# ---------------------------------------------------------------------------
# Injection corpus: hostile values in every text field make no executable markup
# ---------------------------------------------------------------------------

CORPUS = [
    "{{ 7*7 }}注入一",
    "{% if true %}注入二{% endif %}",
    '" onmouseover="alert(1)',
    "' onfocus='alert(2)",
    "javascript:alert(3)",
    "[链接](javascript:alert(4))",
    "![图](https://evil.example/x.png)",
    "&lt;script&gt;alert(5)&lt;/script&gt;",
    "{{ config.extra }}",
]

TEXT_FIELDS = {"name", "note", "title", "definition", "plain", "what", "who_detail", "where_to_go",
               "label", "address", "hours", "evidence", "where", "summary", "term", "status_note", "result",
               "contact", "by", "year_doubtful", "year_inferred"}


def _poison(value, counter):
    """Replace every text field (and list of texts) in a YAML structure with corpus strings."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in TEXT_FIELDS and isinstance(item, str):
                out[key] = CORPUS[next(counter) % len(CORPUS)] + item[:4]
            elif key in ("covers", "cards", "aliases", "show", "unverified", "revisions") and isinstance(item, list):
                out[key] = [CORPUS[next(counter) % len(CORPUS)] + str(x)[:3] for x in item]
            else:
                out[key] = _poison(item, counter)
        return out
    if isinstance(value, list):
        return [_poison(v, counter) for v in value]
    return value


def _attributes(html: str) -> list[tuple[str, str, str]]:
    from html.parser import HTMLParser

    found: list[tuple[str, str, str]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend((tag, name, value or "") for name, value in attrs)

    Collect().feed(html)
    return found


def test_injection_corpus_in_every_text_field_stays_text(site_copy, tmp_path):
    import itertools

    counter = itertools.count()
    for path in (site_copy / "data").glob("*.yml"):
        if path.name == "sources.yml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_poison(data, counter), allow_unicode=True, sort_keys=False), encoding="utf-8")
    for report in (site_copy / "content/reports").rglob("*.md"):
        text = report.read_text(encoding="utf-8")
        front, body = text.split("\n---\n", 1)
        meta = _poison(yaml.safe_load(front.removeprefix("---\n")), counter)
        body += "\n\n" + "\n\n".join(c.replace("{{", "{ {") for c in CORPUS if "javascript" not in c and "evil" not in c)
        report.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body, encoding="utf-8")
    out = tmp_path / "site"
    result = build(site_copy, out)
    assert result.returncode == 0, result.stderr
    seen_literal = False
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag, name, value in _attributes(html):
            assert not name.startswith("on"), f"{page}: <{tag} {name}=…> event handler from data"
            if name in ("href", "src", "action"):
                assert not value.strip().lower().startswith(("javascript:", "data:", "https://evil")), (page, value)
        assert "<script>alert" not in html, page
        assert "49注入一" not in html, f"template syntax was evaluated in {page}"
        seen_literal = seen_literal or "{{ 7*7 }}注入一" in html
    assert seen_literal, "the template syntax must be shown as text"

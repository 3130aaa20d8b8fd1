"""Quality gates over the whole built site: reproducible builds, no broken internal
links or anchors (also under a sub-path), and no executable markup from data."""
from __future__ import annotations

import datetime as dt
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

def _text_validator(metadata) -> bool:
    from youfu import records

    return any(getattr(m, "func", None) is records._plain for m in metadata)


def _shape(annotation) -> tuple[str | None, list]:
    """What a field holds: ("text", []) for Text, ("texts", []) for a list of Text,
    ("models", [models]) for nested records (or lists of them), (None, []) otherwise."""
    import typing

    from pydantic import BaseModel

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        if _text_validator(annotation.__metadata__):
            return "text", []
        return _shape(args[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "models", [annotation]
    if origin in (list, tuple, set, frozenset):
        kind, models = _shape(args[0]) if args else (None, [])
        return ("texts", []) if kind == "text" else (kind, models)
    if origin in (typing.Union, __import__("types").UnionType):
        shapes = [_shape(a) for a in args if a is not type(None)]
        models = [m for kind, ms in shapes if kind == "models" for m in ms]
        for kind, _ in shapes:
            if kind in ("text", "texts"):
                return kind, []
        return ("models", models) if models else (None, [])
    return None, []


def _field_shape(model, name: str) -> tuple[str | None, list]:
    info = model.model_fields[name]
    if _text_validator(info.metadata):
        return ("texts", []) if typing_list(info.annotation) else ("text", [])
    return _shape(info.annotation)


def typing_list(annotation) -> bool:
    import typing

    return typing.get_origin(annotation) in (list, tuple)


def text_fields(model, seen=None) -> set[tuple[str, str]]:
    """Every (model, field) that holds reader-facing Text, found from the models themselves:
    a field added tomorrow is poisoned tomorrow."""
    seen = set() if seen is None else seen
    if model in seen:
        return set()
    seen.add(model)
    out = set()
    for name in model.model_fields:
        kind, models = _field_shape(model, name)
        if kind in ("text", "texts"):
            out.add((model.__name__, name))
        for nested in models:
            out |= text_fields(nested, seen)
    return out


def _fill_unused_fields(name: str, data: list) -> None:
    """Give the Text fields today's data leaves empty a value, so that they are poisoned too."""
    if name == "facilities.yml":
        data[0].update({"address": "某路1号", "hours": "全天", "checks": [
            {"on": dt.date(2026, 1, 5), "method": "phone", "by": "区卫生健康局办公室", "contact": "医院医务科", "result": "窗口仍在"}]})
    if name == "blood_rules.yml":
        data[0]["show"] = ["优待证"]


# Text that must name something else exactly (a part of a source, a field of the record): a
# hostile value there is refused as a dangling reference before it could reach a page.
REFERENCES = {("SourceRef", "part"), ("Inference", "field")}


def _poison(value, model, counter, poisoned: set):
    """Replace every Text value (and list of Texts) in a YAML structure, walked with its model,
    by corpus strings; note which (model, field) got one."""
    if isinstance(value, list):
        return [_poison(v, model, counter, poisoned) for v in value]
    if not isinstance(value, dict) or model is None:
        return value
    out = {}
    for key, item in value.items():
        if key not in model.model_fields:
            out[key] = item
            continue
        kind, models = _field_shape(model, key)
        if (model.__name__, key) in REFERENCES:
            out[key] = item
        elif kind == "text" and isinstance(item, str):
            out[key] = CORPUS[next(counter) % len(CORPUS)] + item[:4]
            poisoned.add((model.__name__, key))
        elif kind == "texts" and isinstance(item, list) and item:
            out[key] = [CORPUS[next(counter) % len(CORPUS)] + str(x)[:3] for x in item]
            poisoned.add((model.__name__, key))
        elif models:
            def fits(m, v):
                sample = v[0] if isinstance(v, list) and v else v
                return isinstance(sample, dict) and set(sample) <= set(m.model_fields)
            chosen = next((m for m in models if fits(m, item)), models[0])
            out[key] = _poison(item, chosen, counter, poisoned)
        else:
            out[key] = item
    return out


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

    from youfu import bureaus, catalog, reports

    counter = itertools.count()
    poisoned: set = set()
    models = {Path(file).name: model for _, file, model in catalog._LISTS}
    models[Path(bureaus.FILE).name] = bureaus.Bureau
    for path in (site_copy / "data").glob("*.yml"):
        if path.name not in models:
            continue  # sources (file names), synonyms (single words): no reader-facing Text
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        _fill_unused_fields(path.name, data)
        poisoned_data = _poison(data, models[path.name], counter, poisoned)
        path.write_text(yaml.safe_dump(poisoned_data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for report in (site_copy / "content/reports").rglob("*.md"):
        text = report.read_text(encoding="utf-8")
        front, body = text.split("\n---\n", 1)
        meta = _poison(yaml.safe_load(front.removeprefix("---\n")), reports.ReportMeta, counter, poisoned)
        body += "\n\n" + "\n\n".join(c.replace("{{", "{ {") for c in CORPUS if "javascript" not in c and "evil" not in c)
        report.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body, encoding="utf-8")
    every = set().union(*(text_fields(m) for m in [*models.values(), reports.ReportMeta]))
    # every Text field of the models got a hostile value: a new field fails here until it is given
    # a value above (or in the data), so it cannot escape the corpus
    assert poisoned == every - REFERENCES, sorted((every - REFERENCES) ^ poisoned)
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

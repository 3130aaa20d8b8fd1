"""A sentence of a page, typed as a query, finds that page (property-based, on the index files).

There is no query engine in Python (the search page's script answers queries), so this checks
what every query relies on: each pair of adjacent Han characters of the sentence — the terms the
page looks up — has a posting for the page in the shipped index files. The pairs are cut here
with a regex, the files are parsed as JSON and the postings decoded by this file's own reader,
and a page's number is read from its result file: nothing of the index builder is reused."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ROOT
from youfu import search

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
SENTENCE = re.compile(r"[^。！？；\n]{6,60}[。！？；]")


def decode(text: str) -> list[int]:
    """Page numbers of one posting list: base-64 varints of gaps (5 bits a character, the 6th says
    more follows), each followed by one character of term frequency."""
    pages, page, i = [], -1, 0
    while i < len(text):
        value = shift = 0
        while True:
            c = B64.index(text[i])
            i += 1
            value |= (c & 31) << shift
            shift += 5
            if not c & 32:
                break
        page += value + 1
        pages.append(page)
        i += 1  # the term frequency
    return pages


def _payload(text: str):
    return json.loads(text[text.index(",", text.index(",") + 1) + 1: text.rindex(")")])


def _body_sentences(markdown: str) -> list[str]:
    body = markdown.split("\n---\n", 1)[1] if markdown.startswith("---\n") else markdown
    body = re.sub(r"[#>*`|\[\]()-]", " ", body)
    return [s.strip() for s in SENTENCE.findall(body) if len(HAN_RUN.findall(s)) >= 1]


@pytest.fixture(scope="module")
def shipped():
    docs, sentences = [], {}
    for path in sorted((ROOT / "content/reports").rglob("*.md"))[:60]:
        text = path.read_text(encoding="utf-8")
        found = _body_sentences(text)
        if not found:
            continue
        url = path.relative_to(ROOT / "content").as_posix().removesuffix(".md") + ".html"
        docs.append(search.SearchDoc(url=url, title=path.stem, kind="报告", sections=[
            search.Section(anchor="", heading="", text="\n".join(found))]))
        sentences[url] = found
    files = search.build(docs)
    postings: dict[str, str] = {}
    number_of: dict[str, int] = {}
    for name, text in files.items():
        if name.startswith("search/idx/t/"):
            postings.update(_payload(text))
        elif name.startswith("search/idx/x/"):
            number_of[_payload(text)[0][0]] = int(name.rsplit("/", 1)[1].removesuffix(".js"))
    assert len(number_of) == len(docs) >= 10
    return sentences, postings, number_of


@settings(max_examples=200, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_sentence_of_a_page_finds_that_page(shipped, data):
    sentences, postings, number_of = shipped
    url = data.draw(st.sampled_from(sorted(sentences)), label="page")
    sentence = data.draw(st.sampled_from(sentences[url]), label="sentence")
    pairs = {run[i:i + 2] for run in HAN_RUN.findall(sentence) for i in range(len(run) - 1)}
    assert pairs
    # a number or Latin word next to a Han character is looked up with it: 第3批 → 第3, 3批
    lower = sentence.lower()
    pairs |= set(re.findall(r"(?=([\u4e00-\u9fff][0-9a-z]+))", lower))
    pairs |= set(re.findall(r"(?<![0-9a-z])([0-9a-z]+[\u4e00-\u9fff])", lower))
    for pair in sorted(pairs):
        assert pair in postings, (url, sentence, pair)
        assert number_of[url] in decode(postings[pair]), (url, sentence, pair)

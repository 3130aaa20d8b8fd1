"""Site search: a sharded index of Han unigrams and bigrams, fetched on demand.

Why not Material's built-in search: it ships one JSON index to every page (tens of
MB at thousands of reports), misses sub-words (通道 in 绿色通道) and Traditional
input. Here every page is cut into sections; text is folded (Traditional →
Simplified, full-width → ASCII, lower case) and indexed as single Han characters,
adjacent Han pairs, and whole ASCII words/numbers (so 2014年 is "2014" + "年" and
the pair "2014年"). Postings live in small script files (`idx/t/*.js`) that the
search page loads with `<script>` tags, which works on any static host, under a
sub-path and from `file://`. Only the shards a query needs are fetched.

Pure Python: `collect(...)` turns one rendered page into a `SearchDoc`;
`write(site_dir, docs)` writes the index files one by one (`build(docs)` returns
them all as {relative path: file text}).
"""
from __future__ import annotations

import functools
import html
import json
import re
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import vocab

INDEX_DIR = "search/idx"
MAX_TF = 63
# Text a result file keeps of one page (for phrases, snippets and the section link).
# A report is far below it; a page listing thousands of items is cut, else one hit on it
# would cost a cold query hundreds of KB. The page is still found by all its words.
RESULT_TEXT_CHARS = 8000

# ---------------------------------------------------------------------------
# Folding and tokenising (the client does the same in search.js)
# ---------------------------------------------------------------------------


@functools.cache
def t2s_table() -> dict[int, str]:
    """Traditional → Simplified, character by character (OpenCC's table)."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            simple = parts[1].split(" ")[0]
            # Basic-plane characters only: the browser side pairs them up by UTF-16 units.
            if len(simple) == 1 and simple != parts[0] and ord(simple) < 0x10000 and ord(parts[0]) < 0x10000:
                table[ord(parts[0])] = simple
    return table


_WIDE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDE[0x3000] = 0x20


def fold(text: str) -> str:
    return text.translate(_WIDE).translate(t2s_table()).lower()


HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(f"[{HAN}]+|[0-9a-z]+")


def units(text: str) -> list[list[str]]:
    """Runs of units: each Han character is a unit, each ASCII word or number is one.
    Units in one run are adjacent (no space or punctuation between them)."""
    runs: list[list[str]] = []
    last_end = -1
    for match in _RUNS.finditer(text):
        token = match.group(0)
        pieces = list(token) if not token[0].isascii() else [token]
        if match.start() == last_end and runs:
            runs[-1].extend(pieces)
        else:
            runs.append(pieces)
        last_end = match.end()
    return runs


_HAN_RUN = re.compile(f"[{HAN}]+")
_WORD = re.compile(r"[0-9a-z]+")
_WORD_HAN = re.compile(f"[0-9a-z]+[{HAN}]")
_HAN_WORD = re.compile(f"[{HAN}][0-9a-z]+")


_ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[、.．)）])")
_NOT_WORD = re.compile(f"[^{HAN}0-9a-z]+")


def heading_key(heading: str) -> str | None:
    """A short heading as one term, "#四优先": a page with a section headed exactly by the
    query's word ranks above pages that only mention it. Numbering ("一、") and punctuation
    are left out; None for a heading that is long or does not start with two Han characters."""
    key = _NOT_WORD.sub("", _ENUMERATION.sub("", fold(heading).strip()))
    if 2 <= len(key) <= 12 and _HAN_RUN.match(key[:2]) and len(_HAN_RUN.match(key).group(0)) >= 2:
        return "#" + key
    return None


def terms(folded: str) -> Counter:
    """Unigrams and adjacent pairs of units (as `units` defines them), counted.
    Written with regexes and C-level counting: it runs over every page's text."""
    counts: Counter = Counter()
    for run in _HAN_RUN.findall(folded):
        counts.update(run)
        counts.update(map(str.__add__, run, run[1:]))
    counts.update(_WORD.findall(folded))
    counts.update(_WORD_HAN.findall(folded))
    counts.update(_HAN_WORD.findall(folded))
    return counts


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Section:
    anchor: str
    heading: str
    text: str


@dataclass(frozen=True, kw_only=True)
class SearchDoc:
    url: str  # relative to the site root, e.g. "reports/x/2014-zongjie/"
    title: str
    kind: str  # 报告 / 机构 / 优待 / 部门 / 页面
    sections: list[Section]
    bureau: str | None = None  # bureau id
    year: int | None = None
    doc_kind: str | None = None  # report kind (总结, 计划 …)
    topics: tuple[str, ...] = ()
    region: str | None = None  # province label
    sub: str = ""  # one line under the title: bureau · year · kind
    weight: float = 1.0  # how much a match on this page counts (pages for editors: less)


_HEADING = re.compile(r"<(h[1-6]|dt)(\s[^>]*)?>(.*?)</\1>", re.S)
SECTION = "data-yf-section"  # a <dt id> that starts a section of its own (a glossary term)
_ID = re.compile(r"\bid=\"([^\"]*)\"")
_TAG = re.compile(r"<[^>]+>")
_DROP = re.compile(r"<(script|style|svg|form|nav|template)\b.*?</\1>|<a class=\"headerlink\".*?</a>", re.S)
# Template output that is not what this page says (reminders, fixed explanations, the notes'
# evidence, print buttons …) carries data-yf-noindex: the element and all inside it are skipped.
NOINDEX = "data-yf-noindex"
_NOINDEX_OPEN = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\s" + NOINDEX + r"\b[^>]*>")
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# Block-level tags end a line of text; other tags are removed without a space (Chinese text has none).
_BLOCK = re.compile(r"</?(?:p|div|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|tfoot|caption|section|article|aside|"
                    r"header|footer|h[1-6]|blockquote|pre|br|hr|details|summary|figure|figcaption|main)\b[^>]*>", re.I)


def sections_of(page_html: str) -> list[Section]:
    """Cut rendered page HTML into sections at headings that have an id (and at terms
    <dt id … data-yf-section>). Elements marked
    data-yf-noindex are left out; block elements end a line ("\n"), inline tags vanish."""
    body = _DROP.sub(" ", _without_noindex(page_html))
    out: list[Section] = []
    anchor, heading, start = "", "", 0
    for match in _HEADING.finditer(body):
        attributes = match.group(2) or ""
        if match.group(1) == "dt" and SECTION not in attributes:
            continue
        found = _ID.search(attributes)
        if found or match.group(1) == "h1":
            out.append(Section(anchor=anchor, heading=heading, text=_plain(body[start:match.start()])))
            anchor = found.group(1) if found else ""
            heading = " ".join(_plain(match.group(3)).split())
            start = match.end()
    out.append(Section(anchor=anchor, heading=heading, text=_plain(body[start:])))
    return [s for s in out if s.text or s.heading]


def _without_noindex(page_html: str) -> str:
    """The HTML without the elements marked data-yf-noindex (each up to its own closing tag)."""
    if NOINDEX not in page_html:
        return page_html
    out: list[str] = []
    pos = 0
    while True:
        match = _NOINDEX_OPEN.search(page_html, pos)
        if match is None:
            out.append(page_html[pos:])
            return "".join(out)
        out.append(page_html[pos:match.start()])
        tag = match.group(1).lower()
        end = match.end()
        if tag not in _VOID and not match.group(0).endswith("/>"):
            tags = re.compile(rf"<(/?){tag}\b[^>]*>", re.I)
            depth = 1
            while depth:
                found = tags.search(page_html, end)
                if found is None:  # never closed: the rest of the page is inside it
                    end = len(page_html)
                    break
                depth += -1 if found.group(1) else (0 if found.group(0).endswith("/>") else 1)
                end = found.end()
        out.append("\n" if _BLOCK.match(match.group(0)) else "")
        pos = end


def _plain(fragment: str) -> str:
    text = html.unescape(_TAG.sub("", _BLOCK.sub("\n", fragment)))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------
# Text repeated on many pages
# ---------------------------------------------------------------------------

# Template output known in advance is marked data-yf-noindex. What slips through is found by
# counting: a sentence of section text on more than half the pages of one kind (every facility,
# every report …) or on more than REPEATED_SHARE of all pages, and on at least REPEATED_MIN_PAGES
# pages, is not what a page says. It is left out of the index and of the result files, so that a
# match in it does not make a page a hit and no snippet shows it.
REPEATED_SHARE = 0.3
REPEATED_KIND_SHARE = 0.5
REPEATED_MIN_PAGES = 10
REPEATED_MIN_CHARS = 6  # shorter lines are values (年份、文种 …), not reminders
REPEATED_SAMPLE = 2000  # pages counted at most per kind (evenly spread): bounded time and memory
_SENTENCE = re.compile(r"(?<=[。！？；!?;])")


def _sentences(text: str) -> Iterator[str]:
    for line in text.split("\n"):
        for part in _SENTENCE.split(line):
            part = part.strip()
            if part:
                yield part


def repeated_sentences(docs: list[SearchDoc], share: float = REPEATED_SHARE, kind_share: float = REPEATED_KIND_SHARE,
                       min_pages: int = REPEATED_MIN_PAGES) -> dict[str, float]:
    """Sentences of section text on more than `kind_share` of the pages of one kind or more
    than `share` of all pages (and on at least `min_pages` pages) → the largest of those shares.
    Of a kind with more than REPEATED_SAMPLE pages, an even sample is counted."""
    by_kind: dict[str, list[SearchDoc]] = {}
    for doc in docs:
        by_kind.setdefault(doc.kind, []).append(doc)
    everywhere: Counter = Counter()  # estimated pages of all kinds
    found: dict[str, float] = {}
    for kind_docs in by_kind.values():
        sample = kind_docs[::-(-len(kind_docs) // REPEATED_SAMPLE)]
        counts: Counter = Counter()
        for doc in sample:
            counts.update({s for section in doc.sections for s in _sentences(section.text)
                           if len(s) >= REPEATED_MIN_CHARS})
        scale = len(kind_docs) / len(sample)
        for sentence, count in counts.items():
            everywhere[sentence] += count * scale
            if count > kind_share * len(sample) and count * scale >= min_pages:
                found[sentence] = max(found.get(sentence, 0.0), count / len(sample))
    for sentence, pages in everywhere.items():
        if pages > share * len(docs) and pages >= min_pages:
            found[sentence] = max(found.get(sentence, 0.0), pages / len(docs))
    return dict(sorted(found.items()))


def _strip(section: Section, drop) -> Section:
    """The section without the sentences in `drop` (lines are kept apart)."""
    if not drop:
        return section
    lines = []
    for line in section.text.split("\n"):
        kept = "".join(part for part in _SENTENCE.split(line) if part.strip() not in drop).strip()
        if kept:
            lines.append(kept)
    text = "\n".join(lines)
    return section if text == section.text else Section(anchor=section.anchor, heading=section.heading, text=text)


# ---------------------------------------------------------------------------
# Index files
# ---------------------------------------------------------------------------

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _varint(number: int) -> str:
    """5 bits a character; the 6th bit says 'more follows'."""
    out = []
    while True:
        low, number = number & 31, number >> 5
        out.append(_B64[low | (32 if number else 0)])
        if not number:
            return "".join(out)


_SMALL = [_varint(n) for n in range(4096)]  # most gaps between pages are small


def encode_postings(docs: array, tfs: array) -> str:
    previous, parts = -1, []
    small, b64 = _SMALL, _B64
    for doc, tf in zip(docs, tfs):
        gap = doc - previous - 1
        parts.append((small[gap] if gap < 4096 else _varint(gap)) + b64[tf if tf < MAX_TF else MAX_TF])
        previous = doc
    return "".join(parts)


T2S_SHARDS = 8  # a long question needs most of the table: few files, fewer requests


def shard_of(term: str, shards: int) -> int:
    """Title terms ("^通道") share the shard of the plain term, and heading terms ("#四优先")
    the shard of their first two characters, so the fetch of a query's pairs serves them."""
    if term.startswith("#"):
        term = term[1:3]
    return zlib.crc32(term.removeprefix("^").encode("utf-8")) % shards


def shard_count(doc_count: int) -> int:
    """About one shard per two pages, a power of two between 16 and 4096: a query
    fetches little beyond the posting lists of its own terms."""
    target = max(16, min(4096, doc_count // 2))
    return 1 << (target.bit_length() - 1)


@dataclass
class Index:
    docs: list[SearchDoc] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)  # pinyin → place names (youfu.pinyin)
    lexicon: vocab.Lexicon = field(default_factory=vocab.Lexicon)  # words for reading queries (youfu.vocab)
    repeated: dict[str, float] = field(default_factory=dict)  # left out as repeated (set by iter_files)
    vocabulary: int = 0  # words in the query vocabulary (set by iter_files)
    count: int = 0  # pages in the index (set by write)

    def iter_files(self) -> Iterator[tuple[str, str]]:
        """(path under the site, text) of every index file, one at a time: a large site's
        index is written without holding all of it in memory."""
        docs = sorted(self.docs, key=lambda d: d.url)
        drop = self.repeated = repeated_sentences(docs)
        postings: dict[str, tuple[array, array]] = {}
        for number, doc in enumerate(docs):
            sections = [_strip(s, drop) for s in doc.sections]
            counts = terms(fold(" ".join([doc.title, *(s.heading + " " + s.text for s in sections)])))
            counts.update({"^" + t: c for t, c in terms(fold(doc.title)).items()})
            counts.update({key: 1 for key in map(heading_key, (s.heading for s in sections)) if key})
            for term, count in counts.items():
                entry = postings.get(term)
                if entry is None:
                    entry = postings[term] = (array("I"), array("B"))
                entry[0].append(number)
                entry[1].append(min(count, MAX_TF))
        def occurs(word: str) -> bool:  # the index has all its terms (all its pairs; a lone character)
            return all(word[i:i + 2] in postings for i in range(len(word) - 1)) if len(word) > 1 else word in postings

        def weight(word: str) -> int:  # pages of its terms, added up (0 when a term is on no page)
            pairs = [word[i:i + 2] for i in range(len(word) - 1)] or [word]
            return sum(len(postings[p][0]) for p in pairs) if all(p in postings for p in pairs) else 0

        found = vocab.vocabulary(self.lexicon, fold, (d.title for d in docs), occurs)
        query_table = vocab.query_data(self.lexicon, fold, weight)
        word_shards = vocab.vocabulary_shards(found, weight)
        self.vocabulary = len(found.words)
        shards = shard_count(len(docs))
        grouped: dict[int, dict[str, str]] = {}
        for term in sorted(postings):
            doc_ids, tfs = postings[term]
            grouped.setdefault(shard_of(term, shards), {})[term] = encode_postings(doc_ids, tfs)
        postings.clear()
        shard_bytes = 0
        for number in range(shards):
            text = _script("t", number, grouped.pop(number, {}))
            shard_bytes += len(text.encode("utf-8"))
            yield f"{INDEX_DIR}/t/{number}.js", text
        facets = _facets(docs)
        # One file a page: what its result shows, then its sections (for phrases and snippets).
        for number, doc in enumerate(docs):
            yield f"{INDEX_DIR}/x/{number}.js", _script(
                "x", number, [[doc.url, doc.title, doc.sub, doc.kind],
                           *(_section_row(s) for s in _within([_strip(s, drop) for s in doc.sections]))])
        yield f"{INDEX_DIR}/facets.js", _script("f", 0, facets)
        yield f"{INDEX_DIR}/pinyin.js", _script("p", 0, self.aliases)
        for kind, (count, grouped_words) in word_shards.items():
            for number in range(count):
                yield f"{INDEX_DIR}/{kind}/{number}.js", _script(kind, number, grouped_words.pop(number, {}))
        for number, table in sorted(vocab.reading_shards("".join(found.terms)).items()):
            yield f"{INDEX_DIR}/y/{number}.js", _script("y", number, table)
        yield f"{INDEX_DIR}/q.js", _script("q", 0, query_table)
        yield f"{INDEX_DIR}/meta.js", _script("m", 0, {
            "docs": len(docs), "shards": shards, "version": 3, "shard_bytes": shard_bytes // shards,
            "weights": {str(n): d.weight for n, d in enumerate(docs) if d.weight != 1.0},
            "t2s_shards": T2S_SHARDS, "v_shards": word_shards["v"][0], "w_shards": word_shards["w"][0],
            "y_shards": vocab.Y_SHARDS})
        t2s: dict[int, list[str]] = {}
        for code, simple in sorted(t2s_table().items()):
            t2s.setdefault(code % T2S_SHARDS, []).append(chr(code) + simple)
        for number in range(T2S_SHARDS):
            yield f"{INDEX_DIR}/s/{number}.js", _script("s", number, "".join(t2s.get(number, [])))


def _facets(docs: list[SearchDoc]) -> dict:
    """Filter values per page, as small integers into value lists (loaded only when filtering)."""
    def values(get) -> list:
        return sorted({v for d in docs for v in get(d) if v})

    bureaus = values(lambda d: [d.bureau])
    regions = values(lambda d: [d.region])
    kinds = values(lambda d: [d.doc_kind])
    topics = values(lambda d: d.topics)
    return {
        "bureaus": bureaus, "regions": regions, "kinds": kinds, "topics": topics,
        "rows": [[d.year or 0, _pos(bureaus, d.bureau), _pos(regions, d.region), _pos(kinds, d.doc_kind),
                  sum(1 << topics.index(t) for t in d.topics)] for d in docs],
    }


def _pos(values: list, value) -> int:
    return values.index(value) if value in values else -1


def _within(sections: list[Section], budget: int = RESULT_TEXT_CHARS) -> list[Section]:
    """The first sections, up to `budget` characters of heading and text in all."""
    out: list[Section] = []
    for section in sections:
        if budget <= len(section.heading):
            break
        text = section.text[: budget - len(section.heading)]
        out.append(section if text == section.text else Section(anchor=section.anchor, heading=section.heading,
                                                                 text=text + "…"))
        budget -= len(section.heading) + len(text)
    return out


def _section_row(section) -> list[str]:
    """[anchor, heading, text], plus the Simplified form of "heading\ntext" when it differs
    (the page then highlights Traditional text without fetching the folding table)."""
    row = [section.anchor, section.heading, section.text]
    raw = section.heading + "\n" + section.text
    simple = raw.translate(t2s_table())
    if simple != raw:
        row.append(simple)
    return row


def _script(kind: str, number: int, payload) -> str:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"__yfSearch.load({json.dumps(kind)},{number},{data});\n"


def build(docs: Iterable[SearchDoc], aliases: dict[str, list[str]] | None = None,
          lexicon: vocab.Lexicon | None = None) -> dict[str, str]:
    """Every index file at once (for tests; the hook streams them with `write`)."""
    return dict(Index(docs=list(docs), aliases=aliases or {}, lexicon=lexicon or vocab.Lexicon()).iter_files())


def write(site_dir: Path, docs: Iterable[SearchDoc], aliases: dict[str, list[str]] | None = None,
          lexicon: vocab.Lexicon | None = None) -> Index:
    """Write the index files into the built site. `aliases`: pinyin → place names
    (youfu.pinyin); `lexicon`: words for reading queries (youfu.vocab). Returns the index
    (its `repeated`: the sentences left out because they are on too many pages)."""
    index = Index(docs=list(docs), aliases=aliases or {}, lexicon=lexicon or vocab.Lexicon())
    for relative, text in index.iter_files():
        path = site_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    index.count = len(index.docs)
    index.docs = []
    return index

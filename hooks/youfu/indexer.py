"""`youfu index SITE_DIR`: the search index of any built site folder (HTML in, shards out).

Whatever engine built the site, each page youfu generated carries a hidden element with its
search metadata (`generate._after`), and its content sits in the page's `<article>`. This step
reads every HTML file, cuts the article into sections (`search.sections_of`) and writes the
index files with `search.write`; the pinyin of place names comes from the search page.
Pages without the metadata element (the engine's own 404 page, for one) are not indexed.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import search, vocab
from .generate import AFTER, meta_of

_META = re.compile(r'data-yf-search="([^"]*)"')
_ALIASES = re.compile(r'data-yf-aliases="([^"]*)"')
_LEXICON = re.compile(r'data-yf-lexicon="([^"]*)"')
_ARTICLE = re.compile(r"<article\b[^>]*>(.*)</article>", re.S)
_AFTER = re.compile(rf'<div class="{AFTER}"')
_FIELDS = {"kind", "bureau", "year", "doc_kind", "topics", "region", "sub", "weight"}


def documents(site: Path) -> tuple[list[search.SearchDoc], dict[str, list[str]], vocab.Lexicon]:
    """The search documents of every indexed page of `site`, the pinyin aliases and the words
    for reading queries (both carried by the search page)."""
    docs: list[search.SearchDoc] = []
    aliases: dict[str, list[str]] = {}
    lexicon = vocab.Lexicon()
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        page_aliases, page_lexicon = page_extras(text)
        if page_aliases is not None:
            aliases = page_aliases
        if page_lexicon is not None:
            lexicon = page_lexicon
        doc = document(path.relative_to(site).as_posix(), text)
        if doc is not None:
            docs.append(doc)
    return docs, aliases, lexicon


def page_extras(text: str) -> tuple[dict[str, list[str]] | None, vocab.Lexicon | None]:
    """The pinyin aliases and the query words a page carries (the search page), else None."""
    aliases = lexicon = None
    found = _ALIASES.search(text)
    if found:
        aliases = meta_of(found.group(1))
    found = _LEXICON.search(text)
    if found:
        words = meta_of(found.group(1))
        lexicon = vocab.Lexicon(words=frozenset(words["words"]),
                                synonyms=tuple(tuple(g) for g in words["synonyms"]),
                                english={k: tuple(v) for k, v in words["english"].items()})
    return aliases, lexicon


def document(url: str, text: str) -> search.SearchDoc | None:
    found = _META.search(text)
    article = _ARTICLE.search(text)
    if found is None or article is None:
        return None
    meta = meta_of(found.group(1))
    content = article.group(1)
    end = _AFTER.search(content)
    if end:
        content = content[: end.start()]
    fields = {k: (tuple(v) if k == "topics" else v) for k, v in meta.items() if k in _FIELDS}
    return search.SearchDoc(url=url, title=meta.get("title", ""), sections=search.sections_of(content), **fields)


def index(site: Path) -> search.Index:
    """Write the index into `site`; return it (`len(docs)` pages; `repeated`: sentences left out
    because they are on too many pages, template text not yet marked data-yf-noindex)."""
    docs, aliases, lexicon = documents(site)
    return search.write(site, docs, aliases, lexicon)

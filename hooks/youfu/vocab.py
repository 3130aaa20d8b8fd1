"""Data for reading queries the way people type them, written with the search index.

A reader types "福州马尾", "退役军人看病有什么优待" or "绿色通到". The search page
(assets/search.js) cuts a run of Han characters into words it knows, drops question
and function words, adds the words that mean the same, and suggests a known word one
character away. It needs, loaded on demand:

* `q.js`: question and function words, groups of words that mean the same, English
  words → Chinese words (a few KB, with every query);
* `v/N.js`: the vocabulary, each word under its first two characters;
* `w/N.js`: for near-miss suggestions, the site's terms under every "one character
  replaced by ?" form of them ("优?证" → 优待证), with the readings of the replaced character;
* `y/N.js`: the readings (pinyin without tones) of common characters, for telling
  homophones (到/道, 代/待) when a suggestion is looked for.

The vocabulary is made from plain data (`Lexicon`: place, group, facility and benefit
names, glossary terms, the synonym table) and page titles, plus the words of a general
dictionary (jieba's) that the pages use, when `Lexicon.general` is on. Nothing here
reads MkDocs objects.
"""
from __future__ import annotations

import functools
import math
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

# Question and function words, dropped from a query unless part of a known word (有效, 了解 …).
# Characters that often start or end a content word (地区, 申请, 参与, 会诊 …) are not in it.
STOP_WORDS = (
    "请问 什么 怎么 怎样 怎么样 如何 哪些 哪里 哪儿 哪个 哪家 为什么 是不是 有没有 能不能 可不可以 要不要 "
    "需不需要 可以 是否 想知道 知道 一下 我们 你们 他们 还有 还是 或者 以及 这个 那个 这些 那些 多少 "
    "意思 含义 是指 指的是 什么叫 叫做 能否 可否 怎么办 需要 应该 "
    "吗 呢 吧 啊 呀 嘛 的 了 是 有 要 在 和 或 我 你 他 她 它 这 那 哪 么 想 都 也 给 把 被 让 还 又 很 该"
).split()

MIN_WORD, MAX_WORD = 2, 12  # vocabulary words, in characters
TYPO_MAX = 6  # words up to this length get "one character replaced" keys
GENERAL_MIN_FREQ = 20  # jieba frequency a general word needs (rarer ones are names and noise)
GENERAL_MAX = 4  # general words up to this length
DICTIONARY_TOTAL = 60_101_967  # the sum of the frequencies in jieba 0.42's dictionary (what jieba divides by)
V_SHARD_BYTES = 1000  # at most this much vocabulary per shard file (a long question fetches one per pair)
W_SHARD_BYTES = 1500  # near-miss keys per shard file (fetched only for a word no page has)
Y_SHARDS = 32

_HAN_ONLY = re.compile("^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_ENGLISH = re.compile(r"^[a-z]+(?: [a-z]+)*$")


@dataclass(frozen=True, kw_only=True)
class Lexicon:
    """Plain data for reading queries: words the site uses and words that mean the same."""

    words: frozenset[str] = frozenset()  # names, terms, places (with and without 省/市/区/县)
    synonyms: tuple[tuple[str, ...], ...] = ()  # groups of Chinese words meaning the same
    english: dict[str, tuple[str, ...]] = field(default_factory=dict)  # English (lower case) → Chinese words
    # Add the common words of jieba's dictionary that the pages use. Off: on the measured query
    # sets it changed no result (see content/tech/search.md), and it costs build time and memory.
    general: bool = False


def han_word(word: str) -> bool:
    return MIN_WORD <= len(word) <= MAX_WORD and bool(_HAN_ONLY.match(word))


def _dictionary_lines() -> Iterator[tuple[str, str]]:
    """(word, frequency) of jieba's dictionary (jieba is installed with youfu); nothing without it."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.origin or not (Path(spec.origin).parent / "dict.txt").exists():
        return
    with (Path(spec.origin).parent / "dict.txt").open(encoding="utf-8") as file:
        for line in file:
            parts = line.split(" ", 2)
            if len(parts) >= 2:
                yield parts[0], parts[1]


def frequencies(words: Iterable[str]) -> dict[str, int]:
    """The dictionary frequency of every Han substring (2 to MAX_WORD characters) of `words`
    that is a dictionary word: what `segment` needs to cut them, read in one pass."""
    wanted = {w[i:j] for w in words for i in range(len(w)) for j in range(i + 2, min(len(w), i + MAX_WORD) + 1)}
    return {word: int(freq) for word, freq in _dictionary_lines() if word in wanted and freq.isdigit()}


@functools.cache
def general_dictionary() -> tuple[str, ...]:
    """Common words of jieba's dictionary (up to GENERAL_MAX characters, frequency ≥ GENERAL_MIN_FREQ)."""
    return tuple(w for w, f in _dictionary_lines() if len(w) <= GENERAL_MAX and len(w) >= 2 and f.isdigit()
                 and int(f) >= GENERAL_MIN_FREQ and _HAN_ONLY.match(w))


def segment(text: str, known: dict[str, int]) -> list[str]:
    """The most likely cut of `text` into dictionary words (`known`: word → frequency, as
    jieba does without its model of unknown words): 退役军人优待证 → 退役军人, 优待证."""
    total = math.log(DICTIONARY_TOTAL)
    best: list[tuple[float, int]] = [(0.0, 0)] * (len(text) + 1)  # (log probability, start of the last piece)
    for end in range(1, len(text) + 1):
        options = [(best[end - 1][0] - total - 5, end - 1)]  # a character on its own: unlikely
        for start in range(max(0, end - MAX_WORD), end - 1):
            frequency = known.get(text[start:end])
            if frequency:
                options.append((best[start][0] + math.log(frequency) - total, start))
        best[end] = max(options)
    pieces, end = [], len(text)
    while end:
        start = best[end][1]
        pieces.append(text[start:end])
        end = start
    return pieces[::-1]


def sub_words(word: str, known: dict[str, int]) -> set[str]:
    """Dictionary words inside a term, as a reader would cut it: 退役军人优待证 → 退役军人,
    优待证, and inside those 退役, 军人 …"""
    out: set[str] = set()
    for piece in segment(word, known):
        if len(piece) >= 2 and piece != word:
            out.add(piece)
        if len(piece) >= 4:
            out.update(p for p in segment(piece, known) if len(p) >= 2 and p != piece)
    return out


@dataclass(frozen=True)
class Vocabulary:
    words: set[str]  # every word a query may be cut into
    terms: set[str]  # the site's own terms (and their dictionary sub-words) the pages use: near misses go to these


def vocabulary(lexicon: Lexicon, fold: Callable[[str], str], titles: Iterable[str],
               occurs: Callable[[str], bool]) -> Vocabulary:
    """`occurs(word)` says whether the index has the word's character pairs. Data words are
    kept even when no page uses them (they still cut a query right); their dictionary
    sub-words and general-dictionary words only when the pages use them."""
    stop = set(STOP_WORDS)
    own = {fold(w) for w in lexicon.words}
    for group in lexicon.synonyms:
        own.update(fold(w) for w in group)
    for targets in lexicon.english.values():
        own.update(fold(w) for w in targets)
    own.update(fold(t) for t in titles if len(t) <= 6)
    own = {w for w in own if han_word(w) and w not in stop}
    known = frequencies(own)
    inside = {s for w in own for s in sub_words(w, known)} - stop - own
    terms = {w for w in own if occurs(w)} | {w for w in inside if occurs(w)}
    words = own | terms
    if lexicon.general:
        words |= {w for w in map(fold, general_dictionary()) if w not in stop and w not in words and occurs(w)}
    return Vocabulary(words=words, terms=terms)


def typo_keys(word: str) -> Iterator[tuple[str, int]]:
    """("优?证", 1) …: the word with one character replaced by "?", and where."""
    for i in range(len(word)):
        yield word[:i] + "?" + word[i + 1:], i


def shard(key: str, shards: int) -> int:
    return zlib.crc32(key.encode("utf-8")) % shards


def shard_count(total_bytes: int, per_shard: int) -> int:
    """A power of two between 8 and 1024, at least total_bytes / per_shard (shards of at most per_shard bytes)."""
    target = max(8, min(1024, -(-total_bytes // per_shard)))
    return 1 << (target - 1).bit_length()


def vocabulary_shards(found: Vocabulary, weight: Callable[[str], int]) -> dict[str, tuple[int, dict[int, dict]]]:
    """{"v": (shard count, {shard: {key: entries}}), "w": (…)}. In v, key "福州" → the words
    starting with 福州, each with its weight ("福州市:57", see `query_data`); in w, key "优?证"
    → "优待证:dai" (a term the pages use, and the readings of the replaced character)."""
    prefixes: dict[str, list[str]] = {}
    for word in sorted(found.words):
        prefixes.setdefault(word[:2], []).append(f"{word}:{weight(word)}")
    near: dict[str, list[str]] = {}
    for word in sorted(found.terms):
        if len(word) <= TYPO_MAX:
            for key, i in typo_keys(word):
                near.setdefault(key, []).append(word + ":" + "/".join(readings(word[i])))
    out = {}
    for name, entries, per_shard in (("v", prefixes, V_SHARD_BYTES), ("w", near, W_SHARD_BYTES)):
        total = sum(len(k.encode()) + sum(len(e.encode()) + 3 for e in v) + 6 for k, v in entries.items())
        count = shard_count(total, per_shard)
        grouped: dict[int, dict[str, list[str]]] = {}
        for key in sorted(entries):
            grouped.setdefault(shard(key, count), {})[key] = entries[key]
        out[name] = (count, grouped)
    return out


@functools.cache
def _pinyin():
    # Without its phrase dictionary pypinyin loads in 0.04 s (see youfu.pinyin).
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
    from pypinyin import Style, pinyin

    return lambda char: pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")[0]


@functools.cache
def readings(char: str) -> tuple[str, ...]:
    """Toneless readings of a character (ü written v): 重 → ("zhong", "chong")."""
    return tuple(dict.fromkeys(r.lower() for r in _pinyin()(char) if r.isascii() and r.isalpha()))


@functools.cache
def common_characters() -> tuple[str, ...]:
    """The 6,763 characters of GB 2312: those a reader is likely to type."""
    out = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                out.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return tuple(out)


def reading_shards(extra: Iterable[str] = ()) -> dict[int, dict[str, str]]:
    """{shard: {character: "zhong/chong"}} for the common characters and `extra` ones."""
    chars = sorted(set(common_characters()) | {c for c in extra if _HAN_ONLY.match(c)})
    out: dict[int, dict[str, str]] = {}
    for char in chars:
        found = readings(char)
        if found and ord(char) < 0x10000:
            out.setdefault(ord(char) % Y_SHARDS, {})[char] = "/".join(found)
    return out


def query_data(lexicon: Lexicon, fold: Callable[[str], str], weight: Callable[[str], int] = lambda w: 1) -> dict:
    """The small table every query loads: stop words, synonym groups, English words. Each word
    carries its weight: how many pages its terms are on, added up ("就医:90"), which tells the
    search page what fetching them costs. A word no page uses is still a way in (看医生 leads
    to 就医) but is not looked for itself: it is written "-看医生"."""
    def mark(word: str) -> str:
        found = weight(word)
        return f"{word}:{found}" if found else "-" + word

    groups = []
    for group in lexicon.synonyms:
        folded = list(dict.fromkeys(fold(w) for w in group))
        if len(folded) > 1:
            groups.append([mark(w) for w in folded])
    english = {fold(k): [mark(w) for w in dict.fromkeys(fold(w) for w in v)] for k, v in sorted(lexicon.english.items())
               if _ENGLISH.match(fold(k))}
    return {"stop": STOP_WORDS, "syn": groups, "en": english}

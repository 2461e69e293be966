"""Japanese-aware text folding and the index terms of the search app.

One function, `fold_with_map`, turns any text into the form the index and the queries use,
character by character, keeping for every folded character the span of the original text it
came from (so that snippets can mark the match in the text the user wrote):

- NFKC (full-width Latin and digits → ASCII, half-width katakana → full-width, the
  half-width voiced marks ﾞ/ﾟ composed with their kana: ﾌﾟﾘﾝﾀ → プリンタ), then case folding
  (ＶＰＮ = VPN = vpn = ｖｐｎ);
- katakana → hiragana (プリンタ = ぷりんた);
- the long vowel mark ー dropped (プリンター = プリンタ, サーバー = サーバ);
- everything that is not a letter or a digit separates words (punctuation, symbols,
  spaces); `_` and `%` are separators too, so LIKE wildcards never reach a query.

Index terms are the character bigrams inside each word, plus the word's last character as
a one-character term, so that every character of a word *leads* exactly one term: a
one-character query looks up that lead character, a longer one all its bigrams (and checks
the folded word itself, see `selectors`).

A word may have other forms (`data/synonyms.txt`: エクセル for Excel, パソコン for PC, 在宅勤務
for テレワーク…). They are resolved when indexing: a text holding any form of a group is
indexed as if it also held the group's first form (its *canonical* form), once per
occurrence, and a query word of the group looks up that form alone. A query therefore costs
the same with or without synonyms, and each form stays exact (パソコン is found as a word,
not as ぱそ…こん). Changing the file needs `manage.py rebuild_search_index`.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# A query is cut to this many characters and this many words before anything else, so that
# input of any length costs the same bounded work.
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_TERM_CHARS = 32
SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.txt"

_KATA_FIRST, _KATA_LAST = 0x30A1, 0x30F6  # ァ … ヶ (ヷ-ヺ have no hiragana)
_DROP = frozenset("ー")
_VOICED = frozenset("\uff9e\uff9f\u3099\u309a")  # ﾞ ﾟ and the combining kana marks


def _fold_chunk(chunk: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFKC", chunk).casefold():
        code = ord(ch)
        if _KATA_FIRST <= code <= _KATA_LAST:
            ch = chr(code - 0x60)
        elif ch in _DROP:
            continue
        out.append(ch)
    return "".join(out)


def _chunks(text: str) -> Iterator[tuple[int, int]]:
    """Spans of one base character with the marks that NFKC composes with it."""
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and (text[j] in _VOICED or unicodedata.combining(text[j])):
            j += 1
        yield i, j
        i = j


def fold_with_map(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The folded text and, for each of its characters, the (start, end) in ``text``."""
    folded: list[str] = []
    spans: list[tuple[int, int]] = []
    for start, end in _chunks(text):
        for ch in _fold_chunk(text[start:end]):
            folded.append(ch)
            spans.append((start, end))
    return "".join(folded), spans


def fold(text: str) -> str:
    return fold_with_map(text)[0]


def words(folded: str) -> list[str]:
    """The runs of letters and digits of an already folded text."""
    out: list[str] = []
    current: list[str] = []
    for ch in folded:
        if ch.isalnum() and ch != "_":
            current.append(ch)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


@dataclass(frozen=True)
class Synonyms:
    canonical: dict[str, str]  # every folded form → its group's first form
    forms: dict[str, tuple[str, ...]]  # a first form → all the forms of its group
    others: tuple[str, ...]  # the forms other than the first


@cache
def synonyms() -> Synonyms:
    """The synonyms file, folded. Lines are groups of words separated by commas; a word that
    folds to more than one word (spaces, symbols) cannot be matched as one and is left out;
    a form already in an earlier group stays there."""
    canonical: dict[str, str] = {}
    forms: dict[str, tuple[str, ...]] = {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        group: list[str] = []
        for entry in line.split(","):
            folded = words(fold(entry))
            if len(folded) == 1 and folded[0] not in group and folded[0] not in canonical:
                group.append(folded[0])
        if len(group) < 2:
            continue
        for form in group:
            canonical[form] = group[0]
        forms[group[0]] = tuple(group)
    others = tuple(f for f, c in canonical.items() if f != c)
    return Synonyms(canonical, forms, others)


def synonym_words(folded: str) -> list[str]:
    """The canonical forms a folded text holds through other forms, once per occurrence."""
    table = synonyms()
    found: list[str] = []
    for form in table.others:
        n = folded.count(form)
        if n:
            found.extend([table.canonical[form]] * n)
    return found


def stored(text: str) -> str:
    """The folded words of a text joined by one space, and the canonical forms of the
    synonyms it holds: what the documents keep to check a phrase (a word never spans two
    stored words)."""
    folded = fold(text)
    return " ".join(words(folded) + sorted(set(synonym_words(folded))))


def word_terms(word: str) -> list[str]:
    """The index terms of one folded word: its bigrams, then its last character."""
    return [word[i : i + 2] for i in range(len(word) - 1)] + [word[-1]]


def term_counts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    folded = fold(text)
    for word in words(folded) + synonym_words(folded):
        counts.update(word_terms(word))
    return counts


@dataclass(frozen=True)
class QueryTerm:
    """One word of a query: a single character (looked up by lead character) or a longer
    word (all its bigrams, then the word itself checked in the stored text). A synonym is
    looked up by its canonical form; ``forms`` are what a snippet marks."""

    word: str
    forms: tuple[str, ...] = ()

    @property
    def single(self) -> bool:
        return len(self.word) == 1

    @property
    def bigrams(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.word[i : i + 2] for i in range(len(self.word) - 1)))


def parse_query(query: str) -> list[QueryTerm]:
    """The words of a query, folded, put in canonical form, deduplicated and bounded; []
    when nothing is left (only symbols, or nothing at all)."""
    found: list[QueryTerm] = []
    table = synonyms()
    for word in words(fold(query[:MAX_QUERY_CHARS])):
        word = table.canonical.get(word[:MAX_TERM_CHARS], word[:MAX_TERM_CHARS])
        if any(word == t.word for t in found):
            continue
        found.append(QueryTerm(word, table.forms.get(word, (word,))))
        if len(found) == MAX_TERMS:
            break
    return found


def match_spans(text: str, terms: list[QueryTerm]) -> list[tuple[int, int]]:
    """Where the query's words occur in ``text`` (original offsets, merged, in order)."""
    folded, spans = fold_with_map(text)
    found: list[tuple[int, int]] = []
    for word in {form for term in terms for form in (term.forms or (term.word,))}:
        start = folded.find(word)
        while start != -1:
            end = start + len(word)
            stop = spans[end - 1][1]
            while stop < len(text) and not _fold_chunk(text[stop]):  # ルーター: ー goes with it
                stop += 1
            found.append((spans[start][0], stop))
            start = folded.find(word, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[QueryTerm], *, width: int = 0) -> str:
    """HTML of ``text`` (escaped) with every match in <mark>. With ``width``, only a window
    of about that many characters around the first match, with … where text was cut."""
    from django.utils.html import escape

    matches = match_spans(text, terms)
    lo, hi = 0, len(text)
    if width and len(text) > width:
        first = matches[0][0] if matches else 0
        lo = max(0, min(first - width // 4, len(text) - width))
        hi = min(len(text), lo + width)
    parts: list[str] = ["…" if lo > 0 else ""]
    cursor = lo
    for start, end in matches:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        parts.append(str(escape(text[cursor:start])))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(str(escape(text[cursor:hi])))
    if hi < len(text):
        parts.append("…")
    return "".join(parts)

"""Group Japanese free-text answers by the words they share.

A survey's free-text question gets hundreds of answers ("VPNが遅い", "ＶＰＮにつながらない",
"子どもの送迎があるので助かった"…). Reading them one by one is what the office did in Excel;
this module puts them in groups a reader recognises at a glance, each labelled by the words
its answers share and keeping the answers behind it:

1. **Tokenise** with SudachiPy and its core dictionary (a maintained analyser, offline).
   Split mode **B** (middle): mode C keeps compounds whole, so "ウェブ会議" (one word) and
   "Web会議" (ウェブ + 会議) would share nothing, and "在宅勤務" would never meet "在宅";
   mode B cuts compounds into their dictionary words and the grouping puts the compound
   back as a *bigram* of two adjacent content words when the answers use it.
2. **Normalise**: Sudachi's normalized form (子ども/子供 → 子供, ＶＰＮ → VPN, Web → ウェブ,
   つながら → 繋がる), then Unicode NFKC and case folding, so width and case never split a
   word. The label shows the form people wrote most (the dictionary form for verbs and
   adjectives: "つながる", never "つながら").
3. **Keep content words**: nouns (not numerals, pronouns), verbs, adjectives and
   adjectival nouns (不便, 快適); particles, auxiliaries (です/ます/ない), symbols, numbers
   and the words of ``data/textgroups_stopwords.txt`` (する/ある/なる/いる, こと, もの…)
   are dropped.
4. **Group** greedily: terms (words and bigrams) are taken by how many answers contain
   them, most first; a term found in more than ``max_share`` of 20 answers or more says
   nothing ("テレワーク" in a telework survey) and is skipped; a term whose answers are mostly
   already in a chosen group (``overlap``) joins that group's label instead of making a
   new one ("VPN" then "繋がる": one group "VPN・つながる"). Each answer joins every group
   whose leading term it contains, so an answer about VPN *and* childcare is counted in
   both. Groups smaller than ``min_size`` are dropped; the largest ``max_groups`` are
   shown and every answer in none of them is in "その他".

Deterministic: ties are broken by the term itself, never by hash order. The dictionary is
loaded once per process and a tokenizer made once per thread (they are not shared across
threads).
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Generic, Protocol, TypeVar, cast

Key = TypeVar("Key", bound=Hashable)

STOPWORDS_FILE = Path(__file__).with_name("data") / "textgroups_stopwords.txt"

# Sudachi's first part-of-speech level of the words kept, and second levels dropped.
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
_DROPPED_SUB_POS = frozenset({"数詞", "固有名詞_人名"})
_INFLECTING = frozenset({"動詞", "形容詞"})
# Below this many answers, a word in most of them is still the best label there is.
COMMON_FROM = 20


class _Morpheme(Protocol):
    def surface(self) -> str: ...
    def normalized_form(self) -> str: ...
    def dictionary_form(self) -> str: ...
    def part_of_speech(self) -> tuple[str, str, str, str, str, str]: ...


class _Tokenizer(Protocol):
    def tokenize(self, text: str) -> Iterable[_Morpheme]: ...


@dataclass(frozen=True)
class TextGroup(Generic[Key]):
    """One group: its label words (most telling first), the answers in it and how many.

    ``other`` marks "その他": the answers in none of the groups shown (no label words).
    """

    words: tuple[str, ...]
    keys: tuple[Key, ...]
    other: bool = False

    @property
    def count(self) -> int:
        return len(self.keys)

    @property
    def label(self) -> str:
        return "・".join(self.words)


@dataclass
class _Term:
    key: str
    answers: set[int] = field(default_factory=set)
    shown: Counter[str] = field(default_factory=Counter)
    bigram: bool = False

    def display(self) -> str:
        # The form written most often; ties by the form itself (deterministic).
        return min(self.shown.items(), key=lambda item: (-item[1], item[0]))[0]


def fold(text: str) -> str:
    """Width and case folding: "ＶＰＮ", "vpn" and "VPN" compare equal."""
    return unicodedata.normalize("NFKC", text).casefold()


@cache
def stopwords() -> frozenset[str]:
    words = set()
    for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(fold(line))
    return frozenset(words)


@cache
def _dictionary() -> object:
    from sudachipy import Dictionary

    return Dictionary(dict="core")


_local = threading.local()


def _tokenizer() -> _Tokenizer:
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import Dictionary, SplitMode

        dictionary = cast(Dictionary, _dictionary())
        tokenizer = dictionary.tokenizer(
            SplitMode.B, fields={"surface", "pos", "normalized_form", "dictionary_form"}
        )
        _local.tokenizer = tokenizer
    return cast(_Tokenizer, tokenizer)


@dataclass(frozen=True)
class Word:
    """A content word of an answer: its comparison key and the form shown in labels."""

    key: str
    shown: str


def content_words(text: str) -> list[Word]:
    """The content words of ``text`` in order; ``None`` marks a break between them (a
    dropped word), so that bigrams are only made of words written next to each other."""
    return [w for w in _content_stream(text) if w is not None]


def _content_stream(text: str) -> list[Word | None]:
    stop = stopwords()
    stream: list[Word | None] = []
    for morpheme in _tokenizer().tokenize(text):
        pos = morpheme.part_of_speech()
        if pos[0] not in _CONTENT_POS or pos[1] in _DROPPED_SUB_POS or pos[1] == "数詞":
            stream.append(None)
            continue
        key = fold(morpheme.normalized_form())
        dictionary_form = fold(morpheme.dictionary_form())
        if key in stop or dictionary_form in stop or not _has_letter(key):
            stream.append(None)
            continue
        if pos[0] in _INFLECTING:
            shown = unicodedata.normalize("NFKC", morpheme.dictionary_form())
        else:
            shown = unicodedata.normalize("NFKC", morpheme.surface())
        stream.append(Word(key, shown))
    return stream


def _has_letter(key: str) -> bool:
    # Numbers and symbols that the dictionary tags as nouns ("１０", "ｗ") say nothing;
    # one kanji ("熱", "紙") does.
    if len(key) == 1 and key.isascii():
        return False
    return any(unicodedata.category(c).startswith("L") for c in key)


def _terms(texts: Sequence[str]) -> dict[str, _Term]:
    terms: dict[str, _Term] = {}
    for index, text in enumerate(texts):
        previous: Word | None = None
        for word in _content_stream(text):
            if word is None:
                previous = None
                continue
            entries = [(word.key, word.shown, False)]
            if previous is not None and previous.key != word.key:
                entries.append(
                    (previous.key + "\u00a0" + word.key, previous.shown + word.shown, True)
                )
            for key, shown, bigram in entries:
                term = terms.get(key)
                if term is None:
                    term = terms[key] = _Term(key, bigram=bigram)
                term.answers.add(index)
                term.shown[shown] += 1
            previous = word
    return terms


def group_answers(
    items: Sequence[tuple[Key, str]],
    *,
    max_groups: int = 10,
    min_size: int = 2,
    max_share: float = 0.5,
    overlap: float = 0.7,
    max_label_words: int = 3,
) -> list[TextGroup[Key]]:
    """Group ``(key, text)`` answers by the words they share (see the module's doc).

    Answers are the groups (largest first, ties by label) followed by "その他" when some
    answers are in none of them; blank answers are left out. An answer may be in several
    groups, so the counts may add up to more than the answers.
    """
    answers = [(key, text) for key, text in items if text and text.strip()]
    if not answers:
        return []
    terms = _terms([text for _, text in answers])
    limit = max(min_size, 1)
    too_common = max_share * len(answers)
    candidates = sorted(
        (
            t
            for t in terms.values()
            if len(t.answers) >= limit
            and (len(t.answers) <= too_common or len(answers) < COMMON_FROM)
        ),
        # Most answers first; at equal counts the bigram (more telling) before the word.
        key=lambda t: (-len(t.answers), not t.bigram, t.key),
    )
    chosen: list[tuple[list[_Term], set[int]]] = []
    for term in candidates:
        home = None
        for labels, members in chosen:
            if len(term.answers & members) >= overlap * len(term.answers):
                home = labels
                break
        if home is not None:
            lead = home[0]
            if (
                term.bigram
                and not lead.bigram
                and lead.key in term.key.split("\u00a0")
                and len(term.answers) >= overlap * len(lead.answers)
            ):
                # "ウェブ会議" says more than "会議" when most of its answers write it so.
                home[0] = term
            elif len(home) < max_label_words and not _repeats(term, home):
                home.append(term)
            continue
        if len(chosen) >= max_groups * 3:
            continue
        chosen.append(([term], set(term.answers)))
    groups = sorted(
        ((labels, sorted(members)) for labels, members in chosen if len(members) >= limit),
        key=lambda g: (-len(g[1]), g[0][0].key),
    )[:max_groups]
    result: list[TextGroup[Key]] = []
    grouped: set[int] = set()
    for words, indexes in groups:
        grouped.update(indexes)
        result.append(
            TextGroup(
                words=tuple(t.display() for t in words),
                keys=tuple(answers[i][0] for i in indexes),
            )
        )
    rest = [answers[i][0] for i in range(len(answers)) if i not in grouped]
    if rest:
        result.append(TextGroup(words=(), keys=tuple(rest), other=True))
    return result


def _repeats(term: _Term, labels: list[_Term]) -> bool:
    """True when ``term`` adds nothing to the label: a word already inside a bigram of it,
    or a bigram made of its words ("ウェブ" beside "ウェブ会議")."""
    parts = set(term.key.split("\u00a0"))
    for label in labels:
        other = set(label.key.split("\u00a0"))
        if parts <= other or other <= parts:
            return True
    return False

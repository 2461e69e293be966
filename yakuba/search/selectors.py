"""Permission-scoped reads of the search index: `search(user, query, …)`.

A query is parsed into folded words (`text.parse_query`). Every word must match (AND):

- a one-character word: a posting whose lead character is that character;
- a longer word: postings for *all* its distinct bigrams, and the word itself in the
  document's folded title or body (bigrams alone would also match 在宅…宅勤務).

A word with synonyms is looked up by its group's first form, which the index added to
every document holding any form of the group (`text.synonyms`).

One grouped query over the postings does it: the postings of all the words are read by
their indexed term/lead, grouped by document, kept when every word's count is reached; the
score is Σ(10 × title count + body count) over the matched terms plus the boosts (accepted
answer, freshness date within `FRESH_DAYS`); ties newest first. Visibility, tag and unit are
filters on the joined document, so a user never counts or sees a document outside them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.accounts.roles import CAPABILITIES
from yakuba.org.models import Unit
from yakuba.search import text
from yakuba.search.models import Posting, SearchDocument, Visibility

TITLE_WEIGHT = 10
ACCEPTED_BOOST = 40
FRESH_BOOST = 25
FRESH_DAYS = 180
PER_PAGE = 10
MAX_PAGE = 100
SNIPPET_CHARS = 120


def visible_filter(user: User, prefix: str = "") -> Q:
    """Documents ``user`` may see: every member of staff those for all staff; the members of
    a unit and of its sub-units that unit's; holders of a capability theirs."""
    allowed = Q(**{f"{prefix}visibility": Visibility.STAFF})
    staff = getattr(user, "staff", None)
    if staff is not None and staff.unit_id is not None:
        codes = [code for code in staff.unit.path.split("/") if code]
        units = Unit.objects.filter(code__in=codes).values("pk")
        allowed |= Q(**{f"{prefix}visibility": Visibility.UNIT, f"{prefix}unit__in": units})
    caps = sorted(CAPABILITIES.get(user.role, frozenset()))
    if caps:
        allowed |= Q(
            **{f"{prefix}visibility": Visibility.CAPABILITY, f"{prefix}capability__in": caps}
        )
    return allowed


@dataclass
class Result:
    document: SearchDocument
    score: int
    title_html: str
    snippet_html: str
    kind_label: Any = ""  # set by the view (a lazy translation)


@dataclass
class SearchPage:
    query: str
    terms: list[text.QueryTerm]
    results: list[Result] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // self.per_page)))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _matches(
    user: User, terms: list[text.QueryTerm], tag: str, unit: Unit | None, today: dt.date
) -> QuerySet[Any, Any]:
    lookup = Q()
    having: dict[str, Count] = {}
    needed: dict[str, int] = {}
    document = visible_filter(user, "document__")
    for i, term in enumerate(terms):
        clause = Q(lead=term.word) if term.single else Q(term__in=term.bigrams)
        lookup |= clause
        having[f"n{i}"] = Count("document_id", filter=clause)
        needed[f"n{i}__gte"] = 1 if term.single else len(term.bigrams)
        if len(term.word) > 2:
            document &= Q(document__folded_title__contains=term.word) | Q(
                document__folded_body__contains=term.word
            )
    folded_tag = text.fold(tag).strip()
    if folded_tag:
        document &= Q(document__tag_key__contains=f"|{folded_tag}|")
    if unit is not None:
        document &= Q(document__unit__path__startswith=unit.path)
    boost = Case(
        When(document__accepted=True, then=Value(ACCEPTED_BOOST)),
        default=Value(0),
        output_field=IntegerField(),
    ) + Case(
        When(
            document__fresh_on__gte=today - dt.timedelta(days=FRESH_DAYS),
            then=Value(FRESH_BOOST),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Posting.objects.filter(lookup & document)
        .values("document_id")
        .annotate(
            **having,
            score=Sum(F("title_count") * TITLE_WEIGHT + F("body_count")) + Max(boost),
        )
        .filter(**needed)
    )


def _page(matches: QuerySet[Any, Any], page: int, per_page: int) -> list[tuple[int, int, int]]:
    offset = (page - 1) * per_page
    return list(
        matches.annotate(total=Window(Count(Value(1))))
        .order_by("-score", "-document_id")
        .values_list("document_id", "score", "total")[offset : offset + per_page]
    )


def search(
    user: User,
    query: str,
    *,
    tag: str = "",
    unit: Unit | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """The page ``page`` of the documents ``user`` may see matching every word of ``query``
    (with the tag and within the unit's subtree when given), best first."""
    terms = text.parse_query(query)
    result = SearchPage(query=query, terms=terms, page=max(1, min(page, MAX_PAGE)))
    result.per_page = per_page
    if not terms:
        return result
    matches = _matches(user, terms, tag[: text.MAX_QUERY_CHARS], unit, timezone.localdate())
    # One evaluation gives the page and the total (a window count over the groups); only a
    # page past the end needs the count first.
    ranked = _page(matches, result.page, per_page)
    if not ranked and result.page > 1:
        result.total = matches.count()
        result.page = min(result.page, result.pages)
        ranked = _page(matches, result.page, per_page)
    result.total = ranked[0][2] if ranked else 0
    documents = SearchDocument.objects.select_related("unit").in_bulk([row[0] for row in ranked])
    for pk, score, _total in ranked:
        doc = documents[pk]
        result.results.append(
            Result(
                document=doc,
                score=score,
                title_html=text.highlight(doc.title, terms),
                snippet_html=text.highlight(doc.body, terms, width=SNIPPET_CHARS),
            )
        )
    return result

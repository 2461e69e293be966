"""Writes of the search index. Index entries are derived data: the content write that calls
`index` / `remove` is the audited one, in the same transaction (a rolled-back write leaves
no document behind); `rebuild` recreates everything from the providers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from yakuba.search import text
from yakuba.search.models import Posting, SearchDocument
from yakuba.search.providers import Document, Provider, provider_for, providers

POSTING_BATCH = 5000
MAX_COUNT = 32767
INSERT_POSTINGS = (
    "INSERT INTO search_posting (document_id, term, lead, title_count, body_count) "
    "VALUES (%s, %s, %s, %s, %s)"
)


def _tag_key(tags: Iterable[str]) -> str:
    folded = [text.fold(tag).strip() for tag in tags]
    return "".join(f"|{tag}|" for tag in folded if tag)


def _row(provider: str, source_id: int, doc: Document, now: Any) -> SearchDocument:
    return SearchDocument(
        provider=provider,
        source_id=source_id,
        kind=doc.kind,
        object_id=doc.object_id,
        title=doc.title[:300],
        body=doc.body,
        url=doc.url,
        tags=list(doc.tags),
        tag_key=_tag_key(doc.tags),
        unit_id=doc.unit_id,
        visibility=doc.visibility,
        capability=doc.capability,
        accepted=doc.accepted,
        fresh_on=doc.fresh_on,
        folded_title=text.stored(doc.title[:300]),
        folded_body=text.stored(doc.body),
        indexed_at=now,
    )


def _postings(row: SearchDocument) -> Iterator[tuple[int, str, str, int, int]]:
    title = text.term_counts(row.title)
    body = text.term_counts(row.body)
    for term in title.keys() | body.keys():
        yield (
            row.pk,
            term,
            term[0],
            min(title[term], MAX_COUNT),
            min(body[term], MAX_COUNT),
        )


def _insert_postings(rows: Iterator[tuple[int, str, str, int, int]]) -> None:
    """Plain executemany (psycopg pipelines it): postings are many small rows, and model
    instances would cost more than the insert itself."""
    with connection.cursor() as cursor:
        while batch := list(islice(rows, POSTING_BATCH)):
            cursor.executemany(INSERT_POSTINGS, batch)


def write(entries: Iterable[tuple[str, int, Iterable[Document]]]) -> int:
    """Insert the documents of (provider name, source id, documents) entries (the caller
    removed the old ones); returns how many documents were written."""
    now = timezone.now()
    rows = [_row(name, source, doc, now) for name, source, docs in entries for doc in docs]
    if not rows:
        return 0
    SearchDocument.objects.bulk_create(rows)
    _insert_postings(p for row in rows for p in _postings(row))
    return len(rows)


def _clear(provider: str, source_ids: Iterable[int] | None = None) -> None:
    docs = SearchDocument.objects.filter(provider=provider)
    if source_ids is not None:
        docs = docs.filter(source_id__in=list(source_ids))
    Posting.objects.filter(document__in=docs).delete()
    docs.delete()


def index(obj: object, *, provider: Provider | None = None) -> int:
    """Make the index show what ``obj`` shows now (its provider's documents); call it in the
    transaction that wrote ``obj``. Returns the number of documents."""
    provider = provider or provider_for(obj)
    source = provider.key(obj)
    with transaction.atomic():
        _clear(provider.name, [source])
        return write([(provider.name, source, list(provider.documents(obj)))])


def remove(obj: object, *, provider: Provider | None = None) -> None:
    """Take ``obj``'s documents out of the index (call it before or with the deletion)."""
    provider = provider or provider_for(obj)
    with transaction.atomic():
        _clear(provider.name, [provider.key(obj)])


@dataclass
class RebuildResult:
    documents: int = 0
    objects: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.objects / self.seconds if self.seconds else 0.0


def rebuild(
    *,
    names: Iterable[str] | None = None,
    batch_size: int = 500,
    progress: Callable[[str, RebuildResult], None] | None = None,
) -> RebuildResult:
    """Recreate the documents of the named providers (all by default) from their
    ``objects()``, in one transaction (searches see the old index until it commits)."""
    chosen = [p for p in providers.registered() if names is None or p.name in set(names)]
    result = RebuildResult()
    started = time.perf_counter()
    with transaction.atomic():
        for provider in chosen:
            _clear(provider.name)
            objects = iter(provider.objects())
            while batch := list(islice(objects, batch_size)):
                result.documents += write(
                    (provider.name, provider.key(obj), list(provider.documents(obj)))
                    for obj in batch
                )
                result.objects += len(batch)
                result.seconds = time.perf_counter() - started
                if progress:
                    progress(provider.name, result)
    refresh_statistics()
    result.seconds = time.perf_counter() - started
    return result


def refresh_statistics() -> None:
    """Tell the database what the rebuilt index holds. On PostgreSQL, VACUUM also marks the
    new postings all-visible, without which the covering indexes are not used alone (every
    match would be checked in the table); it cannot run inside a transaction, so a rebuild
    called within one leaves this to autovacuum."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE) search_posting, search_searchdocument")
        else:
            cursor.execute("ANALYZE search_posting")
            cursor.execute("ANALYZE search_searchdocument")

"""The seam content apps feed the index through.

An app registers a `Provider` from its ``AppConfig.ready()``::

    from yakuba.search.providers import Document, Provider, providers

    providers.register(Provider(
        name="knowledge.article",
        model=Article,
        documents=lambda article: [Document(kind="article", object_id=article.pk, ...)],
        objects=lambda: Article.objects.filter(published=True).iterator(),
    ))

and calls `yakuba.search.services.index(obj)` / `remove(obj)` inside the transaction that
writes the object (so a rolled-back write leaves the index as it was). ``documents(obj)``
returns what the object shows in search now — an empty list when it should not be found
(a draft, a deleted answer); ``objects()`` lists every object for `rebuild_search_index`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from yakuba.core.registry import Registry
from yakuba.search.models import Visibility


@dataclass(frozen=True)
class Document:
    kind: str
    object_id: int
    title: str
    body: str
    url: str
    tags: tuple[str, ...] = ()
    unit_id: int | None = None
    visibility: str = Visibility.STAFF
    capability: str = ""  # with Visibility.CAPABILITY: who may see it
    # Vouched for: an accepted answer, a how-to (ranked higher; the badge shows on answers).
    accepted: bool = False
    fresh_on: dt.date | None = None  # written or reviewed on (recent ones ranked higher)


@dataclass(frozen=True)
class Provider:
    name: str
    model: type[Any]
    documents: Callable[[Any], Iterable[Document]]
    objects: Callable[[], Iterable[Any]]
    key: Callable[[Any], int] = field(default=lambda obj: int(obj.pk))


providers: Registry[Provider] = Registry(
    "search provider", name=lambda p: p.name, order=lambda p: p.name
)


def provider_for(obj: object) -> Provider:
    for provider in providers.registered():
        if isinstance(obj, provider.model):
            return provider
    raise LookupError(f"no search provider for {type(obj).__name__}")

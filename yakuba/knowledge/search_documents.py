"""What questions, answers and how-tos show in search.

Registered from `KnowledgeConfig.ready()` into the search seam (`search.providers`); the
knowledge services call `yakuba.search.services.index(question)` / `index(article)` in the
transaction of each write, so search never lags behind (`rebuild_search_index` rebuilds
everything). A question is indexed with all its answers (one document each: an accepted
answer ranks higher), a how-to with its current version (its last update is its
freshness; a how-to is vouched for like an accepted answer — often it was one — so it ranks
with them, and a fresh one above them). Everything is visible to all staff; an anonymous
question carries no unit (its unit would narrow down who asked). Bodies are indexed as the
text a reader sees (markup, link targets and code fences' marks left out), so snippets read
like the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse

from yakuba.knowledge.markup import plain_text
from yakuba.search.providers import Document, Provider, providers


def _url(name: str, arg: object, fallback: str) -> str:
    try:
        return reverse(name, args=[arg])
    except NoReverseMatch:  # the knowledge URLs are not routed (an instance without them)
        return fallback


def question_documents(question: Any) -> Iterable[Document]:
    tags = tuple(tag.name for tag in question.tags.all())
    url = _url("knowledge:question", question.pk, f"/knowledge/questions/{question.pk}/")
    yield Document(
        kind="question",
        object_id=question.pk,
        title=question.title,
        body=plain_text(question.body, None),
        url=url,
        tags=tags,
        unit_id=None if question.anonymous else question.asker.unit_id,
    )
    for answer in question.answers.all():
        yield Document(
            kind="answer",
            object_id=answer.pk,
            title=question.title,
            body=plain_text(answer.body, None),
            url=f"{url}#answer-{answer.pk}",
            tags=tags,
            unit_id=answer.author.unit_id,
            accepted=answer.accepted,
        )


def article_documents(article: Any) -> Iterable[Document]:
    version = article.current
    yield Document(
        kind="article",
        object_id=article.pk,
        title=version.title if version else article.title,
        body=plain_text(version.body, None) if version else "",
        url=_url("knowledge:howto", article.slug, f"/knowledge/howto/{article.slug}/"),
        tags=tuple(tag.name for tag in article.tags.all()),
        unit_id=article.owner_unit_id,
        accepted=True,
        fresh_on=article.updated_at.date(),
    )


def register() -> None:
    from yakuba.knowledge.models import Article, Question

    providers.register(
        Provider(
            name="knowledge.question",
            model=Question,
            documents=question_documents,
            objects=lambda: (
                Question.objects.select_related("asker")
                .prefetch_related("tags", "answers__author")
                .order_by("pk")
                .iterator(chunk_size=500)
            ),
        )
    )
    providers.register(
        Provider(
            name="knowledge.article",
            model=Article,
            documents=article_documents,
            objects=lambda: (
                Article.objects.select_related("current")
                .prefetch_related("tags")
                .order_by("pk")
                .iterator(chunk_size=500)
            ),
        )
    )

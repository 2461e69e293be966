"""The demo knowledge: 20 helpers across 10 departments, ~300 questions, 40 how-tos."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from yakuba.knowledge.models import Answer, Article, Helper, Question, QuestionStatus
from yakuba.search.models import SearchDocument


@pytest.mark.django_db
def test_seed_knowledge_demo(settings, client) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_knowledge_demo", "--if-empty", stdout=out)  # no city yet: skipped
    assert not Question.objects.exists()
    call_command("seed_demo", "--staff", "300", stdout=StringIO())
    started = time.monotonic()
    call_command("seed_knowledge_demo", "--if-empty", stdout=out)
    assert time.monotonic() - started < 20
    assert "ICTサポーター 20 人（10 部）" in out.getvalue()
    helpers = Helper.objects.select_related("staff__unit")
    assert helpers.count() == 20
    assert helpers.filter(appointed_by__isnull=False).count() == 10
    assert Question.objects.count() == 300 and Article.objects.count() == 40
    # Written in bulk, then indexed at once: the demo's how-tos and questions are searchable.
    assert SearchDocument.objects.filter(provider="knowledge.article").count() == 40
    assert SearchDocument.objects.filter(kind="question").count() == 300
    assert Article.objects.filter(from_answer__isnull=False).count() >= 20
    assert Answer.objects.filter(accepted=True).count() >= 150
    statuses = set(Question.objects.values_list("status", flat=True))
    assert statuses == set(QuestionStatus.values)
    titles = set(Question.objects.values_list("title", flat=True))
    assert len(titles) >= 40  # varied templates
    # Most first answers come from outside the asker's unit.
    crossing = sum(
        1
        for a in Answer.objects.select_related("author__unit", "question__asker__unit")
        if not a.author.unit.path.startswith(a.question.asker.unit.path)
        and not a.question.asker.unit.path.startswith(a.author.unit.path)
    )
    assert crossing / Answer.objects.count() > 0.8
    assert Question.objects.annotate(n=Count("tags")).filter(n=0).count() == 0
    # Loading again changes nothing.
    again = StringIO()
    call_command("seed_knowledge_demo", "--if-empty", stdout=again)
    assert Question.objects.count() == 300

"""The demo: S27 shaped like the source page — 令和2年度 published with the source's
comments and reply, this fiscal year in progress (approved, awaiting, draft, unanswered) —
and the head of 情報政策課 approves; the loader is idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import verified_client
from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.policies import services
from yakuba.policies.demo import SOURCE_COMMENTS, SOURCE_REPLY, current_fiscal_year
from yakuba.policies.models import Policy, Publication, Reply, ReplyStatus


@pytest.mark.django_db
def test_seed_policies_demo(settings, client_factory) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", stdout=StringIO())
    out = StringIO()
    call_command("seed_policies_demo", "--if-empty", stdout=out)
    assert "施策 1 件（2 年度分" in out.getvalue()
    policy = Policy.objects.get(code="S27")
    assert policy.responsible_unit.name == "情報政策課"
    past, current = policy.years.order_by("fiscal_year")
    assert past.fiscal_year == 2020
    assert current.fiscal_year == current_fiscal_year(timezone.localdate())

    publication = Publication.objects.get(year=past)
    assert publication.page_date == dt.date(2021, 2, 26)
    html = publication.html
    assert (
        "S27 ICTの活用（ICT化と業務改革の一体的な取組の実施、情報セキュリティの確保）【情報政策課】"
        in html
    )
    assert '更新日:<time datetime="2021-02-26">2021年02月26日</time>' in html
    for _heading, text in SOURCE_COMMENTS:
        assert text in html
    assert html.count(SOURCE_REPLY.split("\n")[0]) == 2  # once per heading, as on the source
    assert "みどり野市" in html and "長久手" not in html

    statuses = sorted(Reply.objects.filter(year=current).values_list("status", flat=True))
    assert statuses == sorted([ReplyStatus.APPROVED, ReplyStatus.SUBMITTED, ReplyStatus.DRAFT])
    assert services.publication_problems(current)

    head = User.objects.get(username=accounts.POLICY_HEAD)
    assert head.staff.unit == policy.responsible_unit and head.check_password(
        accounts.DEMO_PASSWORD
    )
    queue = verified_client(client_factory(), head).get("/policies/approvals/")
    assert len(queue.context["replies"]) == 1
    # demo-head (市民課) has no say on 情報政策課's replies.
    other = User.objects.get(username=accounts.HEAD)
    waiting = Reply.objects.get(status=ReplyStatus.SUBMITTED)
    assert (
        verified_client(client_factory(), other)
        .get(f"/policies/replies/{waiting.pk}/decide/")
        .status_code
        == 404
    )

    again = StringIO()
    call_command("seed_policies_demo", "--if-empty", stdout=again)
    assert "読み込みませんでした" in again.getvalue()
    assert Policy.objects.count() == 1

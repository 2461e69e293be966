"""Objects for the authorization matrix and the policy tests."""

from __future__ import annotations

from typing import Any

from yakuba.policies import services
from yakuba.policies.models import Comment, CommentHeading, Policy, PolicyYear, Reply

OVERALL, ISSUES = "全体に対する意見・提案等", "課題に対する意見・提案等"


def planner(username: str = "policy-planner") -> Any:
    from yakuba.accounts.models import User

    user = User.objects.filter(username=username).first()
    return user or User.objects.create_user(username, password=None, role="planning")


def heading(name: str) -> CommentHeading:
    return CommentHeading.objects.get_or_create(name=name, defaults={"order": 99})[0]


def make_policy(unit: Any, code: str = "S27", **fields: Any) -> Policy:
    values = {
        "code": code,
        "title": "ICTの活用",
        "responsible_unit": unit,
        "description": "",
        "first_year": 2019,
        "last_year": None,
    }
    values.update(fields)
    return services.save_policy(actor=planner(), policy=None, values=values)


def make_year(policy: Policy, fiscal_year: int = 2020) -> PolicyYear:
    return services.add_year(actor=planner(), policy=policy, fiscal_year=fiscal_year)


def add_comment(year: PolicyYear, text: str, heading_name: str = OVERALL) -> Comment:
    return services.save_comment(
        actor=planner(),
        year=year,
        comment=None,
        values={"heading": heading(heading_name), "order": 0, "text": text, "evaluator": ""},
    )


def make_reply(year: PolicyYear, comments: list[Comment], text: str = "対応します。") -> Reply:
    return services.save_reply(actor=planner(), year=year, reply=None, text=text, comments=comments)


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A policy of 市民課 (the matrix's unit head is its head) for 令和2年度: two comments, a
    reply submitted for approval, and a published version of another, finished year."""
    if "policies" in objs:
        return objs["policies"]
    policy = make_policy(objs["org"]["shimin"])
    year = make_year(policy, 2021)
    first = add_comment(year, "在宅勤務の課題と対応策を示してほしい。")
    add_comment(year, "対象者の条件や効果を点検・評価してほしい。", ISSUES)
    reply = make_reply(year, [first])
    services.submit_reply(actor=planner(), reply=reply)
    done = make_year(policy, 2020)
    answered = add_comment(done, "Web会議の運用ルールを検討してほしい。")
    finished = make_reply(done, [answered])
    services.submit_reply(actor=planner(), reply=finished)
    head = _head_of(objs["org"]["shimin"])
    services.decide_reply(actor=head, reply=finished, approve=True)
    publication = services.publish(actor=planner(), year=done)
    objs["policies"] = {
        "policy": policy,
        "year": year,
        "comment": first,
        "reply": reply,
        "heading": heading(OVERALL),
        "publication": publication,
    }
    return objs["policies"]


def _head_of(unit: Any) -> Any:
    from yakuba.accounts.models import User
    from yakuba.org.models import Staff

    user = User.objects.create_user(f"policy-head-{unit.code}", password=None, role="unit_head")
    Staff.objects.create(
        staff_number=f"77{unit.code}",
        name="施策 課長",
        name_kana="シサク カチョウ",
        unit=unit,
        user=user,
    )
    return user

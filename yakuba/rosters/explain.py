"""Soft-rule costs in plain words ("山田さん: 在宅希望 5/12 不可 — VPN枠が満杯").

Rows are stored structured (so the language is chosen when the page is shown) and turned
into sentences by `describe`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from yakuba import planner
    from yakuba.rosters.solver_io import ProblemContext


def explain(
    ctx: ProblemContext, v: planner.Violation, seat_usage: dict[tuple[str, int], int] | None = None
) -> dict[str, Any]:
    row: dict[str, Any] = {"rule": v.rule, "cost": v.cost, "detail": v.detail}
    if v.staff is not None and v.staff in ctx.staff:
        row["staff_id"] = ctx.staff[v.staff].pk
        row["staff"] = ctx.staff[v.staff].name
    if v.day is not None and 0 <= v.day < len(ctx.days):
        row["date"] = ctx.days[v.day].isoformat()
    if v.activity is not None and v.activity in ctx.activities:
        row["activity"] = ctx.activities[v.activity].name
    if (
        v.rule == "request_on"
        and v.day is not None
        and seat_usage is not None
        and v.activity in ctx.activities
    ):
        # A telework wish not granted on a day whose remote seats are all taken: say so.
        for resource in ctx.activities[v.activity].resources.all():
            limit = ctx.seat_limits.get((resource.name, v.day))
            if limit is not None and seat_usage.get((resource.name, v.day), 0) >= limit:
                row["reason"] = "seats_full"
                row["resource"] = resource.name
                break
    return row


def _md(iso: str | None) -> str:
    if not iso:
        return ""
    _y, m, d = iso.split("-")
    return f"{int(m)}/{int(d)}"


def describe(row: dict[str, Any]) -> str:
    """One sentence in the active language for a stored violation row."""
    rule = row.get("rule", "")
    values = {
        "staff": row.get("staff", ""),
        "date": _md(row.get("date")),
        "activity": row.get("activity", ""),
        "detail": row.get("detail", ""),
        "resource": row.get("resource", ""),
        "cost": row.get("cost", 0),
    }
    if rule == "cover_under":
        text = _("%(date)s %(activity)s：人数が不足（%(detail)s）") % values
    elif rule == "cover_over":
        text = _("%(date)s %(activity)s：人数が目標より多い（%(detail)s）") % values
    elif rule == "request_on":
        text = _("%(staff)sさん：%(date)s の希望（%(activity)s）が通りませんでした") % values
        if row.get("reason") == "seats_full":
            text += _(" — %(resource)s が満杯") % values
    elif rule == "request_off":
        if values["activity"]:
            text = (
                _("%(staff)sさん：%(date)s は %(activity)s を避けたい希望が通りませんでした")
                % values
            )
        else:
            text = _("%(staff)sさん：%(date)s の休み希望が通りませんでした") % values
    elif rule == "fairness":
        text = _("偏り：%(detail)s") % values
    elif rule == "stability":
        text = _("%(staff)sさん：%(date)s の割り当てを変更") % values
    else:
        parts = [values["staff"], values["date"], values["activity"], values["detail"]]
        text = f"{rule}: " + " ".join(str(p) for p in parts if p)
    return text


def rule_label(rule: str) -> str:
    """Japanese-first names of the objective's parts (shown beside their cost)."""
    labels = {
        "cover_under": _("窓口の人数不足"),
        "cover_over": _("窓口の人数超過"),
        "request_on": _("通らなかった希望"),
        "request_off": _("避けたい勤務の割当て"),
        "fairness": _("偏り"),
        "stability": _("公開版からの変更"),
        "away_from_office": _("庁外での勤務（1人日ごと）"),
    }
    return str(labels.get(rule, rule))

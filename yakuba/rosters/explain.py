"""Soft-rule costs in plain words, each with its reason
("山田さん：5/12 の希望（在宅（VPN））が通りませんでした — VPN端末 が満杯").

`explain` stores a structured row per priced violation (so the language is chosen when the
page is shown): what was not met and *why*, read from the terms the solver had — the
person's allowed work per day (eligibility, duty days, leave), the seat capacities, the
weekly telework limits, split teams, the hours to work, and the roster itself (who was
put at which counter). `describe` turns a row into a sentence in the active language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from yakuba.planner import codes
from yakuba.planner.model import allowed_activities
from yakuba.rosters.models import ActivityKind

if TYPE_CHECKING:
    from yakuba import planner
    from yakuba.rosters.solver_io import ProblemContext

#: Breakdown entry for working away from the office (part of cover_under in the solver).
AWAY_FROM_OFFICE = "away_from_office"

# ---- reasons (stored in row["reason"])
ON_LEAVE = "on_leave"
DUTY_DAY = "duty_day"
NOT_ELIGIBLE = "not_eligible"
NOT_ALLOWED = "not_allowed"
AT_COUNTER = "counter"
SEATS_FULL = "seats_full"
WEEKLY_CAP = "weekly_cap"
OFFICE_MIN = "office_min"
SPLIT_TEAM = "split_team"
OFFICE_FULL = "office_full"
REQUIRED_DAYS = "required_days"
TOO_FEW = "too_few"
NEEDED_ELSEWHERE = "needed_elsewhere"
SPREAD = "spread"
TRADE_OFF = "trade_off"


class _Cell:
    """One person's day in the solved roster, with the solver's facts about it."""

    def __init__(
        self,
        ctx: ProblemContext,
        roster: planner.Roster,
        usage: dict[tuple[str, int], int],
        staff: str,
        day: int,
    ) -> None:
        self.ctx, self.roster, self.usage = ctx, roster, usage
        self.key, self.day = staff, day
        self.person = ctx.problem.staff_member(staff)
        self.assigned = roster.get(staff, [None] * (day + 1))[day]

    def is_counter(self, act: str | None) -> bool:
        a = self.ctx.activities.get(act) if act else None
        return a is not None and a.kind == ActivityKind.COUNTER

    def counter_reason(self) -> dict[str, Any] | None:
        if self.assigned is not None and self.is_counter(self.assigned):
            return {"reason": AT_COUNTER, "counter": self.ctx.activities[self.assigned].name}
        return None

    def not_allowed_reason(self, act: str) -> dict[str, Any] | None:
        """Why ``act`` was not possible at all that day (the variable's domain)."""
        if self.day in self.person.days_off:
            return {"reason": ON_LEAVE}
        if act in allowed_activities(self.ctx.problem, self.person, self.day):
            return None
        if self.day in self.ctx.duty_days:
            return {"reason": DUTY_DAY}
        activity = self.ctx.activities.get(act)
        elig = self.ctx.eligibility.get(self.ctx.staff[self.key].pk)
        telework = activity is not None and activity.kind == ActivityKind.TELEWORK
        if telework and elig is not None and not elig.eligible:
            return {"reason": NOT_ELIGIBLE, "conditions": _labels(elig.unmet)}
        return {"reason": NOT_ALLOWED}

    def seats_reason(self, act: str) -> dict[str, Any] | None:
        activity = self.ctx.activities.get(act)
        if activity is None:
            return None
        for resource in activity.resources.all():
            limit = self.ctx.seat_limits.get((resource.name, self.day))
            used = self.usage.get((resource.name, self.day), 0)
            if limit is not None and used >= limit:
                return {"reason": SEATS_FULL, "resource": resource.name, "limit": limit}
        return None

    def window_reason(self, act: str) -> dict[str, Any] | None:
        """A weekly limit that one more day of ``act`` would break: the telework cap, or
        the minimum of office days (when ``act`` would take one of them away)."""
        row = self.roster.get(self.key, [])
        for wl in self.ctx.problem.window_limits:
            if wl.staff != self.key or self.day not in wl.days or wl.activities is None:
                continue
            n = sum(1 for d in wl.days if d < len(row) and row[d] in wl.activities)
            if wl.max_days is not None and act in wl.activities and n >= wl.max_days:
                return {"reason": WEEKLY_CAP, "cap": wl.max_days}
            if wl.min_days and self.assigned in wl.activities and n <= wl.min_days:
                return {"reason": OFFICE_MIN, "days": wl.min_days}
        return None

    def split_team_reason(self) -> dict[str, Any] | None:
        for sp in self.ctx.problem.split_teams:
            mine = [i for i, team in enumerate(sp.teams) if self.key in team]
            if not mine:
                continue
            if sp.period_days:
                turn = ((self.day + sp.offset) // sp.period_days) % len(sp.teams)
                if mine[0] != turn:
                    return {"reason": SPLIT_TEAM}
            elif any(
                self._in_office(s) for i, team in enumerate(sp.teams) if i != mine[0] for s in team
            ):
                return {"reason": SPLIT_TEAM}
        return None

    def office_full_reason(self) -> dict[str, Any] | None:
        for cap in self.ctx.problem.capacities:
            if not cap.name.startswith("office_presence@") or self.day not in (cap.days or ()):
                continue
            n = sum(1 for row in self.roster.values() if row[self.day] in cap.activities)
            if n >= cap.max_staff:
                return {"reason": OFFICE_FULL}
        return None

    def required_days_reason(self) -> dict[str, Any] | None:
        minutes = [a.minutes for a in self.ctx.problem.activities if a.working]
        if self.person.min_minutes and minutes:
            return {"reason": REQUIRED_DAYS, "days": self.person.min_minutes // max(minutes)}
        return None

    def _in_office(self, staff: str) -> bool:
        act = self.roster.get(staff, [None] * (self.day + 1))[self.day]
        activity = self.ctx.activities.get(act) if act else None
        return activity is not None and activity.in_office


def _labels(outcomes: Iterable[Any]) -> list[dict[str, str]]:
    """Condition labels in both languages (rows are stored; the page picks one)."""
    out = []
    for o in outcomes:
        label = {}
        for lang in ("ja", "en"):
            with translation.override(lang):
                label[lang] = str(o.label)
        out.append({"code": o.code, **label})
    return out


def _first(*reasons: dict[str, Any] | None) -> dict[str, Any]:
    return next((r for r in reasons if r is not None), {"reason": TRADE_OFF})


def _wish_reason(cell: _Cell, v: planner.Violation) -> dict[str, Any]:
    act = v.activity
    if v.rule == codes.REQUEST_ON and act is not None:
        # Wanted ``act`` (telework): impossible that day, or taken by a counter, a full
        # pool or a weekly limit.
        return _first(
            cell.not_allowed_reason(act),
            cell.counter_reason(),
            cell.seats_reason(act),
            cell.window_reason(act),
        )
    if v.rule == codes.REQUEST_ON:  # wanted to work at all
        return _first({"reason": ON_LEAVE} if cell.day in cell.person.days_off else None)
    if act is not None:
        # Wanted to avoid ``act`` (e.g. an office wish: no telework) and got it.
        return _first(cell.counter_reason(), cell.split_team_reason(), cell.office_full_reason())
    # A day-off wish on a day they work.
    return _first(cell.counter_reason(), cell.required_days_reason())


def _cover_reason(ctx: ProblemContext, v: planner.Violation) -> dict[str, Any]:
    line = next(
        (
            c
            for c in ctx.problem.cover
            if c.day == v.day and c.activity == v.activity and (c.skill or "") == v.detail
        ),
        None,
    )
    if line is None or v.day is None:
        return {"reason": TRADE_OFF}
    if v.rule == codes.COVER_OVER:
        return {"reason": TRADE_OFF}
    available = sum(
        1
        for s in ctx.problem.staff
        if line.activity in allowed_activities(ctx.problem, s, line.day)
        and (line.skill is None or line.skill in s.skills)
    )
    if available < line.target:
        return {"reason": TOO_FEW, "available": available, "need": line.target}
    return {"reason": NEEDED_ELSEWHERE}


def _fairness_reason(
    ctx: ProblemContext, v: planner.Violation, roster: planner.Roster
) -> dict[str, Any]:
    rule = next((f for f in ctx.problem.fairness if f.name == v.detail), None)
    if rule is None:
        return {"reason": TRADE_OFF}
    working = {a.id for a in ctx.problem.activities if a.working}
    counts = [
        sum(
            1
            for d, a in enumerate(roster[s])
            if (rule.days is None or d in rule.days)
            and (a in working if rule.activities is None else a in rule.activities)
        )
        for s in sorted(rule.staff)
        if s in roster
    ]
    if not counts:
        return {"reason": TRADE_OFF}
    return {"reason": SPREAD, "lo": min(counts), "hi": max(counts)}


def explain(
    ctx: ProblemContext,
    v: planner.Violation,
    roster: planner.Roster,
    seat_usage: dict[tuple[str, int], int],
) -> dict[str, Any]:
    """A stored row for one priced violation of the solved ``roster``, with its reason."""
    row: dict[str, Any] = {"rule": v.rule, "cost": v.cost, "detail": v.detail}
    if v.staff is not None and v.staff in ctx.staff:
        row["staff_id"] = ctx.staff[v.staff].pk
        row["staff"] = ctx.staff[v.staff].name
    if v.day is not None and 0 <= v.day < len(ctx.days):
        row["date"] = ctx.days[v.day].isoformat()
    if v.activity is not None and v.activity in ctx.activities:
        row["activity"] = ctx.activities[v.activity].name
    if v.rule in (codes.COVER_UNDER, codes.COVER_OVER):
        if v.detail:
            row["skill"] = ctx.skill_names.get(v.detail, v.detail)
        row |= _cover_reason(ctx, v)
    elif v.rule in (codes.REQUEST_ON, codes.REQUEST_OFF, codes.STABILITY) and (
        v.staff in roster and v.day is not None
    ):
        cell = _Cell(ctx, roster, seat_usage, v.staff, v.day)
        if v.rule == codes.STABILITY:
            # A changed cell: the new leave, or a counter refilled.
            row |= _first(
                {"reason": ON_LEAVE} if v.day in cell.person.days_off else None,
                cell.counter_reason(),
            )
        else:
            row |= _wish_reason(cell, v)
    elif v.rule == codes.FAIRNESS:
        row |= _fairness_reason(ctx, v, roster)
    return row


# ------------------------------------------------------------------ words


def _md(iso: str | None) -> str:
    if not iso:
        return ""
    _y, m, d = iso.split("-")
    return f"{int(m)}/{int(d)}"


def fairness_label(name: str) -> str:
    """The words for a fairness rule of `solver_io` (its name is a code)."""
    labels = {
        "weekend_duty": _("週末・休日の勤務"),
        "telework_days": _("在宅勤務の日数"),
    }
    return str(labels.get(name, _("勤務日数")))


def join_list(items: Iterable[str]) -> str:
    return pgettext("list separator", "、").join(items)


def reason_text(row: dict[str, Any]) -> str:
    """Why, in the active language ("" when the row has no reason)."""
    reason = row.get("reason")
    lang = "en" if (translation.get_language() or "").startswith("en") else "ja"
    values = {k: row.get(k, "") for k in ("resource", "counter", "cap", "days", "available")}
    values |= {k: row.get(k, "") for k in ("need", "lo", "hi")}

    def count(key: str) -> int:
        n = row.get(key)
        return n if isinstance(n, int) else 0

    texts = {
        ON_LEAVE: lambda: _("その日は休暇です"),
        DUTY_DAY: lambda: _("土日・祝日は窓口の当番だけです"),
        NOT_ELIGIBLE: lambda: (
            _("在宅勤務の対象外です（%(conditions)s）")
            % {"conditions": join_list(c.get(lang, c.get("ja", "")) for c in row["conditions"])}
        ),
        NOT_ALLOWED: lambda: _("その日はこの勤務形態に就けません"),
        AT_COUNTER: lambda: _("%(counter)s に必要でした") % values,
        SEATS_FULL: lambda: _("%(resource)s が満杯") % values,
        WEEKLY_CAP: lambda: (
            ngettext(
                "在宅勤務は週 %(cap)s 日までです", "在宅勤務は週 %(cap)s 日までです", count("cap")
            )
            % values
        ),
        OFFICE_MIN: lambda: (
            ngettext(
                "出勤は週 %(days)s 日以上必要です",
                "出勤は週 %(days)s 日以上必要です",
                count("days"),
            )
            % values
        ),
        SPLIT_TEAM: lambda: _("分散勤務で、チームの出勤日ではありません"),
        OFFICE_FULL: lambda: _("出勤者数の上限に達していました"),
        REQUIRED_DAYS: lambda: (
            ngettext(
                "期間中 %(days)s 日の勤務が必要です（休むには休暇の承認が必要です）",
                "期間中 %(days)s 日の勤務が必要です（休むには休暇の承認が必要です）",
                count("days"),
            )
            % values
        ),
        TOO_FEW: lambda: (
            ngettext(
                "対応できる職員が %(available)s 人しかいません（必要 %(need)s 人）",
                "対応できる職員が %(available)s 人しかいません（必要 %(need)s 人）",
                count("available"),
            )
            % values
        ),
        NEEDED_ELSEWHERE: lambda: _(
            "対応できる職員は、ほかの窓口や勤務日数・休日勤務の上限のため配置できませんでした"
        ),
        SPREAD: lambda: _("1人あたり %(lo)s〜%(hi)s 日") % values,
        TRADE_OFF: lambda: _("ほかの希望や基準を満たすほうが優先されました"),
    }
    if reason not in texts or (reason == NOT_ELIGIBLE and not row.get("conditions")):
        return ""
    return str(texts[reason]())


def describe(row: dict[str, Any]) -> str:
    """One sentence in the active language for a stored violation row, with its reason."""
    rule = row.get("rule", "")
    values = {
        "staff": row.get("staff", ""),
        "date": _md(row.get("date")),
        "activity": row.get("activity", ""),
        "skill": row.get("skill", ""),
        "label": fairness_label(row.get("detail", "")),
    }
    if rule == codes.COVER_UNDER:
        if values["skill"]:
            text = _("%(date)s %(activity)s：%(skill)s の担当者が不足") % values
        else:
            text = _("%(date)s %(activity)s：人数が不足") % values
    elif rule == codes.COVER_OVER:
        text = _("%(date)s %(activity)s：人数が目標より多い") % values
    elif rule == codes.REQUEST_ON:
        text = _("%(staff)sさん：%(date)s の希望（%(activity)s）が通りませんでした") % values
    elif rule == codes.REQUEST_OFF:
        if values["activity"]:
            text = (
                _("%(staff)sさん：%(date)s は %(activity)s を避けたい希望が通りませんでした")
                % values
            )
        else:
            text = _("%(staff)sさん：%(date)s の休み希望が通りませんでした") % values
    elif rule == codes.FAIRNESS:
        text = _("偏り：%(label)s") % values
    elif rule == codes.STABILITY:
        text = _("%(staff)sさん：%(date)s の割り当てを変更") % values
    else:
        parts = [values["staff"], values["date"], values["activity"]]
        text = _("%(label)s：%(detail)s") % {
            "label": rule_label(rule),
            "detail": " ".join(p for p in parts if p),
        }
    why = reason_text(row)
    return f"{text} — {why}" if why else str(text)


def rule_label(rule: str) -> str:
    """Japanese-first names of the objective's parts (shown beside their cost)."""
    labels = {
        codes.COVER_UNDER: _("窓口の人数不足"),
        codes.COVER_OVER: _("窓口の人数超過"),
        codes.REQUEST_ON: _("通らなかった希望"),
        codes.REQUEST_OFF: _("避けたい勤務の割当て"),
        codes.FAIRNESS: _("偏り"),
        codes.STABILITY: _("公開版からの変更"),
        AWAY_FROM_OFFICE: _("庁外での勤務（1人日ごと）"),
    }
    return str(labels.get(rule, _("その他の基準")))

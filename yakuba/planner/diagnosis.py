"""Explain infeasibility: which hard-rule groups cannot hold together, in plain terms.

Every hard-rule group gets an assumption literal (see ``Builder.guard``); CP-SAT's
``SufficientAssumptionsForInfeasibility`` gives a conflicting subset, which is then
shrunk by deletion (drop one group, re-check) so the people reading it see only rules
that really matter. Messages carry a code and params for programs, plus English and
Japanese text for the UI.
"""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from . import codes
from .builder import Builder
from .index import Index
from .result import Conflict, Diagnosis


def _core(b: Builder, assumed: list[Any], limit: float) -> tuple[int, list[int]]:
    m = b.m.clone()
    m.clear_assumptions()
    m.add_assumptions(assumed)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # assumption cores need the single-thread search
    solver.parameters.max_time_in_seconds = limit
    st = solver.Solve(m)
    if st == cp_model.INFEASIBLE:
        return st, list(solver.SufficientAssumptionsForInfeasibility())
    return st, []


def diagnose(ix: Index, time_limit: float = 10.0) -> Diagnosis:
    b = Builder(ix, diagnose=True).build()
    b.m.clear_objective()  # feasibility only
    lits = list(b.guard_lits)
    by_index = {lit.Index(): lit for lit in lits}
    st, core = _core(b, lits, time_limit / 2)
    if st != cp_model.INFEASIBLE:
        return Diagnosis(conflicts=[], complete=False)
    # Deletion filter: a group stays only if the rest becomes satisfiable without it.
    keep = [by_index[i] for i in core if i in by_index]
    per = time_limit / 2 / max(1, len(keep))
    i = 0
    while i < len(keep) and len(keep) <= 40:
        trial = keep[:i] + keep[i + 1 :]
        st_i, core_i = _core(b, trial, per)
        if st_i == cp_model.INFEASIBLE:
            keep = [by_index[j] for j in core_i if j in by_index] or trial
        else:
            i += 1
    return Diagnosis(conflicts=[render(ix, *b.guards[lit.Index()]) for lit in keep])


def render(ix: Index, code: str, params: dict[str, Any]) -> Conflict:
    """Plain English and Japanese for one hard-rule group."""
    p = ix.problem
    day = params.get("day")
    dl = p.day_label(day) if day is not None else ""
    st = p.staff_member(params["staff"]) if "staff" in params else None
    who = st.label if st else ""
    act = params.get("activity")
    al = p.activity(act).label if act else ""
    en, ja = code, code
    if code == codes.COVER_MIN:
        skill = params.get("skill")
        # A cover group always names its day and activity.
        a, d = ix.act_pos[params["activity"]], params["day"]
        avail = sum(
            1
            for e, s in enumerate(p.staff)
            if a in ix.eligible[e][d] and (skill is None or skill in s.skills)
        )
        params = {**params, "available": avail}
        sk_en = f" with skill {skill}" if skill else ""
        sk_ja = f"（技能「{skill}」）" if skill else ""
        en = (
            f"{al} on {dl} needs {params['need']} people{sk_en}; "
            f"only {avail} are available that day"
        )
        ja = (
            f"{dl}の「{al}」には{params['need']}人{sk_ja}が必要ですが、"
            f"その日に対応できるのは{avail}人だけです"
        )
    elif code == codes.DAY_OFF:
        en, ja = f"{who} has a fixed day off on {dl}", f"{who}さんは{dl}が休日に指定されています"
    elif code == codes.ELIGIBILITY:
        en = f"{who} may only do some activities on {dl}"
        ja = f"{who}さんが{dl}に担当できる業務は限られています"
    elif code == codes.PIN:
        en, ja = f"{who} is pinned on {dl}", f"{who}さんの{dl}の割当ては固定されています"
    elif code == codes.SUCCESSION:
        en = f"{who}: some activities may not follow each other on consecutive days"
        ja = f"{who}さん：連続する日に続けて担当できない業務の組合せがあります"
    elif code == codes.MAX_PER_ACTIVITY:
        lim = st.max_per_activity.get(params["activity"], 0) if st else 0
        en = f"{who} may do {al} on at most {lim} days"
        ja = f"{who}さんの「{al}」は最大{lim}日です"
    elif code in (codes.MIN_MINUTES, codes.MAX_MINUTES):
        mins = st.min_minutes if code == codes.MIN_MINUTES and st else (st.max_minutes if st else 0)
        word_en = "at least" if code == codes.MIN_MINUTES else "at most"
        word_ja = "以上" if code == codes.MIN_MINUTES else "以下"
        en = f"{who} must work {word_en} {mins} minutes in total"
        ja = f"{who}さんの総勤務時間は{mins}分{word_ja}でなければなりません"
    elif code == codes.MAX_CONSECUTIVE:
        k = st.max_consecutive if st else 0
        en = f"{who} may work at most {k} days in a row"
        ja = f"{who}さんの連続勤務は最大{k}日です"
    elif code == codes.MIN_CONSECUTIVE:
        k = st.min_consecutive if st else 0
        en = f"{who} must work at least {k} days in a row once started"
        ja = f"{who}さんの連続勤務は最低{k}日です"
    elif code == codes.MIN_CONSECUTIVE_OFF:
        k = st.min_consecutive_off if st else 0
        en = f"{who} needs at least {k} consecutive days off"
        ja = f"{who}さんの連続休日は最低{k}日です"
    elif code == codes.MAX_WEEKENDS:
        k = st.max_weekends if st else 0
        en = f"{who} may work at most {k} weekends"
        ja = f"{who}さんの週末勤務は最大{k}回です"
    elif code == codes.WINDOW_LIMIT:
        en = f"{who}: limit on days within a window ({params.get('name', '')})"
        ja = f"{who}さん：期間内の日数の上限・下限（{params.get('name', '')}）"
    elif code == codes.CAPACITY:
        cap = next(c for c in p.capacities if c.name == params["name"])
        en = f"at most {cap.max_staff} people may be on {params['name']} on {dl}"
        ja = f"{dl}の「{params['name']}」は最大{cap.max_staff}人です"
    elif code == codes.SPLIT_TEAMS:
        en = f"teams of {params['name']} may not share the office on {dl}"
        ja = f"{dl}は「{params['name']}」のチームが同じ日に出勤できません"
    elif code == codes.SUBSTITUTE_DAY_OFF:
        en = f"{who} needs a substitute day off after duty days ({params['name']})"
        ja = f"{who}さんは休日出勤の後に振替休日が必要です（{params['name']}）"
    return Conflict(code=code, params=dict(params), message_en=en, message_ja=ja)

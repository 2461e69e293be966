"""The readiness gate: the requirements this app registers with `security.gate`, and the
one telework eligibility condition that combines every registered requirement.

`security.gate` holds the requirements of all security apps (this one: the home checklist
and, when the office asks for it, a recent connection check; campaigns: the required
course). `ReadinessCondition` puts them into `rosters.eligibility` as one rule, judged for
a whole roster at once (``many``) in a constant number of queries, so a roster solve of
hundreds of people does not ask the database once per person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from yakuba.netcheck.judging import Verdict as NetVerdict
from yakuba.netcheck.models import NetcheckResult, Place
from yakuba.org.models import Staff
from yakuba.readiness import selectors
from yakuba.readiness.models import ReadinessSettings
from yakuba.readiness.status import Status
from yakuba.rosters.eligibility import RuleOutcome
from yakuba.security import gate

CHECKLIST = "readiness.home_checklist"
NETCHECK = "readiness.netcheck"
CONDITION_CODE = "security_readiness"


def judge_checklist(staff_ids: Sequence[int]) -> dict[int, gate.Verdict]:
    url = reverse("readiness:checklist")
    verdicts: dict[int, gate.Verdict] = {}
    for pk, found in selectors.standings(staff_ids).items():
        until = found.valid_until.isoformat() if found.valid_until else ""
        if found.valid:
            verdicts[pk] = gate.Verdict(True, _("%(date)s まで有効") % {"date": until})
        elif found.status == Status.EXPIRED:
            verdicts[pk] = gate.Verdict(
                False,
                _("%(date)s で有効期限が切れました。もう一度チェックに答えてください。")
                % {"date": until},
                url,
            )
        elif found.status == Status.INCOMPLETE:
            n = found.submission.open_items if found.submission else 0
            verdicts[pk] = gate.Verdict(
                False,
                ngettext(
                    "できていない項目が %(n)s 件あります。対応してから、もう一度答えてください。",
                    "できていない項目が %(n)s 件あります。対応してから、もう一度答えてください。",
                    n,
                )
                % {"n": n},
                url,
            )
        else:
            verdicts[pk] = gate.Verdict(
                False, _("まだ答えていません。チェックに答えてください。"), url
            )
    return verdicts


def judge_netcheck(staff_ids: Sequence[int]) -> dict[int, gate.Verdict]:
    """A home connection check within the office's max age whose verdict is not "poor"
    (audio-only still lets a person work from home). Three queries."""
    office = ReadinessSettings.current()
    since = timezone.now() - dt.timedelta(days=office.netcheck_max_age_days)
    users = dict(Staff.objects.filter(pk__in=list(staff_ids)).values_list("pk", "user_id"))
    latest = dict(
        NetcheckResult.objects.filter(
            person_id__in=[u for u in users.values() if u],
            place=Place.HOME,
            measured_at__gte=since,
        )
        .exclude(verdict=NetVerdict.POOR)
        .values("person_id")
        .annotate(last=Max("measured_at"))
        .values_list("person_id", "last")
    )
    url = reverse("netcheck:check")
    missing = gate.Verdict(
        False,
        _(
            "%(days)s 日以内に自宅で測った接続チェックの結果（「会議に不安定」以外）がありません。"
            "自宅で接続チェックをしてください。"
        )
        % {"days": office.netcheck_max_age_days},
        url,
    )
    verdicts: dict[int, gate.Verdict] = {}
    for pk in staff_ids:
        user_id = users.get(pk)
        last = latest.get(user_id) if user_id is not None else None
        if last is None:
            verdicts[pk] = missing
        else:
            verdicts[pk] = gate.Verdict(
                True,
                _("%(date)s に測定") % {"date": timezone.localtime(last).date().isoformat()},
            )
    return verdicts


def netcheck_required() -> bool:
    return ReadinessSettings.current().require_netcheck


CHECKLIST_REQUIREMENT = gate.Requirement(
    code=CHECKLIST,
    label=gettext_lazy("在宅勤務の準備チェック"),
    judge=judge_checklist,
    order=10,
)
NETCHECK_REQUIREMENT = gate.Requirement(
    code=NETCHECK,
    label=gettext_lazy("接続チェック"),
    judge=judge_netcheck,
    order=30,
    applies=netcheck_required,
)


class ReadinessCondition:
    """Every registered readiness requirement as one telework eligibility rule; no rule at
    all (None) while the office has not switched the gate on."""

    label = gettext_lazy("在宅勤務のセキュリティ要件")

    def __call__(self, staff: Staff) -> RuleOutcome | None:
        return self.many([staff]).get(staff.pk)

    def many(self, staff: Sequence[Staff]) -> Mapping[int, RuleOutcome | None]:
        if not ReadinessSettings.current().enforce_gate:
            return {}
        found = gate.verdicts([s.pk for s in staff])
        outcomes: dict[int, RuleOutcome | None] = {}
        for person in staff:
            pairs = found.get(person.pk, [])
            if not pairs:
                continue
            unmet = [(r, v) for r, v in pairs if not v.met]
            if not unmet:
                outcomes[person.pk] = RuleOutcome(
                    CONDITION_CODE, self.label, True, _("すべて満たしています")
                )
                continue
            detail = " ".join(
                _("%(requirement)s：%(detail)s") % {"requirement": r.label, "detail": v.detail}
                for r, v in unmet
            )
            # One unmet requirement: straight to its page; several: the personal page
            # 「わたしのセキュリティ」 lists each with its own link.
            only = unmet[0][1].action_url if len(unmet) == 1 else ""
            outcomes[person.pk] = RuleOutcome(
                CONDITION_CODE,
                self.label,
                False,
                detail,
                action_url=only or reverse("security:home"),
                action_label=_("対応方法"),
            )
        return outcomes


CONDITION = ReadinessCondition()

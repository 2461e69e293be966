"""What each person sees of their own readiness: the section of 「わたしのセキュリティ」,
a home panel when the checklist needs them, and the score component."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.core.panels import Panel
from yakuba.readiness import selectors
from yakuba.readiness.models import ReadinessSettings
from yakuba.readiness.requirements import CHECKLIST
from yakuba.readiness.status import Status
from yakuba.security import gate, hub, score


def _staff(request: HttpRequest) -> Any:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    staff = getattr(user, "staff", None)
    return staff if staff is not None and staff.active else None


def section_context(request: HttpRequest) -> dict[str, Any] | None:
    """My checklist and every telework requirement with what to do (constant queries)."""
    staff = _staff(request)
    if staff is None:
        return None
    office = ReadinessSettings.current()
    found = selectors.standings([staff.pk], office=office)[staff.pk]
    pairs = gate.verdicts([staff.pk])[staff.pk]
    return {
        "standing": found,
        # The checklist's own verdict is the standing shown above it: the others only.
        "requirements": [{"label": r.label, "verdict": v} for r, v in pairs if r.code != CHECKLIST],
        "enforced": office.enforce_gate,
        "all_met": all(v.met for _r, v in pairs),
    }


def panel_context(request: HttpRequest) -> dict[str, Any] | None:
    """Only for teleworkers whose checklist expires soon, has expired, or has open items."""
    staff = _staff(request)
    if staff is None:
        return None
    found = selectors.standings([staff.pk])[staff.pk]
    if found.status == Status.READY or staff.pk not in selectors.teleworkers([staff.pk]):
        return None
    return {"standing": found}


def score_values(staff_ids: Sequence[int]) -> dict[int, score.ComponentValue]:
    """1 when the checklist is valid, a share of the confirmed items while some are open,
    0.25 once expired (it was done once), 0 never answered; None for non-teleworkers."""
    teleworking = selectors.teleworkers(staff_ids)
    found = selectors.standings(staff_ids)
    values: dict[int, score.ComponentValue] = {}
    for pk in staff_ids:
        if pk not in teleworking:
            values[pk] = score.ComponentValue(None, _("在宅勤務をしていないため対象外です"))
            continue
        st = found[pk]
        if st.valid:
            until = st.valid_until.isoformat() if st.valid_until else ""
            values[pk] = score.ComponentValue(
                1.0, _("準備チェックは %(date)s まで有効です") % {"date": until}
            )
        elif st.status == Status.INCOMPLETE and st.submission is not None:
            total = len(st.submission.answers) or 1
            done = total - st.submission.open_items
            values[pk] = score.ComponentValue(
                0.5 * done / total,
                _("できていない項目が %(n)s 件あります") % {"n": st.submission.open_items},
            )
        elif st.status == Status.EXPIRED:
            values[pk] = score.ComponentValue(
                0.25, _("準備チェックの有効期限が切れています。もう一度答えてください")
            )
        else:
            values[pk] = score.ComponentValue(0.0, _("準備チェックにまだ答えていません"))
    return values


SECTION = hub.Section(
    name="readiness.checklist",
    order=20,
    template="readiness/partials/hub_section.html",
    context=section_context,
)
PANEL = Panel(
    name="readiness.checklist",
    order=60,
    template="readiness/partials/home_panel.html",
    context=panel_context,
)
SCORE = score.Component(
    code="readiness",
    label=gettext_lazy("在宅勤務の準備"),
    # As much as the questions, the courses and the drills (2 each): one part of the
    # awareness, not most of it (it applies only to people who telework).
    weight=2,
    values=score_values,
    order=50,
)

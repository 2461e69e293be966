"""Awareness-score component 「訓練メールへの対応」 (security.score).

Per drill mail that reached the person: reported → 1 (the behaviour to reward), opened
the link or typed without reporting → 0, reported after clicking → 0.5, did nothing (did
not fall for it, did not report) → 0.5. The value is the mean over their drill mails;
None for someone no drill mail has reached yet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.drills.models import DrillRecipient
from yakuba.security.score import Component, ComponentValue, register


def _value(clicked: bool, reported: bool) -> float:
    if reported:
        return 0.5 if clicked else 1.0
    return 0.0 if clicked else 0.5


def values(staff_ids: Sequence[int]) -> Mapping[int, ComponentValue]:
    rows = DrillRecipient.objects.filter(
        staff_id__in=list(staff_ids), delivered_at__isnull=False
    ).values_list("staff_id", "clicked_at", "typed_at", "reported_at")
    seen: dict[int, list[tuple[bool, bool]]] = {}
    for staff_id, clicked_at, typed_at, reported_at in rows.iterator(2000):
        fell_for_it = clicked_at is not None or typed_at is not None
        seen.setdefault(staff_id, []).append((fell_for_it, reported_at is not None))
    answer: dict[int, ComponentValue] = {}
    for staff_id, mails in seen.items():
        reported = sum(1 for _c, r in mails if r)
        clicked = sum(1 for c, _r in mails if c)
        detail = _(
            "訓練メール %(mails)s 通のうち、報告 %(reported)s 通・リンクを開いた %(clicked)s 通。"
            "不審なメールは開かずに「不審なメールを報告」で知らせると上がります。"
        ) % {"mails": len(mails), "reported": reported, "clicked": clicked}
        answer[staff_id] = ComponentValue(sum(_value(c, r) for c, r in mails) / len(mails), detail)
    return answer


DRILL_RESPONSE = register(
    Component(
        code="drills.response",
        label=gettext_lazy("訓練メールへの対応"),
        weight=2,
        values=values,
        order=30,
    )
)

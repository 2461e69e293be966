"""Tell people whose days changed when a roster is re-published (in-app, e-mail if set up)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from yakuba.org.models import Staff
from yakuba.rosters.models import RosterVersion, WorkActivity
from yakuba.rosters.selectors import changed_cells


def notify_changes(old: RosterVersion, new: RosterVersion) -> int:
    """One notice per person whose cells differ between two published versions."""
    from yakuba.notifications.services import EMAIL, IN_APP, notify

    changes = changed_cells(old, new)
    if not changes:
        return 0
    by_staff: dict[int, list[tuple]] = defaultdict(list)
    for staff_id, date, before, after in changes:
        by_staff[staff_id].append((date, before, after))
    names = dict(WorkActivity.objects.values_list("pk", "name"))
    people = Staff.objects.filter(pk__in=by_staff, user__isnull=False).select_related("user")
    url = reverse("rosters:my_schedule")
    channels = (IN_APP, EMAIL) if getattr(settings, "ROSTER_CHANGE_EMAIL", True) else (IN_APP,)
    sent = 0
    for person in people:
        lines = [
            _("%(date)s：%(before)s → %(after)s")
            % {
                "date": f"{d.month}/{d.day}",
                "before": names.get(b, _("休み")) if b else _("休み"),
                "after": names.get(a, _("休み")) if a else _("休み"),
            }
            for d, b, a in sorted(by_staff[person.pk])
        ]
        notify(
            [person.user],
            subject=_("勤務表が変更されました（%(period)s）") % {"period": new.period.name},
            body="\n".join(lines),
            url=url,
            channels=channels,
            purpose="roster_change",
        )
        sent += 1
    return sent

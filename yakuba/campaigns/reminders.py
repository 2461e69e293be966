"""Reminders of a campaign: at its start, N days before the due date, on the due date,
then weekly while people are overdue (up to the office's set number of weeks).

Each step is a `Reminder` row, unique per campaign, kind and week, created before anything
is sent in the same transaction: whoever runs a step — the launch, the daily scheduler
job, a task run twice — sends it once. People who completed are not reminded. Each
person gets an in-app notice (and an e-mail unless the office turned it off); each
unit's chat channels get one summary of the unit's figures, never the names of who is
behind (a chat is read by the whole unit).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Set

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.campaigns.models import (
    Assignment,
    Campaign,
    CampaignSettings,
    CampaignStatus,
    Reminder,
    ReminderKind,
)
from yakuba.core.scheduling import Due, Job, register
from yakuba.notifications.models import Channel
from yakuba.notifications.payloads import Message, Section
from yakuba.notifications.services import EMAIL, IN_APP, notify, post_to_channel

JOB_NAME = "campaigns.reminders"


def steps_due(
    campaign: Campaign, today: dt.date, config: CampaignSettings
) -> list[tuple[str, int]]:
    """(kind, week) of every step due on `today`, latest first: a step whose day was
    missed (the scheduler was down) is caught up, but only the most recent one of
    before/due/overdue is sent, so nobody gets three reminders at once."""
    if not campaign.launched or today < campaign.starts_on:
        return []
    steps: list[tuple[str, int]] = [(ReminderKind.LAUNCH, 0)]
    due = campaign.due_on
    if today > due:
        week = (today - due).days // 7
        if 1 <= week <= config.overdue_reminders:
            steps.append((ReminderKind.OVERDUE, week))
        elif week == 0:
            steps.append((ReminderKind.DUE, 0))
    elif today == due:
        steps.append((ReminderKind.DUE, 0))
    elif today >= due - dt.timedelta(days=config.remind_days_before):
        steps.append((ReminderKind.BEFORE, 0))
    return steps


def _subject(campaign: Campaign, kind: str, today: dt.date) -> str:
    values = {"title": campaign.title, "due": campaign.due_on.isoformat()}
    if kind == ReminderKind.LAUNCH:
        return _("【セキュリティ研修】「%(title)s」を受講してください（期限 %(due)s）") % values
    if kind == ReminderKind.BEFORE:
        values["days"] = str((campaign.due_on - today).days)
        return (
            _("【セキュリティ研修】「%(title)s」の期限まであと %(days)s 日です（%(due)s）") % values
        )
    if kind == ReminderKind.DUE:
        return _("【セキュリティ研修】「%(title)s」の期限は今日（%(due)s）です") % values
    return _("【セキュリティ研修】「%(title)s」の期限（%(due)s）を過ぎています") % values


def send_step(campaign: Campaign, kind: str, week: int, today: dt.date) -> int:
    """Send one step once; returns how many people were reminded (0 if already sent)."""
    config = CampaignSettings.current()
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                campaign=campaign, kind=kind, week=week, sent_on=today
            )
            open_ = list(
                Assignment.objects.filter(campaign=campaign, completed_at__isnull=True)
                .filter(staff__active=True, staff__user__is_active=True)
                .select_related("staff__user")
            )
            if not open_:
                return 0
            subject = _subject(campaign, kind, today)
            body = campaign.description or _(
                "「わたしのセキュリティ」から受講できます。スマートフォンでも受講できます。"
            )
            channels = (IN_APP, EMAIL) if config.send_email else (IN_APP,)
            # One link for everyone: each person's page lists their own assignment.
            notify(
                [a.staff.user for a in open_],
                subject=subject,
                body=body,
                url=reverse("campaigns:mine"),
                channels=channels,
                purpose=f"campaign:{campaign.pk}:{kind}:{week}",
            )
            if config.post_to_chat:
                post_unit_summaries(campaign, kind, week, today)
            reminder.recipients = len(open_)
            reminder.save(update_fields=["recipients"])
    except IntegrityError:
        return 0
    return len(open_)


def unit_figures(campaign: Campaign) -> dict[int, tuple[int, int]]:
    """Per unit id (the person's current unit): (assigned, completed)."""
    figures: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, done in Assignment.objects.filter(campaign=campaign).values_list(
        "staff__unit_id", "completed_at"
    ):
        figures[unit_id][0] += 1
        figures[unit_id][1] += done is not None
    return {k: (v[0], v[1]) for k, v in figures.items()}


def post_unit_summaries(campaign: Campaign, kind: str, week: int, today: dt.date) -> int:
    """One post per active channel of each unit with assignees: the unit's counts only."""
    figures = unit_figures(campaign)
    channels = Channel.objects.filter(unit_id__in=figures, active=True).select_related("unit")
    title = _("セキュリティ研修「%(title)s」の受講状況（期限 %(due)s）") % {
        "title": campaign.title,
        "due": campaign.due_on.isoformat(),
    }
    posted = 0
    for channel in channels:
        assigned, done = figures[channel.unit_id]
        line = _("%(unit)s：修了 %(done)s / %(assigned)s 名（未修了 %(left)s 名）") % {
            "unit": channel.unit.name,
            "done": done,
            "assigned": assigned,
            "left": assigned - done,
        }
        hint = _("未修了の方は「わたしのセキュリティ」から受講してください。")
        post_to_channel(
            channel,
            Message(title=title, sections=(Section(line, (hint,)),)),
            purpose=f"campaign:{campaign.pk}:{kind}:{week}:unit:{channel.unit_id}",
        )
        posted += 1
    return posted


def send_due(campaign: Campaign, today: dt.date) -> int:
    config = CampaignSettings.current()
    sent = 0
    steps = steps_due(campaign, today, config)
    # The start notice, then at most the one most recent reminder step (`steps_due`).
    for kind, week in steps:
        sent += send_step(campaign, kind, week, today)
    return sent


def run(day: str) -> int:
    """The scheduler's daily step: every running campaign with people still to finish."""
    today = dt.date.fromisoformat(day)
    campaigns = Campaign.objects.filter(
        status=CampaignStatus.LAUNCHED,
        starts_on__lte=today,
        assignments__completed_at__isnull=True,
    ).distinct()
    return sum(send_due(c, today) for c in campaigns)


def due(now: dt.datetime, claimed: Set[str]) -> Iterable[Due]:
    local = timezone.localtime(now)
    if local.hour < CampaignSettings.current().remind_hour:
        return []
    day = local.date().isoformat()
    return [Due(day, (day,))]


REMINDERS = register(
    Job(
        name=JOB_NAME,
        due=due,
        run=run,
        description="security campaigns: start notices, reminders before/at/after the due date",
    )
)

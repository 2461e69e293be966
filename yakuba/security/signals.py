"""Signals between the security apps, so none of them imports another's internals.

`suspicious_mail_reported`
    Sent by `incidents` when someone reports a suspicious mail (from the 「不審なメールを報告」
    action), with ``staff`` (org.Staff), ``reported_at`` (aware datetime) and
    ``incident_id``. `drills` answers True when the person was a recipient of a drill mail
    still open for reports (the report is credited to the drill and the incident is closed
    as "訓練メールの報告"); every other receiver answers None.

`follow_up_needed`
    Sent by `drills` (those who clicked or typed) and `incidents` (the reporter of a
    mistake, when infosec asks) with ``staff_ids`` (list[int]), ``topic`` (topics.Topic
    value), ``reason`` (short Japanese text shown to the person) and ``source`` (e.g.
    "drills.campaign:12", unique per cause so re-sending assigns nothing twice).
    `awareness` assigns that topic's lessons and questions to each person, due soon.

`question_answered`
    Sent by whoever shows a bank question outside the weekly flow (a campaign or a course)
    with ``staff_id``, ``question_id``, ``correct`` (bool) and ``answered_at``; `awareness`
    records it as a review, so the spaced repetition knows what the person just learnt.
"""

from __future__ import annotations

from django.dispatch import Signal

suspicious_mail_reported = Signal()
follow_up_needed = Signal()
question_answered = Signal()


def claimed_as_drill(responses: list[tuple[object, object]]) -> bool:
    """True when any receiver of `suspicious_mail_reported` recognised a drill mail."""
    return any(response is True for _receiver, response in responses)

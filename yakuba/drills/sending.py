"""Sending drill mails through the office SMTP: each recipient's mail recorded once.

The path of one mail:

1. **release** (`release_due`, the scheduler job ``drills.release``): rows waiting
   (``scheduled``/``retrying``) whose time has come get their ``next_attempt_at`` moved a
   lease ahead and are handed to `tasks.send_batch` in batches, after commit. A lost task
   is released again when the lease has passed; two tasks holding the same row are
   harmless, because of step 2.
2. **claim** (`_claim`): in its own committed transaction, a conditional UPDATE turns the
   row from waiting into ``sending`` (0 rows updated: someone else has it, or it is done)
   and a fresh link token is issued. Only then is the server contacted.
3. **send**: MAIL FROM, RCPT TO, DATA on a connection opened with Django's e-mail
   settings, with the recipient's own Message-ID (the same on every attempt).
4. **record**: ``sent`` + ``delivered_at`` (the server accepted it), or the error.

What an error means depends on when it happened. A reply code from the server (4xx:
come back later; 5xx: refused) or a failure before DATA means the server did not take
the mail: it is retried with backoff (4xx and connection problems, up to
`MAX_ATTEMPTS`) or marked failed (5xx) — either way shown on the drill page with the
error, never dropped. Everything else is **unknown**.

The one window that cannot be closed: between the server taking the end of DATA and
this process committing ``sent``. If the connection breaks there (no reply read) or the
worker dies there, nobody here knows whether the mail went out. Such a row becomes
``unknown`` (at once, or when its sending lease passes — the release job looks) and is
**not** sent again by any retry: a second drill mail to one person is worse than a
missing one, and infosec can look the Message-ID up in the mail server's log and send it
again with one button (same Message-ID). The window is the server's reply time.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from yakuba.core.faults import pause
from yakuba.drills import content, tokens
from yakuba.drills.models import WAITING, DrillRecipient, SendStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BATCH = 50
# Seconds to wait after the n-th failed attempt (the last value repeats).
BACKOFF_SECONDS = (60, 300, 900, 1800, 3600)
# How long a send task holds a released row before it may be released again, and how long
# an attempt in flight belongs to its run (far longer than EMAIL_TIMEOUT).
QUEUE_LEASE = dt.timedelta(minutes=10)
SEND_LEASE = dt.timedelta(minutes=5)


def backoff(attempts: int) -> dt.timedelta:
    waits = tuple(getattr(settings, "DRILLS_RETRY_BACKOFF_SECONDS", BACKOFF_SECONDS))
    return dt.timedelta(seconds=waits[min(attempts, len(waits)) - 1])


class Refused(Exception):
    """The server did not take the mail (it may be tried again unless `permanent`)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Unknown(Exception):
    """The mail may have been taken: the connection broke after DATA was sent."""


# --- releasing --------------------------------------------------------------------------


def waiting_filter(now: dt.datetime) -> Q:
    return Q(
        status__in=WAITING,
        next_attempt_at__lte=now,
        drill__finished_at__isnull=True,
        drill__launched_at__isnull=False,
    )


def mark_lost_in_flight(now: dt.datetime) -> int:
    """Rows still ``sending`` after their lease: the run sending them died mid-send."""
    return DrillRecipient.objects.filter(
        status=SendStatus.SENDING, sending_since__lt=now - SEND_LEASE
    ).update(
        status=SendStatus.UNKNOWN,
        next_attempt_at=None,
        last_error="送信中に処理が止まりました。届いたかどうか分かりません（自動では再送しません）。",
    )


def release_due(now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Hand the rows whose time has come to send tasks; returns how many were released."""
    now = now or timezone.now()
    mark_lost_in_flight(now)
    with transaction.atomic():
        ids = list(
            DrillRecipient.objects.filter(waiting_filter(now))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        DrillRecipient.objects.filter(pk__in=ids, status__in=WAITING).update(
            next_attempt_at=now + QUEUE_LEASE
        )
        batches = [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
        transaction.on_commit(lambda: _enqueue(batches))
    return len(ids)


def _enqueue(batches: Iterable[list[int]]) -> None:
    from yakuba.drills.tasks import send_batch

    for batch in batches:
        send_batch.enqueue(batch)


# --- sending ----------------------------------------------------------------------------


def _claim(recipient_id: int, runner: str) -> tuple[DrillRecipient, str] | None:
    now = timezone.now()
    with transaction.atomic():
        claimed = DrillRecipient.objects.filter(
            pk=recipient_id,
            status__in=WAITING,
            drill__finished_at__isnull=True,
            drill__ends_at__gt=now,
        ).update(
            status=SendStatus.SENDING,
            attempts=F("attempts") + 1,
            sending_since=now,
            runner=runner[:64],
        )
        if not claimed:
            return None
        recipient = DrillRecipient.objects.select_related("drill", "staff").get(pk=recipient_id)
        token = tokens.issue(recipient)
    return recipient, token


def _message(recipient: DrillRecipient, token: str) -> EmailMultiAlternatives:
    drill_content = recipient.drill.content
    subject, text, html = content.render_mail(
        drill_content, name=recipient.staff.name, links=content.links_for(token)
    )
    sender = f"{drill_content['sender_name']} <{drill_content['sender_address']}>"
    mail = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,  # the envelope sender the office relay accepts
        [recipient.email],
        headers={"From": sender, "Message-ID": tokens.message_id(recipient.pk)},
    )
    mail.attach_alternative(html, "text/html")
    return mail


def _smtp_send(smtp: smtplib.SMTP, mail: EmailMultiAlternatives) -> None:
    """MAIL, RCPT and DATA one by one, so a failure says how far the mail got."""
    message = mail.message()
    sender, recipients = mail.from_email, mail.recipients()
    try:
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(sender)
        if code != 250:
            raise Refused(f"MAIL FROM: {code} {reply!r}", permanent=500 <= code < 600)
        for address in recipients:
            code, reply = smtp.rcpt(address)
            if code not in (250, 251):
                smtp.rset()
                raise Refused(f"RCPT TO: {code} {reply!r}", permanent=500 <= code < 600)
    except (smtplib.SMTPException, OSError) as exc:
        if isinstance(exc, Refused):
            raise
        raise Refused(f"{type(exc).__name__}: {exc}"[:250]) from None
    try:
        # Django's MIME classes take linesep (the stubs know only email.message).
        code, reply = smtp.data(message.as_bytes(linesep="\r\n"))  # type: ignore[call-arg]
    except smtplib.SMTPDataError as exc:
        # The server answered DATA with an error code: it did not take the mail.
        raise Refused(
            f"DATA: {exc.smtp_code} {exc.smtp_error!r}", permanent=500 <= exc.smtp_code < 600
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise Unknown(f"{type(exc).__name__}: {exc}"[:250]) from None
    if code != 250:
        raise Refused(f"DATA: {code} {reply!r}", permanent=500 <= code < 600)


class _Connection:
    """Django's configured e-mail backend; for the SMTP backend its smtplib connection is
    driven step by step (`_smtp_send`), any other backend (console, tests) just sends."""

    def __init__(self) -> None:
        self.backend: Any = get_connection(fail_silently=False)
        self.opened = False

    def send(self, mail: EmailMultiAlternatives) -> None:
        smtp_backend = hasattr(self.backend, "connection") and hasattr(self.backend, "host")
        if not self.opened:
            try:
                self.backend.open()
            except (smtplib.SMTPException, OSError) as exc:
                raise Refused(f"connect: {type(exc).__name__}: {exc}"[:250]) from None
            self.opened = True
        if smtp_backend and isinstance(self.backend.connection, smtplib.SMTP):
            try:
                _smtp_send(self.backend.connection, mail)
            except (Refused, Unknown):
                self.close()  # a fresh connection for the next mail
                raise
            return
        mail.connection = self.backend
        mail.send()

    def close(self) -> None:
        if self.opened:
            try:
                self.backend.close()
            except Exception:
                logger.debug("closing the SMTP connection failed", exc_info=True)
            self.opened = False


def _record_sent(recipient_id: int) -> None:
    now = timezone.now()
    DrillRecipient.objects.filter(pk=recipient_id, status=SendStatus.SENDING).update(
        status=SendStatus.SENT,
        delivered_at=now,
        next_attempt_at=None,
        sending_since=None,
        last_error="",
    )


def _record_refused(recipient: DrillRecipient, exc: Refused) -> None:
    attempts = recipient.attempts  # read after the claim: this attempt is counted
    gave_up = exc.permanent or attempts >= MAX_ATTEMPTS
    DrillRecipient.objects.filter(pk=recipient.pk, status=SendStatus.SENDING).update(
        status=SendStatus.FAILED if gave_up else SendStatus.RETRYING,
        next_attempt_at=None if gave_up else timezone.now() + backoff(attempts),
        sending_since=None,
        last_error=str(exc)[:300],
    )
    logger.warning("drill mail %s attempt %s refused: %s", recipient.pk, attempts, exc)


def _record_unknown(recipient: DrillRecipient, exc: Unknown) -> None:
    DrillRecipient.objects.filter(pk=recipient.pk, status=SendStatus.SENDING).update(
        status=SendStatus.UNKNOWN,
        next_attempt_at=None,
        last_error=f"接続が途中で切れ、届いたかどうか分かりません: {exc}"[:300],
    )
    logger.warning("drill mail %s: outcome unknown (%s), not resent", recipient.pk, exc)


def send_batch(recipient_ids: Sequence[int], runner: str = "") -> dict[str, int]:
    """Send each waiting recipient of the batch once; returns counts by outcome."""
    outcome = {"sent": 0, "refused": 0, "unknown": 0, "skipped": 0}
    connection = _Connection()
    try:
        for recipient_id in recipient_ids:
            claimed = _claim(recipient_id, runner)
            if claimed is None:
                outcome["skipped"] += 1
                continue
            recipient, token = claimed
            try:
                connection.send(_message(recipient, token))
            except Refused as exc:
                _record_refused(recipient, exc)
                outcome["refused"] += 1
                continue
            except Unknown as exc:
                _record_unknown(recipient, exc)
                outcome["unknown"] += 1
                continue
            pause("drills.before_record")  # the window of unknown outcome (fault tests)
            _record_sent(recipient_id)
            outcome["sent"] += 1
    finally:
        connection.close()
    return outcome

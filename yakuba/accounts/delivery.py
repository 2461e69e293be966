"""Putting activation secrets in front of their owner: mails and printable sheets.

Runs in a task, right after the transaction that stored the tokens' hashes: the secrets
are passed in memory (`activation.IssuedToken`) and never written anywhere but into the
mail or the PDF. A mail that cannot be sent puts the person on their unit's sheet
instead, so nobody is left without a way in.
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from yakuba.accounts.activation import IssuedToken, issue_tokens, reset_lifetime
from yakuba.accounts.models import ActivationSheet, ActivationToken, AuthSource, ProvisionRun, User
from yakuba.accounts.models_activation import Delivery, RunStatus, TokenPurpose
from yakuba.accounts.sheets import SheetPerson, render_sheets
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record

logger = logging.getLogger(__name__)


def activation_link(base: str, secret: str) -> str:
    return f"{base}{reverse('accounts:activate_link', args=[secret])}"


def activation_page(base: str) -> str:
    return f"{base}{reverse('accounts:activate')}"


def _bilingual(template: str, context: dict[str, Any]) -> str:
    """The mail body in Japanese, then the same in English (no language is stored per
    person, and a mail must be understood by whoever opens it)."""
    with override("ja"):
        japanese = render_to_string(template, context).strip()
    with override("en"):
        english = render_to_string(template, context).strip()
    return f"{japanese}\n\n{'-' * 40}\n(English)\n\n{english}\n"


def _subject(japanese: str, english: str) -> str:
    return f"【Yakuba】{japanese} / {english}"


def activation_mail(user: User, token: IssuedToken, base: str, *, reset: bool) -> EmailMessage:
    staff = getattr(user, "staff", None)
    context = {
        "name": staff.name if staff else user.get_username(),
        "username": user.get_username(),
        "link": activation_link(base, token.secret),
        "page": activation_page(base),
        "code": token.display_code,
        "expires": timezone.localtime(token.expires_at),
        "reset": reset,
    }
    if reset:
        subject = _subject("パスワードの再設定", "Reset your password")
    else:
        subject = _subject("アカウントの有効化", "Activate your account")
    body = _bilingual("accounts/email/activation.txt", context)
    address = (staff.email if staff and staff.email else "") or user.email
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


class _Mailer:
    """One SMTP connection for a batch, opened again after a failure."""

    def __init__(self) -> None:
        self.connection: Any = None

    def send(self, message: EmailMessage) -> str:
        """'' when sent, else the reason (no address, SMTP refused…)."""
        if not message.to or not message.to[0]:
            return "no address"
        try:
            if self.connection is None:
                self.connection = get_connection(fail_silently=False)
                self.connection.open()
            message.connection = self.connection
            message.send()
        except Exception as exc:  # SMTP errors, refused recipients, network
            self.close()
            return f"{type(exc).__name__}: {exc}"[:300]
        return ""

    def close(self) -> None:
        if self.connection is not None:
            # A broken connection is being thrown away: its error does not matter.
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None


def deliver_tokens(run_id: int, issued: dict[int, IssuedToken]) -> None:
    """Mail or print every token of a run, then mark the run done with its counts."""
    run = ProvisionRun.objects.get(pk=run_id)
    base = run.base_url
    users = User.objects.select_related("staff", "staff__unit").in_bulk(list(issued))
    channels = dict(
        ActivationToken.objects.filter(pk__in=[t.token_id for t in issued.values()]).values_list(
            "pk", "channel"
        )
    )
    now = timezone.now()
    sent: list[int] = []
    failed: dict[int, str] = {}
    on_sheet: list[int] = []
    mailer = _Mailer()
    try:
        for user_id, token in issued.items():
            user = users.get(user_id)
            if user is None:
                continue
            if channels.get(token.token_id) == Delivery.EMAIL:
                reset = user.has_usable_password() or user.last_login is not None
                problem = mailer.send(activation_mail(user, token, base, reset=reset))
                if problem:
                    failed[user_id] = problem
                    on_sheet.append(user_id)
                else:
                    sent.append(user_id)
            else:
                on_sheet.append(user_id)
    finally:
        mailer.close()
    if sent:
        ActivationToken.objects.filter(pk__in=[issued[u].token_id for u in sent]).update(
            delivered_at=now
        )
    for user_id, problem in failed.items():
        logger.warning("activation mail for account %s not sent: %s", user_id, problem)
        ActivationToken.objects.filter(pk=issued[user_id].token_id).update(
            delivery_error=problem, channel=Delivery.SHEET
        )
    sheets = _build_sheets(run, [(users[u], issued[u]) for u in on_sheet if u in users])
    details = dict(run.details or {})
    if failed:
        details["mail_failed"] = sorted(users[u].get_username() for u in failed if u in users)
    ProvisionRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        emails_sent=len(sent),
        emails_failed=len(failed),
        sheet_people=sum(s.people for s in sheets),
        details=details,
    )


def _sort_key(pair: tuple[User, IssuedToken]) -> tuple[str, str]:
    staff = getattr(pair[0], "staff", None)
    return (staff.unit.path if staff else "", staff.staff_number if staff else pair[0].username)


def _build_sheets(
    run: ProvisionRun, people: list[tuple[User, IssuedToken]]
) -> list[ActivationSheet]:
    """One PDF per unit (people in staff-number order), stored privately until it expires."""
    from datetime import timedelta

    by_unit: dict[Any, list[tuple[User, IssuedToken]]] = defaultdict(list)
    for user, token in sorted(people, key=_sort_key):
        staff = getattr(user, "staff", None)
        by_unit[staff.unit if staff else None].append((user, token))
    keep = timedelta(hours=int(getattr(settings, "ACTIVATION_SHEET_KEEP_HOURS", 8)))
    page = activation_page(run.base_url)
    made = []
    for unit, members in by_unit.items():
        unit_name = unit.name if unit is not None else "—"
        pdf = render_sheets(
            (
                SheetPerson(
                    name=user.staff.name if getattr(user, "staff", None) else user.username,
                    staff_number=user.staff.staff_number
                    if getattr(user, "staff", None)
                    else user.username,
                    unit_name=unit_name,
                    username=user.get_username(),
                    link=activation_link(run.base_url, token.secret),
                    page_url=page,
                    code=token.display_code,
                    expires_at=token.expires_at,
                    reset=user.has_usable_password() or user.last_login is not None,
                )
                for user, token in members
            ),
            title=f"activation sheets {unit_name}",
        )
        now = timezone.now()
        sheet = ActivationSheet(
            run=run,
            unit=unit,
            unit_name=unit_name[:100],
            people=len(members),
            created_at=now,
            expires_at=now + keep,
        )
        sheet.file.save("sheet.pdf", ContentFile(pdf), save=False)
        try:
            with transaction.atomic():
                sheet.save()
                ActivationToken.objects.filter(pk__in=[t.token_id for _u, t in members]).update(
                    delivered_at=now
                )
        except Exception:
            sheet.file.storage.delete(sheet.file.name or "")  # no row, no file
            raise
        made.append(sheet)
    return made


# --- password reset by mail (self-service) -----------------------------------------------


def send_password_reset(user_id: int, request_base_url: str = "") -> str:
    """The mail asked for on the "forgot password" page: a reset link for a local account,
    or a pointer to the directory for a directory account. Answers what was done.
    Links use YAKUBA_BASE_URL, else the address the page was opened at."""
    user = User.objects.select_related("staff").filter(pk=user_id, is_active=True).first()
    if user is None:
        return "no account"
    staff = getattr(user, "staff", None)
    address = (staff.email if staff and staff.email else "") or user.email
    if user.auth_source == AuthSource.DIRECTORY:
        context = {"name": staff.name if staff else user.get_username()}
        message = EmailMessage(
            _subject("パスワードの再設定について", "About resetting your password"),
            _bilingual("accounts/email/reset_directory.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
        problem = _Mailer().send(message)
        return problem or "directory notice sent"
    base = str(getattr(settings, "YAKUBA_BASE_URL", "") or request_base_url).rstrip("/")
    with transaction.atomic():
        issued = issue_tokens(
            [user.pk],
            purpose=TokenPurpose.RESET,
            channels={user.pk: Delivery.EMAIL},
            actor=None,
            lifetime=reset_lifetime(),
        )[user.pk]
        record(
            AuditAction.UPDATE,
            obj=user,
            actor_label="password-reset",
            object_repr=user.get_username(),
            changes={"password_reset_mail": issued.token_id},
        )
    mailer = _Mailer()
    problem = mailer.send(activation_mail(user, issued, base, reset=True))
    mailer.close()
    if problem:
        ActivationToken.objects.filter(pk=issued.token_id).update(delivery_error=problem)
        return problem
    ActivationToken.objects.filter(pk=issued.token_id).update(delivered_at=timezone.now())
    return "sent"

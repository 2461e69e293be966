"""What every demo loader (`seed_demo`, `seed_*_demo`) does the same way.

One rule for all of them: a loader never deletes, overwrites or merges. When its data is
already there it refuses with a message that says what it found, or, with `--if-empty`
(what `make run` passes), says so and succeeds. A loader that builds on the demo city
needs `seed_demo` first: without the city it refuses, or with `--if-empty` skips — so
`make run` against a database holding an office's real organisation adds nothing.
Messages are Japanese source strings, translated like the rest of the product.
"""

from __future__ import annotations

import abc
import time
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yakuba.accounts.roles import PRIVILEGED_ROLES, Role
from yakuba.demo import accounts


def listing(items: Iterable[str]) -> str:
    """Items joined the way the active language lists them (「、」 in Japanese)."""
    return pgettext("list separator", "、").join(items)


def counted(model: type[Model], what: str, **filters: Any) -> list[str]:
    """["<what> <n> 件"] when rows of `model` (matching `filters`) exist, else []."""
    count = model._default_manager.filter(**filters).count()
    return [_("%(what)s %(count)s 件") % {"what": what, "count": count}] if count else []


def demo_city_exists() -> bool:
    """Whether `seed_demo` has run: every role account it makes is on file as a person."""
    found = (
        get_user_model()
        .objects.filter(username__in=accounts.ROLE_USERNAMES, staff__isnull=False)
        .count()
    )
    return found == len(accounts.ROLE_USERNAMES)


class DemoCommand(BaseCommand, abc.ABC):
    """Base of the demo loaders. Subclasses set `subject` and implement `existing`, `load`."""

    #: What the loader makes, as it reads in 「<subject>のデモデータ」 (a lazy translation).
    subject: Any = ""
    #: Builds on the demo city (`seed_demo`)?
    needs_city = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="when the demo data is already there (or there is no demo city), say so "
            "and succeed instead of refusing; what `make run` uses",
        )
        self.add_loader_arguments(parser)

    def add_loader_arguments(self, parser: CommandParser) -> None:
        """Options of this loader besides --if-empty."""

    @abc.abstractmethod
    def existing(self, **options: Any) -> list[str]:
        """What of this loader's data is already there, one short text each ([] = none)."""

    @abc.abstractmethod
    def load(self, **options: Any) -> str:
        """Write the demo data (nothing is there yet); return a one-line summary."""

    def after_load(self, **options: Any) -> None:
        """Anything to print after the summary line."""

    def check_options(self, **options: Any) -> None:
        """Raise CommandError for bad option values before anything is read or written."""

    def refusal_hint(self) -> str:
        return _("空のデータベースで実行するか、--if-empty を付けてください。")

    def handle(self, *args: Any, **options: Any) -> None:
        self.check_options(**options)
        subject = str(self.subject)
        if self.needs_city and not demo_city_exists():
            if options["if_empty"]:
                self.stdout.write(
                    _(
                        "デモ市がないため、%(subject)sのデモデータは読み込みませんでした（--if-empty）。"
                    )
                    % {"subject": subject}
                )
                return
            raise CommandError(
                _("デモ市がありません。先に manage.py seed_demo を実行してください。")
            )
        found = self.existing(**options)
        if found:
            if options["if_empty"]:
                self.stdout.write(
                    _(
                        "既にデータがあるため、%(subject)sのデモデータは読み込みませんでした"
                        "（--if-empty）: %(found)s"
                    )
                    % {"subject": subject, "found": listing(found)}
                )
                return
            # Never wipe or merge: demo rows mixed into other data could not be told apart.
            raise CommandError(
                _(
                    "%(subject)sのデモデータを読み込めません。既にデータがあります（%(found)s）。"
                    "デモの読み込みは既存のデータを消去も上書きもしません。%(hint)s"
                )
                % {"subject": subject, "found": listing(found), "hint": self.refusal_hint()}
            )
        started = time.monotonic()
        summary = self.load(**options)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(subject)sのデモデータを作成しました（%(seconds).1f 秒）: %(summary)s")
                % {"subject": subject, "seconds": time.monotonic() - started, "summary": summary}
            )
        )
        self.after_load(**options)


def print_sign_ins(command: BaseCommand) -> None:
    """The demo accounts on file, with the demo password: the only place it is shown."""
    lines = sign_in_lines()
    if not lines:
        return
    command.stdout.write("")
    command.stdout.write(_("デモ用サインイン:"))
    for line in lines:
        command.stdout.write("  " + line)
    if not settings.DEBUG:
        # Known passwords: whoever signs in first also enrols the privileged TOTP.
        command.stdout.write(
            command.style.WARNING(
                _(
                    "注意: DEBUG が無効です。デモアカウントのパスワードは公開値のため、"
                    "本番環境では使わないでください。"
                )
            )
        )


def sign_in_lines() -> list[str]:
    """The table of demo sign-ins that exist, in `accounts.SIGN_IN_USERNAMES` order."""
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__in=accounts.SIGN_IN_USERNAMES)
        .select_related("staff__unit")
    }
    rows = [(_("ユーザー名"), _("役割"), _("所属"), _("パスワード"), _("備考"))]
    for username in accounts.SIGN_IN_USERNAMES:
        user = users.get(username)
        if user is None or not user.has_usable_password():
            continue
        staff = getattr(user, "staff", None)
        privileged = user.role in PRIVILEGED_ROLES
        note = _("初回サインイン時に二要素認証（TOTP）を登録") if privileged else ""
        rows.append(
            (
                username,
                str(Role(user.role).label),
                staff.unit.name if staff else "",
                accounts.DEMO_PASSWORD,
                note,
            )
        )
    return format_table(rows) if len(rows) > 1 else []


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines

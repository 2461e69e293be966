"""Compare the directory with Yakuba; with --apply, create, link and disable accounts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yakuba.accounts import services
from yakuba.accounts.directory import DirectoryConfig, DirectoryError
from yakuba.accounts.directory_sync import plan_sync


class Command(BaseCommand):
    help = (
        "Directory sync (AD/LDAP): accounts for staff found in the directory, link problems "
        "listed for the system admin, accounts of people no longer enabled in the "
        "directory disabled (sessions and API tokens end). A preview unless --apply."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--apply", action="store_true", help="write the changes")
        parser.add_argument(
            "--max-disable",
            type=int,
            default=None,
            help="refuse to apply if more accounts would be disabled "
            "(default LDAP_SYNC_MAX_DISABLE)",
        )

    def handle(self, *args: Any, apply: bool, max_disable: int | None, **options: Any) -> None:
        config = DirectoryConfig.from_settings()
        if not config.enabled:
            raise CommandError("LDAP_SERVER_URI is not set: there is no directory to sync with.")
        try:
            plan = plan_sync(config)
        except DirectoryError as error:
            raise CommandError(f"directory unavailable: {error.detail}") from error
        out = self.stdout
        out.write(f"directory people: {plan.directory_people}")
        out.write(f"new accounts: {len(plan.create)}")
        for c in plan.create:
            out.write(f"  + {c.profile.username} -> staff {c.staff_number}")
        out.write(f"link problems: {len(plan.problems)}")
        for p in plan.problems:
            out.write(f"  ? {p.profile.username}: {p.problem}")
        out.write(f"accounts to disable: {len(plan.disable)}")
        for d in plan.disable:
            out.write(f"  - {d.username} (staff {d.staff_number or '-'})")
        if plan.ignored:
            out.write(f"ignored (no staff number, no matching e-mail): {len(plan.ignored)}")
        if not apply:
            out.write("preview only: run with --apply to write")
            return
        limit = max_disable if max_disable is not None else settings.LDAP_SYNC_MAX_DISABLE
        try:
            result = services.apply_directory_sync(
                actor=None, plan=plan, config=config, max_disable=limit
            )
        except services.TooManyLeavers as refused:
            raise CommandError(
                f"{refused}; nothing written. Check the preview, then --max-disable N."
            ) from refused
        out.write(
            f"applied: {result.created} created, {result.problems} problems listed, "
            f"{result.disabled} disabled"
        )

"""Directory sync: joiners get their account before they first sign in, leavers lose theirs.

`plan_sync` reads the directory (the read-only service account, paged searches) and
compares it with Yakuba; nothing is written. `accounts.services.apply_directory_sync`
then writes the plan: new accounts linked to their staff record (the same rules as at
sign-in: by staff number, then e-mail, never guessed), link problems listed for the
system administrator, and every active directory account whose person is no longer an
enabled entry of the directory (deleted, or disabled in AD) disabled through the one
leaver path (`disable_leaver`: sessions and API tokens end at once).

Run by hand with `manage.py sync_directory` (a preview; `--apply` writes) and daily by the
scheduler (`accounts.directory_sync`, when ``LDAP_SYNC_HOUR`` is set). A plan that would
disable more than ``LDAP_SYNC_MAX_DISABLE`` accounts (a wrong search base disables
everyone) is not applied by the scheduler: the administrator looks at the preview and runs
the command with ``--max-disable``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from yakuba.accounts.directory import (
    DirectoryConfig,
    DirectoryProfile,
    DirectoryUnavailable,
    _ldap_error_text,
    profile_from_entry,
)

PAGE_SIZE = 500


@dataclass
class PlannedAccount:
    profile: DirectoryProfile
    staff_id: int
    staff_number: str


@dataclass
class PlannedProblem:
    profile: DirectoryProfile
    problem: str


@dataclass
class PlannedLeaver:
    user_id: int
    username: str
    staff_number: str


@dataclass
class SyncPlan:
    directory_people: int = 0
    create: list[PlannedAccount] = field(default_factory=list)
    problems: list[PlannedProblem] = field(default_factory=list)
    disable: list[PlannedLeaver] = field(default_factory=list)
    # Directory entries with neither a staff number nor a staff e-mail (service accounts…).
    ignored: list[str] = field(default_factory=list)


def open_connection(config: DirectoryConfig) -> Any:
    """A connection bound as the service account, with the sign-in's TLS settings."""
    import ldap

    conn = ldap.initialize(config.server_uri, bytes_mode=False)
    for option, value in config.connection_options().items():
        conn.set_option(option, value)
    if config.start_tls:
        conn.start_tls_s()
    conn.simple_bind_s(config.bind_dn, config.bind_password)
    return conn


def enabled_entries(config: DirectoryConfig) -> list[tuple[str, dict[str, list[str]]]]:
    """Every person the sign-in filter accepts (any name), in pages (AD answers at most
    1,000 entries to one plain search)."""
    import ldap
    from ldap.controls import SimplePagedResultsControl

    try:
        conn = open_connection(config)
        control = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie="")
        everyone = config.user_filter % {"user": "*"}
        entries: list[tuple[str, dict[str, list[str]]]] = []
        while True:
            msgid = conn.search_ext(
                config.search_base,
                ldap.SCOPE_SUBTREE,
                everyone,
                config.attrlist,
                serverctrls=[control],
            )
            _type, data, _msgid, controls = conn.result3(msgid)
            for dn, attrs in data:
                if dn:  # AD adds referrals (dn None)
                    entries.append(
                        (
                            dn,
                            {
                                k: [v.decode("utf-8", "replace") for v in vs]
                                for k, vs in attrs.items()
                            },
                        )
                    )
            cookie = next(
                (
                    c.cookie
                    for c in controls
                    if c.controlType == SimplePagedResultsControl.controlType
                ),
                b"",
            )
            if not cookie:
                break
            control.cookie = cookie
        conn.unbind_s()
        return entries
    except ldap.LDAPError as error:
        raise DirectoryUnavailable(_ldap_error_text(error)) from error


def plan_sync(config: DirectoryConfig | None = None) -> SyncPlan:
    from yakuba.accounts.models import AuthSource, LinkProblem, User
    from yakuba.org.models import Staff

    config = config or DirectoryConfig.from_settings()
    entries = enabled_entries(config)
    if not entries:
        # An empty answer is a wrong search base or filter, not an office with no staff:
        # nobody is disabled on its word.
        raise DirectoryUnavailable("the directory returned nobody for the sign-in filter")
    profiles = [profile_from_entry(config, dn, attrs) for dn, attrs in entries]
    profiles = [p for p in profiles if p.username and not p.username.endswith("$")]
    numbers = Counter(p.staff_number for p in profiles if p.staff_number)
    emails = Counter(p.email.lower() for p in profiles if p.email)
    plan = SyncPlan(directory_people=len(profiles))

    accounts = {u.username.lower(): u for u in User.objects.select_related("staff")}
    staff_by_number = {s.staff_number: s for s in Staff.objects.all()}
    staff_by_email: dict[str, list[Any]] = {}
    for s in staff_by_number.values():
        if s.email:
            staff_by_email.setdefault(s.email.lower(), []).append(s)
    claimed_staff: set[int] = set()

    for profile in profiles:
        account = accounts.get(profile.username.lower())
        if account is not None:
            if account.auth_source == AuthSource.LOCAL:
                plan.problems.append(PlannedProblem(profile, LinkProblem.USERNAME_TAKEN))
            continue
        staff, problem = None, LinkProblem.NO_STAFF
        if profile.staff_number:
            if numbers[profile.staff_number] > 1:
                problem = LinkProblem.STAFF_NUMBER_DUPLICATE
            else:
                staff = staff_by_number.get(profile.staff_number)
        if staff is None and problem == LinkProblem.NO_STAFF and profile.email:
            same = staff_by_email.get(profile.email.lower(), [])
            if emails[profile.email.lower()] > 1 or len(same) > 1:
                problem = LinkProblem.EMAIL_DUPLICATE
            elif same:
                staff = same[0]
        if staff is None:
            if problem == LinkProblem.NO_STAFF and not profile.staff_number:
                plan.ignored.append(profile.username)
            else:
                plan.problems.append(PlannedProblem(profile, problem))
            continue
        if staff.user_id is not None or staff.pk in claimed_staff:
            plan.problems.append(PlannedProblem(profile, LinkProblem.STAFF_LINKED_ELSEWHERE))
            continue
        if not staff.active:
            continue  # an inactive staff record gets no account
        claimed_staff.add(staff.pk)
        plan.create.append(PlannedAccount(profile, staff.pk, staff.staff_number))

    in_directory = {p.username.lower() for p in profiles}
    for account in accounts.values():
        if (
            account.auth_source == AuthSource.DIRECTORY
            and account.is_active
            and account.username.lower() not in in_directory
        ):
            staff = getattr(account, "staff", None)
            plan.disable.append(
                PlannedLeaver(account.pk, account.username, staff.staff_number if staff else "")
            )
    return plan

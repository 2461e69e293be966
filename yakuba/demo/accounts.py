"""Every demo sign-in in one place: the usernames, the roles behind them, the one password.

The loaders (`seed_demo`, `seed_*_demo`), the sign-in table printed by `make run` and the
tests all read these names from here. The password exists only in demo data: nothing in
a production start-up imports this module (a test checks that).
"""

from __future__ import annotations

from typing import NamedTuple

from yakuba.accounts.roles import Role

# One known password for every demo account that signs in. Printed by `seed_demo` and
# `demo_sign_ins` and nowhere else; the privileged roles must still enrol TOTP.
DEMO_PASSWORD = "yakuba-demo-2026"  # noqa: S105 - public by design, demo accounts only

STAFF = "demo-staff"
HEAD = "demo-head"
HR = "demo-hr"
INFOSEC = "demo-infosec"
AUDITOR = "demo-auditor"
SYSADMIN = "demo-admin"
PLANNING = "demo-planning"
# A colleague of demo-staff (made by seed_reports_demo): someone for the reminders to find.
COLLEAGUE = "demo-colleague"
# The head of 情報政策課, who approves the replies of the S27 policy (seed_policies_demo).
POLICY_HEAD = "demo-head-ict"
# An ICT helper (VPN) in another department than demo-staff's (seed_knowledge_demo): the
# one a VPN question of demo-staff's is sent to first, who can sign in and answer it.
HELPER = "demo-helper"
# The organiser of the meetings a Zoom account sync records (seed_licences_demo): no password.
ZOOM_SYNC = "demo-zoom-sync"


class RoleAccount(NamedTuple):
    """A demo account made by `seed_demo`, and the person on file behind it."""

    username: str
    role: Role
    unit_name: str
    position: str


# Generated first by the city plan, so that even a 10-person city has them.
ROLE_ACCOUNTS: tuple[RoleAccount, ...] = (
    RoleAccount(STAFF, Role.STAFF, "住民記録係", "主事"),
    RoleAccount(HEAD, Role.UNIT_HEAD, "市民課", "課長"),
    RoleAccount(HR, Role.HR, "人事課", "主査"),
    RoleAccount(INFOSEC, Role.INFOSEC, "情報政策課", "主査"),
    RoleAccount(AUDITOR, Role.AUDITOR, "監査委員事務局", "主査"),
    RoleAccount(SYSADMIN, Role.SYSADMIN, "情報政策課", "主任"),
    RoleAccount(PLANNING, Role.PLANNING, "企画政策課", "主査"),
)
ROLE_USERNAMES: tuple[str, ...] = tuple(a.username for a in ROLE_ACCOUNTS)
# Everyone who signs in with DEMO_PASSWORD, in the order the sign-in table lists them.
SIGN_IN_USERNAMES: tuple[str, ...] = (*ROLE_USERNAMES, COLLEAGUE, POLICY_HEAD, HELPER)
ALL_USERNAMES: tuple[str, ...] = (*SIGN_IN_USERNAMES, ZOOM_SYNC)

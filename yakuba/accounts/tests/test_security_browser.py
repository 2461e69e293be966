"""Browser tests (Playwright + axe-core): the security page with the sign-in history and the
password change, and the account hygiene screen with its confirmation step, in Japanese
and English. Screenshots: test-artifacts/screenshots/ and /tmp/shots-hygiene/."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)

pytestmark = [pytest.mark.browser]

PASSWORD = "Midorino-Shiyakusho-2025!"
NEW_PASSWORD = "Aozora-Sakura-Kaido-77"
SHOTS = Path("/tmp/shots-hygiene")
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def shot(page: Any, name: str) -> None:
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def context(browser, live_server) -> Iterator[Any]:
    ctx = browser.new_context(
        viewport=VIEWPORT, locale="ja-JP", base_url=live_server.url, user_agent=EDGE
    )
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def _person(org: dict[str, Any]):
    from yakuba.accounts.models import User
    from yakuba.org.models import Staff

    user = User.objects.create_user("hanako", password=PASSWORD, role="staff")
    Staff.objects.filter(pk=org["staff"]["1002"].pk).update(user=user)
    return User.objects.get(pk=user.pk)


def _past_events(user) -> None:
    """Yesterday's sign-in from the phone, and two failures since from elsewhere."""
    from yakuba.accounts.models import SignInEvent

    now = timezone.now()
    rows = [
        (
            now - dt.timedelta(days=1, hours=2),
            "success",
            "10.20.1.15",
            "Mobile Safari 17.5 · iOS 17.5 · iPhone",
        ),
        (now - dt.timedelta(hours=5), "failure", "198.51.100.7", "Firefox 128 · Linux"),
        (now - dt.timedelta(hours=5, minutes=-1), "failure", "198.51.100.7", "Firefox 128 · Linux"),
    ]
    for at, outcome, ip, device in rows:
        SignInEvent.objects.create(
            user=user, at=at, outcome=outcome, method="local", ip_address=ip, device=device
        )


def _sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="サインイン").click()
    page.wait_for_url(re.compile(r"/$"))


def test_security_page_history_and_password_change(context, live_server, org) -> None:
    from yakuba.accounts.models import SignInEvent, User

    person = _person(org)
    _past_events(person)
    page = context.new_page()
    _sign_in(page, "hanako")
    page.goto("/accounts/me/")
    page.get_by_role("link", name="セキュリティとサインイン履歴（パスワードの変更）").click()
    page.get_by_role("heading", name="セキュリティとサインイン履歴").wait_for()
    alert = page.get_by_role("alert")
    assert "失敗が 2 回ありました" in alert.inner_text()
    table = page.get_by_role("region", name="最近のサインイン")
    assert table.get_by_text("Edge 131 · Windows 10").is_visible()
    assert table.get_by_text("198.51.100.7").first.is_visible()
    assert axe_problems(page, "security page") == []
    shot(page, "security-ja")

    # A wrong current password: a clear message, in the history.
    page.get_by_role("link", name="パスワードを変更する").click()
    page.get_by_label("現在のパスワード").fill("not-my-password")
    page.get_by_label("新しいパスワード:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("新しいパスワード（確認）").fill(NEW_PASSWORD)
    page.get_by_role("button", name="変更する").click()
    expect(page.get_by_text("現在のパスワードが正しくありません")).to_be_visible()
    assert axe_problems(page, "password change with errors") == []
    shot(page, "password-change-error-ja")

    page.get_by_label("現在のパスワード").fill(PASSWORD)
    page.get_by_label("新しいパスワード:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("新しいパスワード（確認）").fill(NEW_PASSWORD)
    page.get_by_role("button", name="変更する").click()
    page.wait_for_url(re.compile(r"/accounts/me/security/"))
    assert page.get_by_text("パスワードを変更しました").is_visible()
    assert User.objects.get(pk=person.pk).check_password(NEW_PASSWORD)
    assert SignInEvent.objects.filter(user=person, kind="password_check").count() == 1

    # English, and a phone's width.
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Security and sign-in history").wait_for()
    assert page.get_by_text("Failed (wrong password)").first.is_visible()
    assert axe_problems(page, "security page (en)") == []
    shot(page, "security-en")
    page.set_viewport_size(PHONE)
    assert axe_problems(page, "security page (phone)") == []
    shot(page, "security-phone-en")


def _hygiene_accounts(org) -> dict[str, Any]:
    from axes.models import AccessAttempt

    from yakuba.accounts.models import User
    from yakuba.org.models import Staff

    now = timezone.now()
    made = {}
    for name, role, last, unit, number in [
        ("sleeper", "unit_head", now - dt.timedelta(days=140), "zeimu", "3101"),
        ("forgotten", "staff", None, "madoguchi", "3102"),
        ("hr-no-totp", "hr", now - dt.timedelta(days=2), "shimin", "3103"),
    ]:
        user = User.objects.create_user(name, password=None, role=role)
        User.objects.filter(pk=user.pk).update(
            last_login=last, date_joined=now - dt.timedelta(days=200)
        )
        Staff(
            staff_number=number,
            name=f"{name} 職員",
            name_kana="ショクイン",
            unit=org[unit],
            user=user,
        ).save()
        made[name] = user
    AccessAttempt.objects.create(
        username="yamada",
        ip_address="203.0.113.5",
        user_agent="x",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
        failures_since_start=5,
        attempt_time=now,
    )
    return made


def test_hygiene_screen_lists_unlocks_and_disables_after_confirming(
    browser, live_server, org, make_user
) -> None:
    from axes.models import AccessAttempt

    from yakuba.accounts.models import User

    accounts = _hygiene_accounts(org)
    admin = make_user("sysadmin", username="admin-hygiene")
    for lang in ("ja", "en"):
        ctx = browser.new_context(
            viewport=VIEWPORT, locale="ja-JP" if lang == "ja" else "en-US", base_url=live_server.url
        )
        ctx.set_default_timeout(10_000)
        ctx.add_cookies(session_cookies(admin, live_server.url, verified=True, lang=lang))
        page = ctx.new_page()
        page.goto("/")
        if lang == "ja":
            panel = page.get_by_role("region", name="アカウントの点検")
            assert panel.get_by_role("link", name="ロック中").is_visible()
            page.get_by_role("navigation", name="管理メニュー").get_by_role(
                "link", name="アカウントの点検"
            ).click()
            page.get_by_role("heading", name="ロック中").wait_for()  # the most urgent list first
            assert page.get_by_role("cell", name="203.0.113.5").is_visible()
            assert axe_problems(page, "hygiene locked") == []
            shot(page, "hygiene-locked-ja")
            # The visually hidden part of the name says which lock (Chrome puts a space
            # before it).
            page.get_by_role("button", name=re.compile(r"ロックを解除\s*: yamada")).click()
            expect(page.get_by_text("「yamada」のロックを解除しました。")).to_be_visible()
            assert not AccessAttempt.objects.exists()

            page.get_by_role("link", name=re.compile("長期間サインインしていない")).click()
            page.get_by_role("heading", name="長期間サインインしていない").wait_for()
            assert axe_problems(page, "hygiene idle") == []
            shot(page, "hygiene-idle-ja")
            page.get_by_label("sleeper を選ぶ").check()
            page.get_by_label("forgotten を選ぶ").check()
            page.get_by_role("button", name="選んだアカウントを無効にする…").click()
            page.get_by_role("heading", name="アカウントを無効にする").wait_for()
            confirm = page.get_by_role("region", name="無効にするアカウント")
            assert confirm.get_by_role("cell", name="sleeper", exact=True).is_visible()
            assert axe_problems(page, "hygiene confirm") == []
            shot(page, "hygiene-confirm-ja")
            assert User.objects.get(pk=accounts["sleeper"].pk).is_active
            page.get_by_role("button", name="2 件を無効にする").click()
            expect(page.get_by_text("2 件のアカウントを無効にしました")).to_be_visible()
            assert not User.objects.get(pk=accounts["sleeper"].pk).is_active
            assert not User.objects.get(pk=accounts["forgotten"].pk).is_active
        else:
            page.goto("/accounts/hygiene/?list=no_totp")
            page.get_by_role(
                "heading", name="Privileged accounts without two-factor authentication"
            ).wait_for()
            assert page.get_by_role("cell", name="hr-no-totp", exact=True).is_visible()
            assert axe_problems(page, "hygiene no_totp (en)") == []
            shot(page, "hygiene-no-totp-en")
            page.goto("/accounts/hygiene/?list=disabled")
            assert page.get_by_role("cell", name="sleeper", exact=True).is_visible()
            shot(page, "hygiene-disabled-en")
        ctx.close()

"""Browser tests: sign-in with TOTP, import through the UI, language switch, axe-core.

Debian's /usr/bin/chromium through Playwright's sync API against pytest-django's
live_server; one browser per xdist worker, a fresh context per test.
Screenshots go to test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    key_from_secret,
    screenshot,
    session_cookies,
    totp_code,
)
from yakuba.org.tests.test_importing import GOOD_ROWS, csv_bytes

pytestmark = [pytest.mark.browser]

PASSWORD = "Midorino-Shiyakusho-2025!"


def _new_context(browser, live_server, *, lang: str = "ja") -> Any:
    """A fresh browser context; Accept-Language follows `lang` (ja is also the default)."""
    ctx = browser.new_context(
        viewport=VIEWPORT, locale="ja-JP" if lang == "ja" else "en-US", base_url=live_server.url
    )
    ctx.set_default_timeout(10_000)
    return ctx


@pytest.fixture
def context(browser, live_server) -> Iterator[Any]:
    ctx = _new_context(browser, live_server)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Any:
    return context.new_page()


def _user_with_password(org, role: str, username: str):
    from yakuba.accounts.models import User
    from yakuba.org.models import Staff

    user = User.objects.create_user(username=username, password=PASSWORD, role=role)
    Staff(
        staff_number=f"8{sum(map(ord, username)) % 1000:03d}",
        name="緑野 管理",
        name_kana="ミドリノ カンリ",
        unit=org["shimin"],
        user=user,
    ).save()
    return user


def _sign_in(page, username: str, next_url: str = "/") -> None:
    page.goto(next_url)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()


def _known_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _sign_in_with_device(page, user, device, next_url: str = "/") -> None:
    _sign_in(page, user.username, next_url)
    page.wait_for_url(re.compile(r"/accounts/2fa/verify/"))
    page.get_by_label("確認コード").fill(totp_code(device.bin_key))
    page.get_by_role("button", name="確認").click()


# 1. Sign-in with TOTP ------------------------------------------------------------------


def test_admin_signs_in_enrols_totp_and_reaches_home(page, live_server, org) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = _user_with_password(org, "sysadmin", "admin-enrol")
    _sign_in(page, "admin-enrol")
    page.wait_for_url(re.compile(r"/accounts/2fa/setup/"))
    assert page.get_by_role("heading", name="二要素認証の登録").is_visible()
    assert page.get_by_role("img", name="認証アプリに登録するためのQRコード").is_visible()
    screenshot(page, "2fa-setup")

    key = key_from_secret(page.locator("#totp-secret").inner_text())
    page.get_by_label("確認コード").fill(totp_code(key))
    page.get_by_role("button", name="登録する").click()

    page.get_by_role("heading", name="二要素認証を登録しました").wait_for()
    codes = page.get_by_role("list", name="回復コード").get_by_role("listitem")
    assert codes.count() >= 5
    assert axe_problems(page, "recovery codes") == []
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).count() == 1

    page.get_by_role("link", name="続ける").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("p.home-whoami").get_by_text("システム管理者").is_visible()
    assert page.get_by_role("navigation", name="メインメニュー").is_visible()


def test_enrolled_admin_passes_verify_and_wrong_code_is_refused(page, live_server, org) -> None:
    admin = _user_with_password(org, "sysadmin", "admin-verify")
    device = _known_device(admin)
    _sign_in(page, "admin-verify")
    page.wait_for_url(re.compile(r"/accounts/2fa/verify/"))

    valid = {totp_code(device.bin_key, drift=d) for d in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    page.get_by_label("確認コード").fill(wrong)
    page.get_by_role("button", name="確認").click()
    page.get_by_text("確認コードが正しくありません。もう一度入力してください。").wait_for()
    assert "/accounts/2fa/verify/" in page.url
    # Still locked behind the second factor.
    page.goto("/org/units/")
    page.wait_for_url(re.compile(r"/accounts/2fa/verify/"))

    page.wait_for_timeout(1100)  # django-otp throttles the device for 1 s after a failure
    page.get_by_label("確認コード").fill(totp_code(device.bin_key))
    page.get_by_role("button", name="確認").click()
    page.wait_for_url(f"{live_server.url}/org/units/")
    assert page.get_by_role("heading", level=1).inner_text()


# 2. Import through the UI ----------------------------------------------------------------


def _hr_page(page, org):
    hr = _user_with_password(org, "hr", "hr-import")
    _sign_in_with_device(page, hr, _known_device(hr), next_url="/org/import/")
    page.wait_for_url(re.compile(r"/org/import/$"))
    return hr


def _upload(page, name: str, data: bytes) -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="検査する").click()
    page.wait_for_url(re.compile(r"/org/import/\d+/$"))


def test_hr_imports_a_cp932_csv_through_the_ui(page, org) -> None:
    from yakuba.org.models import Staff

    _hr_page(page, org)
    _upload(page, "jinji.csv", csv_bytes(GOOD_ROWS, encoding="cp932"))
    status = page.locator("#import-status-inner")
    assert status.get_by_text("取り込み待ち").is_visible()
    assert status.get_by_text("3 行（新規 3・既存の更新 0）").is_visible()
    assert not Staff.objects.filter(staff_number__in=["3001", "3002", "3003"]).exists()

    page.get_by_role("button", name="取り込みを確定する").click()
    page.get_by_text(re.compile("取り込みました：.*職員 新規 3")).wait_for()
    assert status.get_by_text("完了").is_visible()
    assert Staff.objects.get(staff_number="3001").name == "高橋 健一"
    assert Staff.objects.get(staff_number="3003").name_kana == "ワタナベ ショウ"


def test_import_with_errors_shows_rows_and_writes_nothing(page, org) -> None:
    from yakuba.org.models import Staff

    _hr_page(page, org)
    rows = [
        GOOD_ROWS[0],
        "3010,,ナマエナシ,正規,主事,111,,,1",
        "3012,林 明,ハヤシ アキラ,正規,主事,999,,,1",
    ]
    _upload(page, "errors.csv", csv_bytes(rows))
    assert page.get_by_text("エラーあり").is_visible()
    table = page.get_by_role("table", name=re.compile("件の問題があります"))
    body_rows = table.locator("tbody tr")
    assert body_rows.count() == 2
    cells = [body_rows.nth(i).locator("td").all_inner_texts() for i in range(2)]
    assert [(c[1], c[2]) for c in cells] == [("3", "氏名"), ("4", "所属コード")]
    assert "999" in cells[1][3]
    assert page.get_by_role("button", name="取り込みを確定する").count() == 0
    assert not Staff.objects.filter(staff_number="3001").exists()
    screenshot(page, "import-preview-errors")


# 3. Language switch --------------------------------------------------------------------


def test_language_switch_to_english_and_back(context, page, live_server, make_user) -> None:
    user = make_user("unit_head")
    context.add_cookies(session_cookies(user, live_server.url, verified=True))
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    screenshot(page, "home-ja")

    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("button", name="日本語").is_visible()
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "home-en")

    page.get_by_role("button", name="日本語").click()
    page.wait_for_function("document.documentElement.lang === 'ja'")
    assert page.get_by_role("button", name="English").is_visible()
    assert page.get_by_role("button", name="サインアウト").is_visible()


# 4. axe-core -------------------------------------------------------------------------------


def _visit(page, path: str, problems: list[str], label: str, *, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{label}: {path} → {response.status}"
    problems.extend(axe_problems(page, label))


def _fail_on(problems: list[str]) -> None:
    if problems:
        pytest.fail("axe-core found serious/critical violations:\n" + "\n".join(problems))


def test_axe_sign_in_two_factor_and_error_pages(browser, live_server, make_user, org) -> None:
    problems: list[str] = []
    for lang in ("ja", "en"):
        ctx = _new_context(browser, live_server, lang=lang)
        page = ctx.new_page()
        _visit(page, "/accounts/login/", problems, f"login {lang}")
        ctx.close()

    enrolling = make_user("sysadmin", username="axe-enrol")
    ctx = _new_context(browser, live_server)
    ctx.add_cookies(session_cookies(enrolling, live_server.url, verified=False))
    _visit(ctx.new_page(), "/accounts/2fa/setup/", problems, "2FA setup")
    ctx.close()

    enrolled = make_user("infosec", username="axe-verify")
    _known_device(enrolled)
    ctx = _new_context(browser, live_server)
    ctx.add_cookies(session_cookies(enrolled, live_server.url, verified=False))
    page = ctx.new_page()
    _visit(page, "/accounts/2fa/verify/", problems, "2FA verify")
    page.get_by_label("確認コード").fill("000000")
    page.get_by_role("button", name="確認").click()
    page.get_by_role("alert").or_(page.locator(".errorlist")).first.wait_for()
    problems.extend(axe_problems(page, "2FA verify with error"))
    ctx.close()

    staff = make_user("staff", username="axe-staff")
    ctx = _new_context(browser, live_server)
    ctx.add_cookies(session_cookies(staff, live_server.url, verified=True))
    page = ctx.new_page()
    _visit(page, "/org/import/", problems, "403", status=403)
    _visit(page, "/no-such-page/", problems, "404", status=404)
    _visit(page, "/accounts/me/", problems, "profile (staff)")
    ctx.close()
    _fail_on(problems)


def _admin_batch_with_errors(admin) -> int:
    from yakuba.org.imports import start_import

    rows = [
        GOOD_ROWS[0],
        "3010,,ナマエナシ,正規,主事,111,,,1",
        "3011,木村 拓,キムラ タク,アルバイト,主事,111,,,1",
    ]
    return start_import(actor=admin, filename="bad.csv", data=csv_bytes(rows)).pk


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_axe_admin_pages(browser, live_server, make_user, org, lang) -> None:
    admin = make_user("sysadmin", username=f"axe-admin-{lang}")
    batch = _admin_batch_with_errors(admin)
    unit, person = org["shimin"].pk, org["staff"]["1001"].pk
    pages = {
        "home": "/",
        "unit list": "/org/units/",
        "unit detail": f"/org/units/{unit}/",
        "staff list": "/org/staff/",
        "staff detail": f"/org/staff/{person}/",
        "staff edit": f"/org/staff/{person}/edit/",
        "counter list": "/org/counters/",
        "import start": "/org/import/",
        "import preview (errors)": f"/org/import/{batch}/",
        "export": "/org/export/",
        "audit list": "/audit/",
        "token list": "/accounts/tokens/",
        "account list": "/accounts/users/",
        "profile": "/accounts/me/",
    }
    if lang == "en":  # a representative subset in English
        keep = ("home", "staff list", "staff edit", "import preview (errors)", "audit list")
        pages = {k: v for k, v in pages.items() if k in keep}
    ctx = _new_context(browser, live_server)
    ctx.add_cookies(session_cookies(admin, live_server.url, verified=True, lang=lang))
    page = ctx.new_page()
    problems: list[str] = []
    for label, path in pages.items():
        _visit(page, path, problems, f"{label} {lang}")
        assert page.locator("html").get_attribute("lang") == lang
    if lang == "ja":
        screenshot(page, "profile-ja")
        page.goto("/org/staff/")
        screenshot(page, "staff-list")
        page.set_viewport_size(PHONE)  # 375 px phone: tables scroll, nothing overflows the page
        for name, path in [
            ("staff-list-phone", "/org/staff/"),
            ("import-preview-errors-phone", f"/org/import/{batch}/"),
            ("home-phone", "/"),
        ]:
            _visit(page, path, problems, f"{name} ja")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
            screenshot(page, name)
    ctx.close()
    _fail_on(problems)

"""Browser: HR creates accounts for a unit, downloads the activation sheets, and a new
person activates with the sheet's link and is signed in (Debian chromium, axe-core)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from yakuba.accounts.tests.conftest import pdf_links
from yakuba.core.tests.browser_support import VIEWPORT, axe_problems, screenshot, session_cookies

pytestmark = [pytest.mark.browser]

SHOTS = Path(os.environ.get("YAKUBA_SHOTS", "/tmp/shots-activation"))
PASSWORD = "Sakura-namiki-2026!"


def _shot(page, name: str) -> None:
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _context(browser, live_server, lang: str = "ja"):
    ctx = browser.new_context(
        viewport=VIEWPORT,
        locale="ja-JP" if lang == "ja" else "en-US",
        base_url=live_server.url,
        accept_downloads=True,
    )
    ctx.set_default_timeout(15_000)
    return ctx


@pytest.fixture
def hr_user(make_user):
    return make_user("hr", username="hr-browser")


def test_hr_creates_accounts_prints_sheets_and_a_person_activates(
    browser, live_server, org, no_email_staff, hr_user, smtp_server
) -> None:
    from yakuba.accounts.models import User

    problems: list[str] = []
    ctx = _context(browser, live_server)
    ctx.add_cookies(session_cookies(hr_user, live_server.url, verified=True, lang="ja"))
    page = ctx.new_page()
    page.goto("/accounts/provision/")
    page.get_by_role("navigation", name="管理メニュー").get_by_role(
        "link", name="アカウントの作成"
    ).wait_for()
    page.get_by_label("所属を選ぶ（下位の所属を含む）").check()
    page.locator("#id_unit").select_option(label="　　窓口係（111）")
    page.get_by_role("button", name="人数を確認する").click()
    page.get_by_role("heading", name="作成の内容").wait_for()
    assert page.get_by_text("シート（PDF）で案内").is_visible()
    problems += axe_problems(page, "provision preview")
    _shot(page, "provision-ja")

    page.get_by_role("button", name="3 人のアカウントを作成する").click()
    page.wait_for_url(re.compile(r"/accounts/provision/runs/\d+/$"))
    page.get_by_role("heading", name="有効化シート（所属ごとのPDF）").wait_for()
    assert page.get_by_text("完了").first.is_visible()
    problems += axe_problems(page, "provision run")
    _shot(page, "provision-run-ja")
    with page.expect_download() as info:
        page.get_by_role("button", name="PDFをダウンロード").first.click()
    pdf = Path(info.value.path()).read_bytes()
    links = pdf_links(pdf)
    assert len(links) == 2  # 3001 and 3002 have no address; 1002 got a mail
    assert len(smtp_server.to("s1002@example.jp")) == 1
    ctx.close()

    # The newcomer (first page: 3001, staff-number order) opens the link from the QR code.
    person = _context(browser, live_server).new_page()
    person.goto(links[0])
    person.get_by_role("heading", name="パスワードの設定").wait_for()
    assert person.get_by_text("3001", exact=True).is_visible()
    problems += axe_problems(person, "choose password")
    _shot(person, "activate-password-ja")
    person.locator("#id_new_password1").fill("short")
    person.locator("#id_new_password2").fill("short")
    person.get_by_role("button", name="パスワードを設定する").click()
    person.get_by_text("短すぎ").first.wait_for()
    person.locator("#id_new_password1").fill(PASSWORD)
    person.locator("#id_new_password2").fill(PASSWORD)
    person.get_by_role("button", name="パスワードを設定する").click()
    person.get_by_role("heading", name="設定が完了しました").wait_for()
    problems += axe_problems(person, "activation done")
    _shot(person, "activate-done-ja")
    assert User.objects.get(username="3001").check_password(PASSWORD)
    person.get_by_role("link", name="ホームへ").click()
    person.get_by_role("button", name="サインアウト").click()

    # And signs in with the staff number and the new password.
    person.goto("/accounts/login/")
    person.get_by_label("ユーザー名").fill("3001")
    person.get_by_label("パスワード").fill(PASSWORD)
    person.get_by_role("button", name="サインイン").click()
    person.wait_for_url(f"{live_server.url}/")
    assert person.get_by_text("田中 次郎").first.is_visible()
    # The link is spent.
    person.goto(links[0])
    person.get_by_text("このリンクまたはコードは使えません。").wait_for()
    assert problems == []


def test_pages_in_english_and_the_code_page(browser, live_server, org, hr_user) -> None:
    problems: list[str] = []
    ctx = _context(browser, live_server, "en")
    ctx.add_cookies(session_cookies(hr_user, live_server.url, verified=True, lang="en"))
    page = ctx.new_page()
    page.goto(f"/accounts/provision/?scope=unit&unit={org['shimin'].pk}&deliver=auto")
    page.get_by_role("heading", name="What will be created").wait_for()
    problems += axe_problems(page, "provision en")
    _shot(page, "provision-en")

    from yakuba.accounts.models import User

    local = User.objects.create_user(
        "1001", password="Old-Password-2024!", email="s1001@example.jp"
    )
    org["staff"]["1001"].user = local
    org["staff"]["1001"].save()
    page.goto(f"/accounts/users/{local.pk}/reissue/")
    page.get_by_role("heading", name="Reissue activation for 山田 太郎").wait_for()
    problems += axe_problems(page, "reissue en")
    _shot(page, "reissue-en")
    page.goto("/org/staff/{}/".format(org["staff"]["1001"].pk))
    page.get_by_role("link", name="Reissue activation").wait_for()
    ctx.close()

    for lang, heading, button in (
        ("ja", "アカウントの有効化", "次へ"),
        ("en", "Activate your account", "Next"),
    ):
        anon = _context(browser, live_server, lang)
        anon.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
        visitor = anon.new_page()
        visitor.goto("/accounts/activate/")
        visitor.get_by_role("heading", name=heading).wait_for()
        visitor.get_by_role("textbox").fill("ABCD-EFGH-JKMN")
        visitor.get_by_role("button", name=button).click()
        visitor.get_by_role("alert").wait_for()
        problems += axe_problems(visitor, f"activate {lang}")
        _shot(visitor, f"activate-code-{lang}")
        visitor.goto("/accounts/password/forgot/")
        visitor.get_by_role("textbox").fill("nobody@example.jp")
        visitor.get_by_role("button", name="送信する" if lang == "ja" else "Send").click()
        visitor.wait_for_url(re.compile(r"/accounts/password/forgot/sent/$"))
        problems += axe_problems(visitor, f"forgot sent {lang}")
        _shot(visitor, f"password-forgot-sent-{lang}")
        anon.close()
    assert problems == []

"""Browser: a member of staff registers for a full session → waitlisted (place shown) →
HR cancels a registration → the member is promoted (notice, page), with axe-core on the
catalogue, the session page, わたしの研修 and the management pages, in Japanese, in English
and on a phone (Debian chromium)."""

from __future__ import annotations

import datetime as dt
import shutil
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
from yakuba.notifications.models import Notice
from yakuba.training.models import Registration, RegistrationStatus, Requirement
from yakuba.training.selectors import waitlist_rank
from yakuba.training.tests.factories import attended, make_course, make_session, make_staff

pytestmark = [pytest.mark.browser]
R = RegistrationStatus
SHOTS = Path("/tmp/shots-training2")


def _page(browser, live_server, user, lang: str | None = None, viewport=VIEWPORT) -> Any:
    ctx = browser.new_context(viewport=viewport, locale="ja-JP", base_url=live_server.url)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


def _shot(page: Any, name: str) -> None:
    path = screenshot(page, f"training-{name}")
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def _demo_like(org) -> dict[str, Any]:
    """Three courses (past sessions attended, future ones), one full session with one
    person already waiting, a required course the member is overdue on."""
    web = make_course(
        "Web会議の使い方", description="Zoom・Teams の入り方、画面共有、切れたときの戻り方。"
    )
    telework = make_course(
        "テレワークの始め方", description="VPN端末・LGWANテレワークの接続手順と持ち帰りのルール。"
    )
    security = make_course(
        "情報セキュリティ研修", description="標的型攻撃メール、パスワード、個人情報の扱い。"
    )
    people = [make_staff(f"60{i:02d}", org["zeimu" if i % 2 else "shimin"]) for i in range(8)]
    for course, back in ((web, 20), (security, 12)):
        past = make_session(course, days=-back, capacity=12)
        for person in people[:5]:
            attended(past, person)
    make_session(web, days=10, capacity=20)
    make_session(security, days=15, capacity=20, place="本庁舎 3階 研修室")
    full = make_session(
        telework,
        days=3,
        capacity=2,
        place="本庁舎 2階 会議室B（VPN端末5台）",
        instructor=people[7],
    )
    for n, person in enumerate(people[:3]):
        Registration.objects.create(
            session=full,
            staff=person,
            status=R.REGISTERED if n < 2 else R.WAITLISTED,
            waitlist_position=None if n < 2 else 1,
            registered_at=timezone.now() - dt.timedelta(hours=5 - n),
        )
    Requirement.objects.create(
        course=security, due_date=timezone.localdate() - dt.timedelta(days=30)
    )
    return {"full": full, "first": people[0], "waiting": people[2]}


@pytest.mark.django_db(transaction=True)
def test_register_for_a_full_session_and_get_promoted(browser, live_server, org, make_user):
    data = _demo_like(org)
    full = data["full"]
    me = make_user("staff", username="demo-staff")
    hr = make_user("hr", username="demo-hr", unit_key="zeimu")
    problems: list[str] = []

    page = _page(browser, live_server, me)
    page.goto("/training/")
    assert page.get_by_role("heading", name="テレワークの始め方").is_visible()
    assert page.get_by_text("満席").is_visible()
    problems += axe_problems(page, "catalogue")
    _shot(page, "catalogue-ja")
    page.get_by_role("link", name=f"{timezone.localtime(full.starts_at):%Y-%m-%d}").first.click()
    page.wait_for_url(f"**/training/sessions/{full.pk}/")
    page.get_by_role("button", name="キャンセル待ちに登録する").click()
    notice = page.get_by_text("キャンセル待ち 2 番目です。")
    notice.wait_for()
    assert page.get_by_text("定員に達しているため、キャンセル待ちに登録しました。").is_visible()
    mine = Registration.objects.get(session=full, staff=me.staff)
    assert (mine.status, mine.waitlist_position) == (R.WAITLISTED, 2)
    problems += axe_problems(page, "session (waitlisted)")
    _shot(page, "session-waitlisted-ja")
    page.get_by_role("link", name="研修会の一覧").click()
    page.get_by_role("link", name="わたしの申込と研修履歴").click()
    page.wait_for_url("**/mine/")
    assert page.get_by_text("キャンセル待ち 2 番目").is_visible()
    assert page.get_by_text("期限超過").is_visible()
    problems += axe_problems(page, "mine")
    _shot(page, "mine-ja")

    # HR: the management pages, then cancels the first registered person.
    manager = _page(browser, live_server, hr)
    manager.goto("/training/manage/")
    problems += axe_problems(manager, "manage")
    _shot(manager, "manage-ja")
    for path, label in (
        ("/training/manage/sessions/new/", "session form"),
        ("/training/manage/courses/new/", "course form"),
        ("/training/manage/requirements/", "requirements"),
        ("/training/coverage/", "coverage"),
    ):
        manager.goto(path)
        problems += axe_problems(manager, label)
        _shot(manager, label.replace(" ", "-") + "-ja")
    manager.goto("/training/manage/sessions/new/")
    manager.get_by_role("button", name="保存する").click()
    expect(manager.get_by_text("このフィールドは必須です。").first).to_be_visible()
    problems += axe_problems(manager, "session form (errors)")
    _shot(manager, "session-form-errors-ja")
    manager.goto(f"/training/manage/sessions/{full.pk}/attendance/")
    assert manager.get_by_text("キャンセル待ち 2 番目").is_visible()
    problems += axe_problems(manager, "roster")
    first = data["first"]
    manager.get_by_role("button", name=f"申し込みを取り消す {first.name}").click()
    manager.get_by_text(f"{first.name} さんの申し込みを取り消しました。").wait_for()
    _shot(manager, "roster-ja")
    assert Registration.objects.get(session=full, staff=data["waiting"]).status == R.REGISTERED
    assert waitlist_rank(Registration.objects.get(session=full, staff=me.staff)) == 1

    page.goto(f"/training/sessions/{full.pk}/")
    assert page.get_by_text("キャンセル待ち 1 番目です。").is_visible()
    manager.goto(f"/training/manage/sessions/{full.pk}/edit/")
    manager.get_by_label("定員").fill("3")
    manager.get_by_role("button", name="保存する").click()
    manager.wait_for_url(f"**/training/sessions/{full.pk}/")

    page.reload()
    assert page.get_by_text("申込済みです。 （キャンセル待ちから繰り上がりました）").is_visible()
    assert Notice.objects.filter(recipient=me, subject__contains="繰り上がりました").count() == 1
    assert page.get_by_role("link", name="お知らせ 未読 1 件").is_visible()
    problems += axe_problems(page, "session (promoted)")
    _shot(page, "session-promoted-ja")
    page.goto("/")
    panel = page.get_by_role("region", name="研修会")
    assert panel.get_by_role("link", name="テレワークの始め方").is_visible()
    assert panel.get_by_text("情報セキュリティ研修").is_visible()
    problems += axe_problems(page, "home panel")
    _shot(page, "home-ja")

    en = _page(browser, live_server, me, lang="en")
    for path, label in (
        ("/training/", "catalogue"),
        (f"/training/sessions/{full.pk}/", "session"),
        ("/training/mine/", "mine"),
    ):
        en.goto(path)
        assert "研修" not in en.locator("h1").inner_text() or label == "session"
        problems += axe_problems(en, f"{label} (en)")
        _shot(en, f"{label}-en")
    en_hr = _page(browser, live_server, hr, lang="en")
    for path, label in (
        ("/training/manage/", "manage"),
        (f"/training/manage/sessions/{full.pk}/attendance/", "roster"),
        ("/training/manage/requirements/", "requirements"),
    ):
        en_hr.goto(path)
        problems += axe_problems(en_hr, f"{label} (en)")
        _shot(en_hr, f"{label}-en")

    phone = _page(browser, live_server, me, viewport=PHONE)
    for path, label in (
        ("/training/", "catalogue"),
        (f"/training/sessions/{full.pk}/", "session"),
        ("/training/mine/", "mine"),
    ):
        phone.goto(path)
        problems += axe_problems(phone, f"{label} (phone)")
        _shot(phone, f"{label}-phone")
        assert _fits(phone), f"{label} scrolls sideways on a phone"
    phone_hr = _page(browser, live_server, hr, viewport=PHONE)
    phone_hr.goto("/training/manage/")
    problems += axe_problems(phone_hr, "manage (phone)")
    _shot(phone_hr, "manage-phone")
    assert _fits(phone_hr), "manage scrolls sideways on a phone"
    assert not problems, "\n".join(problems)

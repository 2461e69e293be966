"""The stored-text rule (core.text) and the save guard behind every door (core.storedtext)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from yakuba.core.middleware import RejectControlCharactersMiddleware
from yakuba.core.storedtext import UnstorableText
from yakuba.core.text import TextValidator, check_text, text_problem, unstorable_in
from yakuba.org.models import Staff, Unit


@pytest.mark.parametrize(
    ("value", "multiline", "problem"),
    [
        ("山田 太郎", False, None),
        ("一行目\n二行目\tタブ", True, None),
        ("山田\x00太郎", True, "氏名に使えない制御文字が含まれています。"),
        ("\x1b[31m", True, "氏名に使えない制御文字が含まれています。"),
        ("del\x7f", True, "氏名に使えない制御文字が含まれています。"),
        ("half \ud800 pair", True, "氏名に使えない制御文字が含まれています。"),
        ("一行目\n二行目", False, "氏名に改行やタブは使えません。"),
        ("あ" * 11, False, "氏名は10文字以内で入力してください。"),
    ],
)
def test_one_rule_says_what_is_wrong_in_japanese(value, multiline, problem) -> None:
    assert text_problem(value, max_length=10 if len(value) > 10 else None,
                        multiline=multiline, label="氏名") == problem  # fmt: skip


def test_the_validator_is_the_same_rule_for_forms_and_models() -> None:
    rule = TextValidator(5, multiline=True)
    rule("あい\nえお")
    with pytest.raises(ValidationError, match="5文字以内"):
        rule("あいうえおか")
    with pytest.raises(ValidationError, match="制御文字"):
        check_text("a\x00", multiline=True)
    assert rule == TextValidator(5, multiline=True) != TextValidator(5)
    assert rule.deconstruct()[2] == {"max_length": 5, "multiline": True}


def test_unstorable_text_is_found_anywhere_in_a_json_document() -> None:
    assert not unstorable_in({"a": ["b", {"c": "日本語\n"}], "n": 1})
    assert unstorable_in({"a": ["b", {"c": "x\x00"}]})
    assert unstorable_in({"key\ud800": 1})
    deep: object = "\x01"
    for _ in range(500):
        deep = [deep]
    assert unstorable_in(deep)


@pytest.mark.django_db
def test_the_save_guard_refuses_what_slipped_past_a_door_and_writes_nothing(org) -> None:
    unit = org["shimin"]
    with pytest.raises(UnstorableText, match="氏名に使えない制御文字"):
        Staff(staff_number="8001", name="山田\x00", name_kana="ヤマダ", unit=unit).save()
    # Longer than the column: SQLite would keep it, PostgreSQL would answer 500.
    with pytest.raises(UnstorableText, match="所属名は100文字以内"):
        Unit(code="X1", name="課" * 101, kind="division").save()
    assert not Staff.objects.filter(staff_number="8001").exists()
    assert not Unit.objects.filter(code="X1").exists()


@pytest.mark.django_db
def test_json_fields_are_guarded_too(org, make_user) -> None:
    from yakuba.audit.models import AuditAction
    from yakuba.audit.services import record

    with pytest.raises(UnstorableText):
        record(AuditAction.UPDATE, actor=None, object_type="x", changes={"name": "a\x00"})


def test_a_refusal_no_door_caught_is_a_400_with_the_message_not_a_500() -> None:
    middleware = RejectControlCharactersMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    page = RequestFactory().post("/org/staff/new/")
    page.user = AnonymousUser()  # as the authentication middleware leaves it
    response = middleware.process_exception(page, UnstorableText("氏名に使えない制御文字"))
    assert response.status_code == 400
    assert "氏名に使えない制御文字" in response.content.decode()
    hook = RequestFactory().post("/meetings/hooks/zoom/abc/")
    response = middleware.process_exception(hook, UnstorableText("氏名に使えない制御文字"))
    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": "氏名に使えない制御文字"}
    assert middleware.process_exception(page, ValueError("other")) is None

"""Mentions by each chat's own identity of a person (and names when none is known)."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.notifications import payloads
from yakuba.notifications.forms import ChatIdentityForm
from yakuba.notifications.models import ChatIdentity
from yakuba.notifications.payloads import Message, Person, Section
from yakuba.notifications.services import set_chat_identities

AAD = "87d349ed-44d7-43e1-9a83-5f2406dee5bd"
YAMADA = Person.of("山田 太郎", {"slack": "U012AB3CD", "mattermost": "taro.yamada", "teams": AAD})
SATO = Person.of("佐藤 花子")  # no chat identity anywhere
MESSAGE = Message(
    title="朝の業務報告の締切が近づいています",
    sections=(Section("未報告", people=(YAMADA, SATO)),),
)


def _json(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False)


# --- payload builders, each chat kind, with and without identities ----------------------


def test_slack_mentions_by_member_id_and_names_the_rest() -> None:
    [body] = payloads.slack(MESSAGE)
    section = body["blocks"][1]["text"]["text"]
    assert section == "*未報告*\n<@U012AB3CD>、佐藤 花子"
    assert "@taro" not in _json(body)


def test_slack_escapes_names_without_an_identity() -> None:
    [body] = payloads.slack(Message(title="t", sections=(Section("h", people=(
        Person.of("<!channel> & co"),)),)))  # fmt: skip
    assert "&lt;!channel&gt; &amp; co" in body["blocks"][1]["text"]["text"]


def test_mattermost_mentions_by_mattermost_user_name() -> None:
    [body] = payloads.mattermost(MESSAGE)
    assert body["text"].endswith("#### 未報告\n@taro.yamada、佐藤 花子")


def test_teams_adaptive_card_mention_entities() -> None:
    [body] = payloads.teams(MESSAGE)
    content = body["attachments"][0]["content"]
    texts = [block["text"] for block in content["body"]]
    assert "<at>山田 太郎</at>、佐藤 花子" in texts
    assert content["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>山田 太郎</at>",
            "mentioned": {"id": AAD, "name": "山田 太郎"},
        }
    ]


def test_teams_without_identities_has_no_entities_and_no_at_tags() -> None:
    [body] = payloads.teams(Message(title="t", sections=(Section("h", people=(SATO,)),)))
    content = body["attachments"][0]["content"]
    assert "msteams" not in content
    assert "<at>" not in _json(body)


def test_teams_split_cards_carry_only_their_own_mentions() -> None:
    people = tuple(
        Person.of(f"職員{i:03d}", {"teams": f"user{i}@city.example.lg.jp"}) for i in range(3)
    )
    filler = tuple(Section(f"見出し{i}", ("あ" * 3000,)) for i in range(12))
    message = Message(title="長い", sections=(*filler, Section("未報告", people=people)))
    cards = payloads.teams(message)
    assert len(cards) > 1
    for card in cards:
        content = card["attachments"][0]["content"]
        text = _json(content["body"])
        for entity in content.get("msteams", {}).get("entities", []):
            assert entity["text"] in text
    last = cards[-1]["attachments"][0]["content"]
    assert len(last["msteams"]["entities"]) == 3


def test_lineworks_cannot_mention_and_names_everyone() -> None:
    [body] = payloads.lineworks(MESSAGE)
    assert body["body"]["text"].endswith("■ 未報告\n山田 太郎、佐藤 花子")
    assert "@" not in body["body"]["text"] and "U012AB3CD" not in body["body"]["text"]


def test_plain_lines_name_people() -> None:
    assert MESSAGE.plain_lines()[-1] == "山田 太郎、佐藤 花子"


# --- validation per kind --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "cleaned"),
    [
        ({"slack": "U012AB3CD"}, {"slack": "U012AB3CD"}),
        ({"slack": "<@w0123abcd>"}, {"slack": "W0123ABCD"}),
        ({"mattermost": "@Taro.Yamada"}, {"mattermost": "taro.yamada"}),
        ({"teams": AAD.upper()}, {"teams": AAD.upper()}),
        ({"teams": "taro@city.example.lg.jp"}, {"teams": "taro@city.example.lg.jp"}),
        ({}, {"slack": "", "mattermost": "", "teams": ""}),
    ],
)
def test_form_accepts_and_normalises(data: dict[str, str], cleaned: dict[str, str]) -> None:
    form = ChatIdentityForm(data)
    assert form.is_valid(), form.errors
    for key, value in cleaned.items():
        assert form.cleaned_data[key] == value


@pytest.mark.parametrize(
    "data",
    [
        {"slack": "taro"},
        {"slack": "C012AB3CD"},  # a channel ID, not a member
        {"mattermost": "1taro"},
        {"mattermost": "ta"},
        {"mattermost": "山田"},
        {"mattermost": "a" * 23},
        {"teams": "not-an-id"},
    ],
)
def test_form_rejects_malformed_handles(data: dict[str, str]) -> None:
    form = ChatIdentityForm(data)
    assert not form.is_valid()
    assert set(form.errors) == set(data)


# --- service: stored once per kind, audited --------------------------------------------


@pytest.mark.django_db
def test_set_identities_creates_updates_clears_and_audits(org, make_user) -> None:
    actor = make_user("hr")
    staff = org["staff"]["1001"]
    before = AuditEntry.objects.count()
    changed = set_chat_identities(
        actor=actor, staff=staff, handles={"slack": "U012AB3CD", "mattermost": "yamada"}
    )
    assert changed == ["slack", "mattermost"]
    assert set_chat_identities(actor=actor, staff=staff, handles={"slack": "U012AB3CD"}) == []
    set_chat_identities(actor=actor, staff=staff, handles={"slack": "", "mattermost": "taro"})
    assert dict(staff.chat_identities.values_list("kind", "handle")) == {"mattermost": "taro"}
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [e.action for e in entries] == ["create", "create", "delete", "update"]
    assert entries[-1].changes["handle"] == ["yamada", "taro"]


@pytest.mark.django_db
def test_set_identities_refuses_invalid_and_saves_nothing(org) -> None:
    with pytest.raises(ValidationError):
        set_chat_identities(
            actor=None, staff=org["staff"]["1001"], handles={"mattermost": "ok", "slack": "x"}
        )
    assert not ChatIdentity.objects.exists()


# --- one person per chat account ----------------------------------------------------------


@pytest.mark.django_db
def test_a_chat_handle_belongs_to_one_person_per_chat(org) -> None:
    yamada, sato = org["staff"]["1001"], org["staff"]["1002"]
    set_chat_identities(
        actor=None, staff=yamada, handles={"mattermost": "taro", "teams": "Taro@City.example.jp"}
    )
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        set_chat_identities(
            actor=None,
            staff=sato,
            handles={"slack": "U0SATO123", "mattermost": "@Taro", "teams": "taro@city.example.jp"},
        )
    errors = refused.value.message_dict
    assert set(errors) == {"mattermost", "teams"}  # each on its own field
    assert errors["mattermost"] == [
        "taro はすでに別の職員の Mattermost のIDとして登録されています。"
        "同じIDは一人にしか登録できません。本人のIDに間違いなければ、"
        "人事担当またはシステム管理者に連絡してください。"
    ]
    assert "山田" not in str(errors)  # who holds it is not told
    assert not sato.chat_identities.exists()  # nothing of the refused request was saved
    assert AuditEntry.objects.count() == before
    # The holder may re-save their own handle (in another case).
    set_chat_identities(actor=None, staff=yamada, handles={"teams": "taro@city.example.jp"})
    assert yamada.chat_identities.get(kind="teams").handle == "taro@city.example.jp"


@pytest.mark.django_db
def test_the_database_refuses_a_second_holder_case_insensitively(org) -> None:
    from django.db import IntegrityError, transaction

    yamada, sato = org["staff"]["1001"], org["staff"]["1002"]
    ChatIdentity.objects.create(staff=yamada, kind="teams", handle="Taro@City.example.jp")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatIdentity.objects.create(staff=sato, kind="teams", handle="taro@city.example.jp")
    ChatIdentity.objects.create(staff=sato, kind="mattermost", handle="taro@city.example.jp")


@pytest.mark.django_db
@pytest.mark.parametrize("door", ["self_service", "staff_page"])
def test_both_forms_show_a_taken_handle_on_its_field(org, make_user, client, door) -> None:
    set_chat_identities(actor=None, staff=org["staff"]["1001"], handles={"mattermost": "taro"})
    if door == "self_service":
        user = make_user("staff", username="sato-account", unit_key="madoguchi")
        url = reverse("notifications:my_chat_identities")
        staff = user.staff
    else:
        user = make_user("hr")
        staff = org["staff"]["1002"]
        url = reverse("notifications:staff_chat_identities", args=[staff.pk])
    response = verified_client(client, user).post(url, {"mattermost": "TARO", "slack": "U0SATO123"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "すでに別の職員の Mattermost のIDとして登録されています" in form.errors["mattermost"][0]
    assert "登録されています" in response.content.decode()
    assert not staff.chat_identities.exists()


# --- views: self-service and scoped admin edit ------------------------------------------


@pytest.mark.django_db
def test_person_sets_own_identities_from_profile(make_user, client) -> None:

    user = make_user("staff")
    client.force_login(user)
    profile = client.get(reverse("accounts:profile"))
    assert reverse("notifications:my_chat_identities") in profile.content.decode()
    url = reverse("notifications:my_chat_identities")
    bad = client.post(url, {"slack": "nope"})
    assert bad.status_code == 200 and not ChatIdentity.objects.exists()
    ok = client.post(url, {"slack": "U0AAA1111", "mattermost": "@Me.Here", "teams": ""})
    assert ok.status_code == 302
    assert dict(user.staff.chat_identities.values_list("kind", "handle")) == {
        "slack": "U0AAA1111",
        "mattermost": "me.here",
    }
    assert "me.here" in client.get(reverse("accounts:profile")).content.decode()


@pytest.mark.django_db
def test_unit_head_edits_only_staff_in_scope(org, make_user, client) -> None:

    head = make_user("unit_head", unit_key="zeimu")
    client.force_login(head)
    own = reverse("notifications:staff_chat_identities", args=[org["staff"]["2001"].pk])
    other = reverse("notifications:staff_chat_identities", args=[org["staff"]["1001"].pk])
    assert client.post(own, {"mattermost": "suzuki"}).status_code == 302
    assert client.post(other, {"mattermost": "yamada"}).status_code == 404
    assert list(ChatIdentity.objects.values_list("handle", flat=True)) == ["suzuki"]


# --- slash commands find the sender by their chat identity ------------------------------

TOKEN = "mm-command-token-123"


@pytest.mark.django_db
@override_settings(MATTERMOST_COMMAND_TOKEN=TOKEN)
def test_mattermost_command_finds_sender_by_registered_user_name(make_user, org, client) -> None:
    from yakuba.dailyreports.models import Report
    from yakuba.dailyreports.tests.factories import window_for

    window_for(org["shimin"])
    user = make_user("staff", username="yakuba-yamada")
    set_chat_identities(actor=None, staff=user.staff, handles={"mattermost": "taro"})
    url = reverse("dailyreports:mattermost_command")
    response = client.post(
        url, {"token": TOKEN, "user_name": "taro", "text": "今日: 窓口 昨日: 会議"}
    )
    assert "受け付けました" in response.json()["text"]
    assert Report.objects.filter(staff=user.staff).exists()
    # Someone whose chat name happens to equal the Yakuba user name is not taken for them.
    response = client.post(url, {"token": TOKEN, "user_name": "yakuba-yamada", "text": "x"})
    assert "登録されていません" in response.json()["text"]
    # Mattermost user names are case-insensitive.
    response = client.post(url, {"token": TOKEN, "user_name": "Taro", "text": "今日: 追記"})
    assert "受け付けました" in response.json()["text"]


@pytest.mark.django_db
@override_settings(SLACK_SIGNING_SECRET="8f742231b10e8888abcd99yyyzzz85a5")
def test_slack_command_finds_sender_by_member_id(make_user, org, client) -> None:
    from yakuba.dailyreports import chat
    from yakuba.dailyreports.models import Report
    from yakuba.dailyreports.tests.factories import window_for

    window_for(org["shimin"])
    user = make_user("staff", username="yakuba-yamada")
    set_chat_identities(actor=None, staff=user.staff, handles={"slack": "U012AB3CD"})
    body = urllib.parse.urlencode(
        {
            "user_id": "U012AB3CD",
            "user_name": "taro",
            "command": "/report",
            "text": "今日: 窓口 昨日: 会議",
        }
    ).encode()
    ts = str(int(time.time()))
    response = client.post(
        reverse("dailyreports:slack_command"),
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_SLACK_REQUEST_TIMESTAMP=ts,
        HTTP_X_SLACK_SIGNATURE=chat.slack_signature("8f742231b10e8888abcd99yyyzzz85a5", ts, body),
    )
    assert "受け付けました" in response.json()["text"]
    assert Report.objects.filter(staff=user.staff).exists()


# --- the digest's "missing" list -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_digest_mentions_missing_people_per_chat(org, make_user) -> None:
    import datetime as dt

    from yakuba.dailyreports import digest
    from yakuba.dailyreports.tests.factories import window_for
    from yakuba.notifications.models import Channel, Delivery

    day = dt.date(2026, 4, 1)
    window = window_for(org["shimin"])
    channels = {}
    for kind in ("slack", "mattermost", "teams", "lineworks"):
        channels[kind] = Channel(unit=org["shimin"], name=kind, kind=kind)
        channels[kind].set_url("http://127.0.0.1:9/hooks/x")
        channels[kind].save()
        window.channels.add(channels[kind])
    yamada = org["staff"]["1001"]
    set_chat_identities(
        actor=None,
        staff=yamada,
        handles={"slack": "U012AB3CD", "mattermost": "taro", "teams": AAD},
    )
    made = digest.close_window(org["shimin"], day)
    assert made is not None
    assert made.content["missing"] == ["山田 太郎"]
    text = {k: _json(Delivery.objects.get(channel=c).payload) for k, c in channels.items()}
    assert "<@U012AB3CD>" in text["slack"]
    assert "@taro" in text["mattermost"]
    assert "<at>山田 太郎</at>" in text["teams"] and AAD in text["teams"]
    assert "山田 太郎" in text["lineworks"] and "U012AB3CD" not in text["lineworks"]

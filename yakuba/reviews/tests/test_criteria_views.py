"""The criteria pages: who may open and change them, the editor refusing invalid flows
with the question named (and saving nothing), versioning through the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yakuba.audit.models import AuditEntry
from yakuba.reviews import criteria, defaults
from yakuba.reviews.models import CriteriaSet, CriteriaVersion, VersionStatus

pytestmark = pytest.mark.django_db

OTHERS = ("staff", "unit_head", "hr", "infosec", "auditor", "sysadmin")


@pytest.fixture
def planner(make_user: Any) -> Any:
    return make_user("planning", username="planner")


@pytest.fixture
def drafts(planner: Any) -> dict[str, CriteriaVersion]:
    created = criteria.install_default_criteria(actor=planner)
    return {v.criteria_set.applies_to: v for v in created}


def _editor_post(version: CriteriaVersion, track: str) -> dict[str, str]:
    """The track editor's form as the page renders it, unchanged."""
    from yakuba.reviews.criteria_forms import TrackEditor

    editor = TrackEditor.from_definition(version.definition, track, version.criteria_set.applies_to)
    data = {
        "label": editor.label,
        "applies_if": editor.applies_if,
        "start": editor.start,
        "q-count": str(len(editor.questions)),
        "out-count": str(len(editor.outcomes)),
        "action": "save",
    }
    for q in editor.questions:
        p = q.prefix
        data.update(
            {
                f"{p}-key": q.key,
                f"{p}-text": q.text,
                f"{p}-help": q.help,
                f"{p}-order": str(q.order),
                f"{p}-o-count": str(len(q.options)),
            }
        )
        for o in q.options:
            op = f"{p}-o-{o.index}"
            data.update(
                {
                    f"{op}-key": o.key,
                    f"{op}-label": o.label,
                    f"{op}-to": o.to,
                    f"{op}-order": str(o.order),
                }
            )
            if o.requires_note:
                data[f"{op}-note"] = "1"
            if o.requires_article:
                data[f"{op}-article"] = "1"
    for out in editor.outcomes:
        data.update(
            {
                f"{out.prefix}-key": out.key,
                f"{out.prefix}-label": out.label,
                f"{out.prefix}-effect": out.effect,
                f"{out.prefix}-description": out.description,
                f"{out.prefix}-order": str(out.order),
            }
        )
    return data


def test_planning_installs_defaults_from_the_list(client_for: Any, planner: Any) -> None:
    client = client_for("planning")
    page = client.get(reverse("reviews:criteria_list"))
    assert page.status_code == 200
    assert "既定の基準を登録" in page.content.decode()
    response = client.post(reverse("reviews:criteria_install"))
    assert response.status_code == 302
    assert set(CriteriaSet.objects.values_list("slug", flat=True)) == {
        defaults.PROCEDURE_SET_SLUG,
        defaults.MEETING_SET_SLUG,
    }
    page = client.get(reverse("reviews:criteria_list")).content.decode()
    assert "既定の基準を登録" not in page
    assert "手続・書類の見直し基準（押印・書面・対面・添付書類）" in page


@pytest.mark.parametrize("role", OTHERS)
def test_others_may_not_open_or_change_criteria(
    client_for: Any, drafts: dict[str, CriteriaVersion], role: str
) -> None:
    client = client_for(role)
    version = drafts["procedure"]
    assert client.get(reverse("reviews:criteria_list")).status_code == 403
    assert client.post(reverse("reviews:criteria_install")).status_code == 403
    assert client.post(reverse("reviews:criteria_publish", args=[version.pk])).status_code == 403
    assert (
        client.post(
            reverse("reviews:criteria_track", args=[version.pk, "seal"]),
            _editor_post(version, "seal"),
        ).status_code
        == 403
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_the_flow_page_reads_like_the_manual(
    client_for: Any, drafts: dict[str, CriteriaVersion]
) -> None:
    page = client_for("planning").get(
        reverse("reviews:criteria_version", args=[drafts["procedure"].pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "押印（署名）を求める根拠は何ですか" in html
    assert "根拠条項の記入が必要" in html
    assert "法令等により存続" in html
    assert "第1版を公開する" in html


def test_drafts_are_the_planning_units_only_published_versions_are_read_by_answerers(
    client_for: Any, planner: Any, drafts: dict[str, CriteriaVersion]
) -> None:
    draft = drafts["procedure"]
    url = reverse("reviews:criteria_version", args=[draft.pk])
    clients = {r: client_for(r) for r in ("staff", "unit_head", "hr", "auditor", "planning")}
    assert clients["staff"].get(url).status_code == 404  # a draft: not theirs to see
    criteria.publish(actor=planner, version=draft)
    for role, client in clients.items():
        page = client.get(url)
        assert page.status_code == 200, role
        assert "公開する" not in page.content.decode() or role == "planning"
    # Anonymous: sign in first.
    assert client_for("anonymous").get(url).status_code == 302


def test_publishing_through_the_page_retires_the_previous_version(
    client_for: Any, drafts: dict[str, CriteriaVersion]
) -> None:
    client = client_for("planning")
    v1 = drafts["meeting"]
    response = client.post(
        reverse("reviews:criteria_publish", args=[v1.pk]), {"change_note": "初版"}
    )
    assert response.status_code == 302
    v1.refresh_from_db()
    assert v1.status == VersionStatus.PUBLISHED and v1.change_note == "初版"
    client.post(reverse("reviews:criteria_new_version", args=[v1.criteria_set_id]))
    v2 = CriteriaVersion.objects.get(criteria_set=v1.criteria_set, number=2)
    # The published version's editor is closed: back to the flow with a message.
    closed = client.get(reverse("reviews:criteria_track", args=[v1.pk, "necessity"]))
    assert closed.status_code == 302
    client.post(reverse("reviews:criteria_publish", args=[v2.pk]), {"change_note": "第2版"})
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (VersionStatus.RETIRED, VersionStatus.PUBLISHED)


def test_editor_saves_a_valid_change(client_for: Any, drafts: dict[str, CriteriaVersion]) -> None:
    version = drafts["procedure"]
    data = _editor_post(version, "seal")
    data["q-0-text"] = "押印を求める根拠は何ですか（条例・規則を含む）"
    data["q-2-order"] = "5"  # seal_purpose first in the list
    response = client_for("planning").post(
        reverse("reviews:criteria_track", args=[version.pk, "seal"]), data
    )
    assert response.status_code == 302
    version.refresh_from_db()
    seal = version.definition["tracks"][0]
    assert [q["key"] for q in seal["questions"]][:2] == ["seal_purpose", "seal_basis"]
    assert seal["questions"][1]["text"] == "押印を求める根拠は何ですか（条例・規則を含む）"
    # Unchanged elsewhere: the other tracks are as they were.
    assert version.definition["tracks"][1:] == defaults.PROCEDURE_DEFINITION["tracks"][1:]


def test_editor_refuses_a_cycle_naming_the_question_and_saves_nothing(
    client_for: Any, drafts: dict[str, CriteriaVersion]
) -> None:
    version = drafts["procedure"]
    client = client_for("planning")
    before = AuditEntry.objects.count()
    data = _editor_post(version, "seal")
    # seal_alternative's third option ("代替できる方法がない") now goes back to seal_purpose.
    data["q-3-o-2-to"] = "q:seal_purpose"
    response = client.post(reverse("reviews:criteria_track", args=[version.pk, "seal"]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "保存できませんでした（何も保存されていません）" in html
    assert "質問「押印は何のために求めていますか」から先の流れが循環しています" in html
    version.refresh_from_db()
    assert version.definition == defaults.PROCEDURE_DEFINITION
    assert AuditEntry.objects.count() == before


def test_editor_refuses_a_question_without_options_and_an_orphan_outcome(
    client_for: Any, drafts: dict[str, CriteriaVersion]
) -> None:
    version = drafts["meeting"]
    data = _editor_post(version, "participants")
    data["q-0-o-0-delete"] = "1"
    data["q-0-o-1-delete"] = "1"
    response = client_for("planning").post(
        reverse("reviews:criteria_track", args=[version.pk, "participants"]), data
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "質問「参加者は必要最小限ですか」に選択肢がありません。" in html
    assert "結果「参加者を削減」には、どの選択肢からもたどり着けません。" in html
    version.refresh_from_db()
    assert version.definition == defaults.MEETING_DEFINITION


def test_editor_adds_a_question_row_without_saving_then_saves_it(
    client_for: Any, drafts: dict[str, CriteriaVersion]
) -> None:
    client = client_for("planning")
    version = drafts["meeting"]
    url = reverse("reviews:criteria_track", args=[version.pk, "participants"])
    data = _editor_post(version, "participants")
    data["q-0-text"] = "参加者は必要最小限ですか（代理出席を含む）"
    data["action"] = "add_question"
    page = client.post(url, data)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="q-1-text"' in html and "参加者は必要最小限ですか（代理出席を含む）" in html
    version.refresh_from_db()
    assert version.definition == defaults.MEETING_DEFINITION  # nothing saved yet
    # Fill the new question: 「いいえ」 of the first question now asks it.
    data.update(
        {
            "action": "save",
            "q-count": "2",
            "q-1-key": "q1",
            "q-1-new": "1",
            "q-1-text": "代理出席や資料配布だけの参加者がいますか",
            "q-1-order": "20",
            "q-1-o-count": "2",
            "q-1-o-0-key": "opt1",
            "q-1-o-0-label": "いる",
            "q-1-o-0-to": "o:mtg_fewer",
            "q-1-o-1-key": "opt2",
            "q-1-o-1-label": "いない",
            "q-1-o-1-to": "o:mtg_participants_ok",
            "q-0-o-1-to": "q:q1",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    version.refresh_from_db()
    track = version.definition["tracks"][1]
    assert [q["key"] for q in track["questions"]] == ["mtg_participants", "q1"]
    assert track["questions"][0]["options"][1]["next"] == "q1"


def test_add_move_and_delete_tracks(client_for: Any, drafts: dict[str, CriteriaVersion]) -> None:
    client = client_for("planning")
    version = drafts["meeting"]
    response = client.post(
        reverse("reviews:criteria_track_new", args=[version.pk]),
        {
            "label": "記録",
            "key": "records",
            "question": "決定事項・対応事項を記録していますか",
            "option_1": "記録している",
            "outcome_1": "現状のまま",
            "effect_1": "kept",
            "option_2": "記録していない",
            "outcome_2": "時間短縮（記録の徹底で再協議を減らす）",
            "effect_2": "meeting_shortened",
        },
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert [t["key"] for t in version.definition["tracks"]][-1] == "records"
    client.post(
        reverse("reviews:criteria_track_move", args=[version.pk, "records"]),
        {"direction": "up"},
    )
    version.refresh_from_db()
    assert [t["key"] for t in version.definition["tracks"]][-2:] == ["records", "time"]
    client.post(reverse("reviews:criteria_track_delete", args=[version.pk, "records"]))
    version.refresh_from_db()
    assert "records" not in [t["key"] for t in version.definition["tracks"]]
    # A duplicate key is refused by the form.
    refused = client.post(
        reverse("reviews:criteria_track_new", args=[version.pk]),
        {
            "label": "時間2",
            "key": "time",
            "question": "？",
            "option_1": "a",
            "outcome_1": "a",
            "effect_1": "kept",
            "option_2": "b",
            "outcome_2": "b",
            "effect_2": "kept",
        },
    )
    assert refused.status_code == 400
    assert "この識別子は既に使われています。" in refused.content.decode()


def test_the_last_track_cannot_be_deleted(client_for: Any, planner: Any) -> None:
    version = criteria.create_set(
        actor=planner,
        slug="one-track",
        name="一観点の基準",
        applies_to="meeting",
        description="",
        definition={"tracks": [defaults.MEETING_DEFINITION["tracks"][1]]},
    )
    client = client_for("planning")
    response = client.post(
        reverse("reviews:criteria_track_delete", args=[version.pk, "participants"]), follow=True
    )
    assert "観点が一つもありません。観点を追加してください。" in response.content.decode()
    version.refresh_from_db()
    assert len(version.definition["tracks"]) == 1


def test_new_set_and_rename(client_for: Any) -> None:
    client = client_for("planning")
    response = client.post(
        reverse("reviews:criteria_set_new"),
        {
            "applies_to": "procedure",
            "set_name": "内部書類の見直し基準",
            "slug": "internal-forms",
            "description": "庁内の決裁・届出の様式",
            "label": "押印",
            "key": "seal",
            "applies_if": "seal",
            "question": "決裁に押印が必要ですか",
            "option_1": "不要にできる",
            "outcome_1": "押印廃止",
            "effect_1": "seal_abolished",
            "option_2": "必要",
            "outcome_2": "存続",
            "effect_2": "kept",
        },
    )
    assert response.status_code == 302
    created = CriteriaSet.objects.get(slug="internal-forms")
    assert created.versions.get().definition["tracks"][0]["applies_if"] == "seal"
    client.post(
        reverse("reviews:criteria_set_edit", args=[created.pk]),
        {"name": "庁内書類の見直し基準", "description": ""},
    )
    created.refresh_from_db()
    assert created.name == "庁内書類の見直し基準"


def test_discard_a_draft(client_for: Any, planner: Any, drafts: dict[str, CriteriaVersion]) -> None:
    client = client_for("planning")
    first = drafts["meeting"]
    # The first version of a set is never discarded: nothing would be left to build on.
    refused = client.post(reverse("reviews:criteria_discard", args=[first.pk]), follow=True)
    assert "最初の版の下書きは削除できません" in refused.content.decode()
    assert CriteriaVersion.objects.filter(pk=first.pk).exists()
    criteria.publish(actor=planner, version=first)
    second = criteria.new_version(actor=planner, criteria_set=first.criteria_set)
    response = client.post(reverse("reviews:criteria_discard", args=[second.pk]))
    assert response.status_code == 302
    assert not CriteriaVersion.objects.filter(pk=second.pk).exists()


def test_pages_in_english(client_for: Any, drafts: dict[str, CriteriaVersion]) -> None:
    client = client_for("planning")
    client.cookies["django_language"] = "en"
    html = client.get(
        reverse("reviews:criteria_version", args=[drafts["procedure"].pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Publish version 1" in html


def test_try_the_flow_shows_the_path_and_outcome_and_stores_nothing(
    client_for: Any, planner: Any, drafts: dict[str, CriteriaVersion]
) -> None:
    version = criteria.publish(actor=planner, version=drafts["procedure"])
    client = client_for("staff")  # whoever answers reviews may try the published criteria
    before = AuditEntry.objects.count()
    url = reverse("reviews:criteria_try", args=[version.pk])
    page = client.get(url, {"seal.seal_basis": "form_only", "seal.seal_purpose": "identity"})
    html = page.content.decode()
    assert page.status_code == 200
    # The next question on the path is offered; no outcome yet for the seal track.
    assert "押印以外の方法で確認できますか" in html
    assert "まだ結果は決まっていません" in html
    page = client.get(
        url,
        {
            "seal.seal_basis": "form_only",
            "seal.seal_purpose": "identity",
            "seal.seal_alternative": "substitute",
            "paper.paper_basis": "law",
        },
    )
    html = page.content.decode()
    assert "署名等に代替" in html
    assert "存続（法令等による）" in html
    assert AuditEntry.objects.count() == before
    # Garbage answers are simply not answers.
    assert client.get(url, {"seal.seal_basis": "<script>", "x": "y"}).status_code == 200

"""Saved mappings: who may write them, what the trail keeps, which ones a header matches,
and the screens that list, rename and delete them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.org import presets
from yakuba.org.mapping import ColumnMapping, suggest
from yakuba.org.models import ImportPreset
from yakuba.org.tests import hr_export

HEADER = hr_export.HEADER
MAPPING = ColumnMapping(columns=suggest(HEADER))


def _save(actor, name: str = "人事給与", header: list[str] = HEADER) -> ImportPreset:
    return presets.save_preset(
        actor=actor, preset=None, name=name, mapping=ColumnMapping(suggest(header)), header=header
    )


@pytest.mark.django_db
def test_save_rename_delete_are_audited(make_user) -> None:
    hr = make_user("hr")
    preset = _save(hr)
    assert preset.created_by == hr and preset.updated_by == hr
    created = AuditEntry.objects.get(object_type="org.importpreset", action="create")
    assert created.changes["name"] == [None, "人事給与"]
    assert created.changes["columns"][1]["メールアドレス"] == "email"

    changed = ColumnMapping(MAPPING.columns | {"職名": "ignore"}, name_join="none")
    changed.columns.pop("職名")
    presets.save_preset(actor=hr, preset=preset, name="人事給与", mapping=changed, header=HEADER)
    update = AuditEntry.objects.filter(object_type="org.importpreset", action="update").get()
    assert update.changes["name_join"] == ["space", "none"]
    assert "職名" in update.changes["columns"][0] and "職名" not in update.changes["columns"][1]

    presets.rename_preset(actor=hr, preset=preset, name="給与システム（2026）")
    renamed = AuditEntry.objects.filter(action="update").latest("seq")
    assert renamed.changes == {"name": ["人事給与", "給与システム（2026）"]}
    presets.delete_preset(actor=hr, preset=preset)
    deleted = AuditEntry.objects.filter(action="delete").latest("seq")
    assert deleted.changes["name"] == ["給与システム（2026）", None]
    assert not ImportPreset.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "unit_head", "auditor", "infosec"])
def test_only_importers_write_presets(make_user, role) -> None:
    preset = _save(make_user("hr"))
    other = make_user(role)
    with pytest.raises(PermissionDenied):
        _save(other, "x")
    with pytest.raises(PermissionDenied):
        presets.rename_preset(actor=other, preset=preset, name="x")
    with pytest.raises(PermissionDenied):
        presets.delete_preset(actor=other, preset=preset)
    with pytest.raises(PermissionDenied):
        presets.save_labels(actor=other, preset=preset, employment={"嘱託": "regular"})
    assert ImportPreset.objects.get().name == "人事給与"


@pytest.mark.django_db
def test_bad_names_are_refused_and_nothing_written(make_user) -> None:
    hr = make_user("hr")
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        _save(hr, "a\x00b")
    with pytest.raises(ValidationError):
        _save(hr, "x" * 101)
    assert not ImportPreset.objects.exists() and AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_headers_match_presets_exactly_or_by_their_columns(make_user) -> None:
    hr = make_user("hr")
    exact = _save(hr, "exact")
    # A preset using fewer columns matches any export that has them.
    narrow_header = ["職員番号", "氏名", "カナ氏名", "所属コード"]
    narrow = _save(hr, "narrow", narrow_header)
    matches = presets.matching_presets(list(reversed(HEADER)))
    assert [(m.preset, m.exact) for m in matches] == [(exact, True)]
    wider = [*narrow_header, "備考"]
    assert [(m.preset, m.exact) for m in presets.matching_presets(wider)] == [(narrow, False)]
    assert presets.matching_presets(["a", "b"]) == []


@pytest.mark.django_db
def test_labels_are_added_to_a_preset(make_user) -> None:
    hr = make_user("hr")
    preset = _save(hr)
    presets.save_labels(actor=hr, preset=preset, employment={"嘱託": "fiscal_year"})
    presets.save_labels(actor=hr, preset=preset, employment={"派遣": "skip"})
    preset.refresh_from_db()
    assert ColumnMapping.from_json(preset.mapping).employment == {
        "嘱託": "fiscal_year",
        "派遣": "skip",
    }
    # The same labels again change nothing and add nothing to the trail.
    entries = AuditEntry.objects.count()
    presets.save_labels(actor=hr, preset=preset, employment={"派遣": "skip"})
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_preset_screens_list_rename_and_delete(client, make_user) -> None:
    hr_user = make_user("hr")
    preset = _save(hr_user)
    _save(hr_user, "別のシステム")
    hr = verified_client(client, hr_user)
    listing = hr.get(reverse("org:preset_list")).content.decode()
    assert "人事給与" in listing and "11 列" in listing
    page = hr.get(reverse("org:preset_rename", args=[preset.pk])).content.decode()
    assert "メールアドレス" in page and "姓カナ" in page
    url = reverse("org:preset_rename", args=[preset.pk])
    taken = hr.post(url, {"name": "別のシステム"})
    assert "という名前の対応付けがすでにあります" in taken.content.decode()
    empty = hr.post(url, {"name": "　"})
    assert empty.status_code == 200
    assert hr.post(url, {"name": "新しい名前"}).status_code == 302
    preset.refresh_from_db()
    assert preset.name == "新しい名前"
    confirm = hr.get(reverse("org:preset_delete", args=[preset.pk]))
    assert "削除する" in confirm.content.decode()
    assert ImportPreset.objects.filter(pk=preset.pk).exists()  # GET asks only
    assert hr.post(reverse("org:preset_delete", args=[preset.pk])).status_code == 302
    assert not ImportPreset.objects.filter(pk=preset.pk).exists()

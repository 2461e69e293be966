"""Saved column mappings of HR exports (ImportPreset): matched, saved, renamed, deleted.

Every write checks IMPORT_ORG, runs in one transaction and is audited; the audit entry names
the columns by their header text, so the trail shows what was mapped to what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.org.mapping import ColumnMapping, header_keys, signature
from yakuba.org.models import ImportPreset


def _require(actor: User) -> None:
    if not actor.can(Capability.IMPORT_ORG):
        raise PermissionDenied("cannot import")


@dataclass(frozen=True)
class PresetMatch:
    preset: ImportPreset
    # The header is exactly the one the preset was saved from (same columns, any order);
    # otherwise every column the preset maps is present (the export gained columns).
    exact: bool


def matching_presets(header: Sequence[str]) -> list[PresetMatch]:
    """Presets that can read a table with this header: exact matches first."""
    keys = set(header_keys(header))
    sig = signature(header)
    found: list[PresetMatch] = []
    for preset in ImportPreset.objects.all():
        mapped = set(ColumnMapping.from_json(preset.mapping).columns)
        if preset.signature == sig:
            found.append(PresetMatch(preset, True))
        elif mapped and mapped <= keys:
            found.append(PresetMatch(preset, False))
    return sorted(found, key=lambda m: (not m.exact, m.preset.name))


def describe(mapping: ColumnMapping, header: Sequence[str]) -> dict[str, object]:
    """The mapping as the audit trail keeps it: header text → field, and the options."""
    text_of = dict(zip(header_keys(header), header, strict=True))
    return {
        "columns": {text_of.get(k, k): t for k, t in sorted(mapping.columns.items())},
        "name_join": mapping.name_join,
        "employment": dict(sorted(mapping.employment.items())),
    }


@transaction.atomic
def save_preset(
    *,
    actor: User,
    preset: ImportPreset | None,
    name: str,
    mapping: ColumnMapping,
    header: Sequence[str],
) -> ImportPreset:
    """Create a preset (preset=None) or replace the mapping of one."""
    _require(actor)
    creating = preset is None
    if preset is None:
        preset = ImportPreset(created_by=actor)
        before: dict[str, object] = {}
    else:
        preset = ImportPreset.objects.select_for_update().get(pk=preset.pk)
        before = {"name": preset.name, **describe(_stored(preset), preset.headers)}
    preset.name = name
    preset.mapping = mapping.as_json()
    preset.headers = list(header)
    preset.signature = signature(header)
    preset.updated_by = actor
    preset.full_clean()
    preset.save()
    after = {"name": preset.name, **describe(mapping, header)}
    record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor,
        obj=preset,
        changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
    )
    return preset


@transaction.atomic
def save_labels(*, actor: User, preset: ImportPreset, employment: dict[str, str]) -> ImportPreset:
    """Add (or change) employment labels of a preset; labels it knows already stay."""
    _require(actor)
    preset = ImportPreset.objects.select_for_update().get(pk=preset.pk)
    mapping = _stored(preset)
    before = dict(mapping.employment)
    mapping.employment = before | employment
    if mapping.employment != before:
        preset.mapping = mapping.as_json()
        preset.updated_by = actor
        preset.save(update_fields=["mapping", "updated_by", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=preset,
            changes={"employment": [before, mapping.employment]},
        )
    return preset


@transaction.atomic
def rename_preset(*, actor: User, preset: ImportPreset, name: str) -> ImportPreset:
    _require(actor)
    preset = ImportPreset.objects.select_for_update().get(pk=preset.pk)
    before = preset.name
    if before == name:
        return preset
    preset.name = name
    preset.updated_by = actor
    preset.full_clean()
    preset.save(update_fields=["name", "updated_by", "updated_at"])
    record(AuditAction.UPDATE, actor=actor, obj=preset, changes={"name": [before, name]})
    return preset


@transaction.atomic
def delete_preset(*, actor: User, preset: ImportPreset) -> None:
    """Delete a preset; imports that used it keep their own copy of the mapping."""
    _require(actor)
    preset = ImportPreset.objects.select_for_update().get(pk=preset.pk)
    record(
        AuditAction.DELETE,
        actor=actor,
        obj=preset,
        changes={"name": [preset.name, None], **describe(_stored(preset), preset.headers)},
    )
    preset.delete()


def _stored(preset: ImportPreset) -> ColumnMapping:
    return ColumnMapping.from_json(preset.mapping)


def name_taken(name: str, *, other_than: ImportPreset | None = None) -> bool:
    qs = ImportPreset.objects.filter(name=name)
    if other_than is not None:
        qs = qs.exclude(pk=other_than.pk)
    return qs.exists()

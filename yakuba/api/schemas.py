"""Request and response shapes of the HTTP API (they are also the OpenAPI schema)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from yakuba.org.models import ImportBatch, ImportStatus, Staff, Unit

# Page size cap: large enough for a nightly HR sync in a few calls, small enough that one
# request cannot pull a whole city's personal data into memory at once.
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
# Offsets beyond any real office; also keeps the value far below the 64-bit SQL limit.
MAX_OFFSET = 1_000_000
# Control characters are never part of a search or a code. NUL in particular is rejected
# by PostgreSQL at query time, which would surface as a 500 instead of a 422.
NO_CONTROL_CHARS = r"^[^\x00-\x1f\x7f]*$"


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, for a human.")


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]] = Field(description="One entry per invalid input.")


# -- query parameters ---------------------------------------------------------------------


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class UnitQuery(PageQuery):
    q: str = Field(
        "",
        max_length=100,
        pattern=NO_CONTROL_CHARS,
        description="Search code, name or reading (kanji, hiragana or katakana).",
    )


class StaffQuery(PageQuery):
    q: str = Field(
        "",
        max_length=100,
        pattern=NO_CONTROL_CHARS,
        description="Search staff number, name or reading; or an exact e-mail address.",
    )
    unit: str = Field(
        "",
        max_length=20,
        pattern=NO_CONTROL_CHARS,
        description="Unit code: only staff of this unit and the units below it.",
    )
    include_inactive: bool = Field(False, description="Also list staff who have left.")


# -- units --------------------------------------------------------------------------------


class UnitOut(Schema):
    code: str
    name: str
    name_kana: str
    kind: str = Field(description="department (部), division (課) or section (係).")
    parent_code: str | None = Field(description="Code of the unit above; null for a department.")
    active: bool

    @staticmethod
    def resolve_parent_code(obj: Unit) -> str | None:
        # The selectors select_related("parent"), so this costs no query per row.
        return obj.parent.code if obj.parent is not None else None


class UnitPage(Schema):
    count: int = Field(description="Matching units in the caller's scope (all pages).")
    limit: int
    offset: int
    items: list[UnitOut]


# -- staff --------------------------------------------------------------------------------


class StaffOut(Schema):
    staff_number: str
    name: str
    name_kana: str
    employment_type: str = Field(
        description="regular, fiscal_year, conditional, reappointed, fixed_term or temporary."
    )
    position: str
    unit_code: str
    skills: list[str] = Field(description="Skill names, e.g. 住民票, 戸籍.")
    email: str
    active: bool

    @staticmethod
    def resolve_unit_code(obj: Staff) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_skills(obj: Staff) -> list[str]:
        # .all() reads the prefetch cache; sorting keeps output stable for diffing syncs.
        return sorted(skill.name for skill in obj.skills.all())


class StaffPage(Schema):
    count: int = Field(description="Matching staff in the caller's scope (all pages).")
    limit: int
    offset: int
    items: list[StaffOut]


# -- imports ------------------------------------------------------------------------------


class ImportRowError(Schema):
    sheet: str
    row: int
    column: str
    message: str


class ImportSummaryOut(Schema):
    """What checking the file found (nothing is written yet)."""

    units: int = 0
    units_new: int = 0
    units_updated: int = 0
    staff: int = 0
    staff_new: int = 0
    staff_updated: int = 0
    errors: int = Field(0, description="Every problem found.")
    errors_omitted: int = Field(0, description="Problems counted but not listed in `errors`.")
    people: dict[str, int] | None = Field(
        None,
        description=(
            "People by kind of change: joiner, mover, changed, leaver, returning, missing "
            "(only for a complete staff list), superseded, unchanged, accounts_disabled, "
            "accounts_created, accounts_reenabled (returning people's disabled accounts)."
        ),
    )
    effective_date: date | None = Field(None, description="発令日: when moves and leavers apply.")
    complete_list: bool | None = Field(
        None, description="The file is the whole staff list: people missing from it leave."
    )
    future: bool | None = Field(None, description="Some changes wait for the effective date.")
    held_for_confirmation: bool = Field(
        False,
        description="apply=true was not followed: the file disables accounts, a person confirms.",
    )
    changed_since_preview: bool = False
    skipped: int = Field(0, description="Rows left out by the mapping (employment labels).")


class ImportResultOut(Schema):
    """What was written, once status is done."""

    units_created: int = 0
    units_updated: int = 0
    staff_created: int = 0
    staff_updated: int = 0
    unchanged: int = 0
    people: dict[str, int] = Field(
        default_factory=dict,
        description=(
            "moved, left, returned, joined now; scheduled for the effective date; cancelled "
            "pending changes; accounts_disabled; accounts_reenabled (returning people)."
        ),
    )


class ImportOut(Schema):
    id: int
    filename: str
    status: ImportStatus = Field(
        description=(
            "validating → ready (checked, waiting for confirmation) or invalid (see errors); "
            "with apply=true a clean file goes on to applying → done (or failed)."
        )
    )
    created_at: datetime
    applied_at: datetime | None
    summary: ImportSummaryOut | None = Field(
        description="What checking found: rows, personnel changes, problems (null until checked)."
    )
    errors: list[ImportRowError] = Field(
        description=(
            "The first problems found (at most IMPORT_MAX_ERRORS, see summary.errors for "
            "all); nothing is written."
        )
    )
    result: ImportResultOut | None = Field(description="What was written, once status is done.")

    @staticmethod
    def resolve_summary(obj: ImportBatch) -> dict[str, Any] | None:
        return dict(obj.summary) if obj.summary else None

    @staticmethod
    def resolve_result(obj: ImportBatch) -> dict[str, Any] | None:
        return dict(obj.result) if obj.result else None

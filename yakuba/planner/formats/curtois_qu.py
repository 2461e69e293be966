"""Reader for the Curtois & Qu (2014) shift scheduling benchmark format.

See ``shared/bench/curtois-qu/FORMAT.md``. Malformed input raises :class:`FormatError`
naming the line number and the problem, because a silent mis-parse would make every
benchmark figure meaningless.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Activity, Cover, Problem, Request, Staff

SECTIONS = (
    "HORIZON",
    "SHIFTS",
    "STAFF",
    "DAYS_OFF",
    "SHIFT_ON_REQUESTS",
    "SHIFT_OFF_REQUESTS",
    "COVER",
)


class FormatError(ValueError):
    """Malformed instance file; the message starts with ``<file>:<line>:``."""


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.lineno = 0

    def fail(self, msg: str, lineno: int | None = None) -> FormatError:
        return FormatError(f"{self.name}:{self.lineno if lineno is None else lineno}: {msg}")

    def int(self, text: str, what: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise self.fail(f"{what} must be an integer, got {text!r}") from None


def parse(text: str, name: str = "<string>") -> Problem:
    """Parse the contents of an instance file into a :class:`Problem` (day 0 = Monday)."""
    r = _Reader(name)
    section: str | None = None
    horizon: int | None = None
    shifts: list[Activity] = []
    staff_rows: list[tuple[list[str], int]] = []
    days_off: dict[str, set[int]] = {}
    requests: list[tuple[Request, int]] = []
    cover: list[tuple[Cover, int]] = []

    for r.lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            section = line[len("SECTION_") :]
            if section not in SECTIONS:
                raise r.fail(f"unknown section header {line!r}")
            continue
        if section is None:
            raise r.fail(f"data before the first SECTION_ header: {line!r}")
        fields = line.split(",")
        if section == "HORIZON":
            if horizon is not None:
                raise r.fail("more than one horizon line")
            horizon = r.int(line, "horizon")
            if horizon <= 0:
                raise r.fail(f"horizon must be positive, got {horizon}")
        elif section == "SHIFTS":
            if len(fields) != 3:
                raise r.fail(f"shift line needs 3 fields (id,minutes,forbidden), got {len(fields)}")
            if not fields[0]:
                raise r.fail("empty shift id")
            minutes = r.int(fields[1], "shift length")
            forb = frozenset(f for f in fields[2].split("|") if f)
            shifts.append(Activity(id=fields[0], minutes=minutes, forbidden_next=forb))
        elif section == "STAFF":
            if len(fields) != 8:
                raise r.fail(f"staff line needs 8 fields, got {len(fields)}")
            staff_rows.append((fields, r.lineno))
        elif section == "DAYS_OFF":
            days_off.setdefault(fields[0], set()).update(
                r.int(f, "day-off index") for f in fields[1:] if f
            )
        elif section in ("SHIFT_ON_REQUESTS", "SHIFT_OFF_REQUESTS"):
            if len(fields) != 4:
                raise r.fail(
                    f"request line needs 4 fields (employee,day,shift,weight), got {len(fields)}"
                )
            req = Request(
                staff=fields[0],
                day=r.int(fields[1], "request day"),
                activity=fields[2],
                weight=r.int(fields[3], "request weight"),
                on=section == "SHIFT_ON_REQUESTS",
            )
            requests.append((req, r.lineno))
        else:  # COVER
            if len(fields) != 5:
                raise r.fail(
                    f"cover line needs 5 fields (day,shift,requirement,under,over), "
                    f"got {len(fields)}"
                )
            c = Cover(
                day=r.int(fields[0], "cover day"),
                activity=fields[1],
                target=r.int(fields[2], "cover requirement"),
                weight_under=r.int(fields[3], "under-cover weight"),
                weight_over=r.int(fields[4], "over-cover weight"),
            )
            cover.append((c, r.lineno))

    if horizon is None:
        raise r.fail("missing SECTION_HORIZON", 0)
    if not shifts:
        raise r.fail("no shift types in SECTION_SHIFTS", 0)
    shift_ids = {s.id for s in shifts}
    for s in shifts:
        if bad := s.forbidden_next - shift_ids:
            raise r.fail(f"shift {s.id!r} forbids unknown shift(s) {sorted(bad)}", 0)

    staff: list[Staff] = []
    for fields, lineno in staff_rows:
        r.lineno = lineno
        max_per: dict[str, int] = {}
        for part in fields[1].split("|"):
            if not part:
                continue
            key, eq, val = part.partition("=")
            if not eq:
                raise r.fail(f"MaxShifts entry {part!r} is not of the form T=n")
            if key not in shift_ids:
                raise r.fail(f"MaxShifts names unknown shift {key!r}")
            max_per[key] = r.int(val, f"MaxShifts[{key}]")
        staff.append(
            Staff(
                id=fields[0],
                max_per_activity=max_per,
                max_minutes=r.int(fields[2], "MaxTotalMinutes"),
                min_minutes=r.int(fields[3], "MinTotalMinutes"),
                max_consecutive=r.int(fields[4], "MaxConsecutiveShifts"),
                min_consecutive=r.int(fields[5], "MinConsecutiveShifts"),
                min_consecutive_off=r.int(fields[6], "MinConsecutiveDaysOff"),
                max_weekends=r.int(fields[7], "MaxWeekends"),
                days_off=frozenset(days_off.get(fields[0], ())),
            )
        )
    staff_ids = {s.id for s in staff}
    if len(staff_ids) != len(staff):
        raise r.fail("duplicate staff id in SECTION_STAFF", 0)
    if unknown := set(days_off) - staff_ids:
        raise r.fail(f"SECTION_DAYS_OFF names unknown staff {sorted(unknown)}", 0)
    for person in staff:
        if bad_days := [d for d in person.days_off if not 0 <= d < horizon]:
            raise r.fail(f"day off {bad_days[0]} of {person.id!r} outside the horizon", 0)
    for req, lineno in requests:
        r.lineno = lineno
        if req.staff not in staff_ids:
            raise r.fail(f"request for unknown employee {req.staff!r}")
        if req.activity not in shift_ids:
            raise r.fail(f"request for unknown shift {req.activity!r}")
        if not 0 <= req.day < horizon:
            raise r.fail(f"request day {req.day} outside the horizon 0..{horizon - 1}")
    for c, lineno in cover:
        r.lineno = lineno
        if c.activity not in shift_ids:
            raise r.fail(f"cover for unknown shift {c.activity!r}")
        if not 0 <= c.day < horizon:
            raise r.fail(f"cover day {c.day} outside the horizon 0..{horizon - 1}")
    return Problem(
        horizon=horizon,
        activities=shifts,
        staff=staff,
        cover=[c for c, _ in cover],
        requests=[q for q, _ in requests],
        start_weekday=0,
        name=name,
    )


def read(path: str | Path) -> Problem:
    """Read an instance file; the problem is named after the file stem (``Instance1``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="ascii")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{p.stem}:0: file is not ASCII ({exc})") from None
    return parse(text, name=p.stem)


def write_roster_csv(path: str | Path, roster: dict[str, list[str | None]]) -> None:
    """``employee,day,shift`` rows for worked days only (days off omitted)."""
    lines = ["employee,day,shift"]
    for staff_id, row in roster.items():
        lines.extend(f"{staff_id},{d},{a}" for d, a in enumerate(row) if a is not None)
    Path(path).write_text("\n".join(lines) + "\n", encoding="ascii")

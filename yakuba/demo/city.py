"""A fictional city (みどり野市 / Midorino) for demos and manual testing.

Everything here is a pure function of `(staff_count, seed)`: no database, no clock,
no global random state. The same arguments always give the same units, names, staff
numbers and skills, so a demo can be rebuilt and a bug report can say "seed 7, 600
staff". The management command `seed_demo` is the only caller that writes this to
the database; nothing in production start-up imports this module.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from yakuba.demo.accounts import ROLE_ACCOUNTS
from yakuba.org.models import EmploymentType, UnitKind

CITY_NAME = "みどり野市"
CITY_NAME_KANA = "ミドリノシ"
# RFC 2606 reserves .example: demo addresses can never reach a real mailbox.
EMAIL_DOMAIN = "city.midorino.example"

DEFAULT_SEED = 2026
DEFAULT_STAFF = 600
MIN_STAFF = 10
MAX_STAFF = 20_000
# Fixed instead of date.today(): the same seed must give the same staff numbers next year.
REFERENCE_YEAR = 2026

# --- organisation -----------------------------------------------------------------

# (kind, name, reading, weight). Parents are implied by order: a 課 belongs to the last
# 部 above it, a 係 to the last 課. `weight` is the relative share of rank-and-file
# staff; counter units are heavier because counters are what needs people on site.
_D, _V, _S = UnitKind.DEPARTMENT, UnitKind.DIVISION, UnitKind.SECTION
ORGANISATION: tuple[tuple[str, str, str, int], ...] = (
    (_D, "総務部", "ソウムブ", 0),
    (_V, "総務課", "ソウムカ", 5),
    (_V, "人事課", "ジンジカ", 4),
    (_V, "情報政策課", "ジョウホウセイサクカ", 4),
    (_V, "税務課", "ゼイムカ", 1),
    (_S, "市民税係", "シミンゼイガカリ", 5),
    (_S, "納税係", "ノウゼイガカリ", 4),
    (_D, "企画部", "キカクブ", 0),
    (_V, "企画政策課", "キカクセイサクカ", 4),
    (_V, "財政課", "ザイセイカ", 4),
    (_D, "市民部", "シミンブ", 0),
    (_V, "市民課", "シミンカ", 1),
    (_S, "住民記録係", "ジュウミンキロクガカリ", 9),
    (_S, "戸籍係", "コセキガカリ", 5),
    (_V, "保険年金課", "ホケンネンキンカ", 1),
    (_S, "国保係", "コクホガカリ", 5),
    (_S, "年金係", "ネンキンガカリ", 3),
    (_V, "市民協働課", "シミンキョウドウカ", 3),
    (_D, "福祉部", "フクシブ", 0),
    (_V, "社会福祉課", "シャカイフクシカ", 7),
    (_V, "障がい福祉課", "ショウガイフクシカ", 5),
    (_V, "長寿介護課", "チョウジュカイゴカ", 2),
    (_S, "介護保険係", "カイゴホケンガカリ", 5),
    (_D, "健康こども部", "ケンコウコドモブ", 0),
    (_V, "健康推進課", "ケンコウスイシンカ", 6),
    (_V, "こども家庭課", "コドモカテイカ", 2),
    (_S, "子育て支援係", "コソダテシエンガカリ", 6),
    (_V, "保育課", "ホイクカ", 6),
    (_D, "環境経済部", "カンキョウケイザイブ", 0),
    (_V, "環境課", "カンキョウカ", 5),
    (_V, "産業振興課", "サンギョウシンコウカ", 4),
    (_D, "建設部", "ケンセツブ", 0),
    (_V, "都市計画課", "トシケイカクカ", 4),
    (_V, "道路河川課", "ドウロカセンカ", 6),
    (_V, "建築住宅課", "ケンチクジュウタクカ", 4),
    (_D, "上下水道部", "ジョウゲスイドウブ", 0),
    (_V, "上下水道総務課", "ジョウゲスイドウソウムカ", 4),
    (_V, "上下水道工務課", "ジョウゲスイドウコウムカ", 6),
    (_D, "教育部", "キョウイクブ", 0),
    (_V, "教育総務課", "キョウイクソウムカ", 4),
    (_V, "学校教育課", "ガッコウキョウイクカ", 5),
    (_V, "生涯学習課", "ショウガイガクシュウカ", 5),
    (_D, "議会事務局", "ギカイジムキョク", 0),
    (_V, "議事課", "ギジカ", 3),
    # Auditors need a home unit for their Staff record; real cities have this office.
    (_D, "監査委員事務局", "カンサイインジムキョク", 2),
)

# Departments whose head is a 事務局長 rather than a 部長.
_SECRETARIATS = frozenset({"議会事務局", "監査委員事務局"})
# Engineering departments: rank-and-file regulars are often 技師 / 主任技師.
_ENGINEERING_DEPARTMENTS = frozenset({"建設部", "上下水道部"})
# Units where some regulars hold a professional title instead of 主事/主任.
_PROFESSIONAL_TITLES: dict[str, str] = {"健康推進課": "保健師", "保育課": "保育士"}

# --- skills and counters ------------------------------------------------------------

SKILLS: tuple[tuple[str, str], ...] = (
    ("juminhyo", "住民票"),
    ("koseki", "戸籍"),
    ("mynumber", "マイナンバーカード"),
    ("zei", "税証明"),
    ("kokuho", "国保"),
    ("nenkin", "年金"),
    ("fukushi", "福祉"),
    ("kosodate", "子育て"),
    ("kaigo", "介護"),
    ("kankyo", "ごみ・環境"),
)

# Where each skill is "at home": staff of these units (and their 係) usually have it.
SKILL_HOMES: dict[str, tuple[str, ...]] = {
    "住民記録係": ("juminhyo", "mynumber"),
    "戸籍係": ("koseki",),
    "市民課": ("juminhyo", "koseki"),
    "市民税係": ("zei",),
    "納税係": ("zei",),
    "税務課": ("zei",),
    "国保係": ("kokuho", "nenkin"),
    "年金係": ("nenkin", "kokuho"),
    "保険年金課": ("kokuho", "nenkin"),
    "社会福祉課": ("fukushi",),
    "障がい福祉課": ("fukushi",),
    "長寿介護課": ("kaigo",),
    "介護保険係": ("kaigo",),
    "こども家庭課": ("kosodate",),
    "子育て支援係": ("kosodate",),
    "保育課": ("kosodate",),
    "環境課": ("kankyo",),
}


@dataclass(frozen=True)
class CounterSpec:
    code: str
    name: str
    unit_name: str
    skill_codes: tuple[str, ...]
    opens_saturday: bool = False


# Exactly one counter opens on Saturdays (土曜開庁), as many cities do for 住民票.
COUNTERS: tuple[CounterSpec, ...] = (
    CounterSpec("C01", "住民票・証明窓口", "市民課", ("juminhyo",), opens_saturday=True),
    CounterSpec("C02", "戸籍窓口", "市民課", ("koseki",)),
    CounterSpec("C03", "税証明窓口", "税務課", ("zei",)),
    CounterSpec("C04", "国保・年金窓口", "保険年金課", ("kokuho", "nenkin")),
    CounterSpec("C05", "福祉総合相談窓口", "社会福祉課", ("fukushi",)),
    CounterSpec("C06", "子育て支援窓口", "こども家庭課", ("kosodate",)),
    CounterSpec("C07", "介護保険窓口", "長寿介護課", ("kaigo",)),
    CounterSpec("C08", "ごみ・環境窓口", "環境課", ("kankyo",)),
)

# --- people ---------------------------------------------------------------------------

# Common surnames and given names with their readings, so name_kana is always right.
SURNAMES: tuple[tuple[str, str], ...] = (
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
    ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"),
    ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"),
    ("阿部", "アベ"), ("石川", "イシカワ"), ("山下", "ヤマシタ"), ("中島", "ナカジマ"),
    ("石井", "イシイ"), ("小川", "オガワ"), ("前田", "マエダ"), ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"), ("藤田", "フジタ"), ("後藤", "ゴトウ"), ("近藤", "コンドウ"),
    ("村上", "ムラカミ"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("坂本", "サカモト"),
    ("福田", "フクダ"), ("太田", "オオタ"), ("西村", "ニシムラ"), ("藤井", "フジイ"),
    ("金子", "カネコ"), ("岡本", "オカモト"), ("藤原", "フジワラ"), ("中野", "ナカノ"),
    ("三浦", "ミウラ"), ("原田", "ハラダ"), ("中川", "ナカガワ"), ("松田", "マツダ"),
    ("竹内", "タケウチ"), ("小野", "オノ"), ("田村", "タムラ"), ("中山", "ナカヤマ"),
    ("和田", "ワダ"), ("石田", "イシダ"), ("上田", "ウエダ"), ("森田", "モリタ"),
)  # fmt: skip

GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    # male
    ("健太", "ケンタ"), ("翔太", "ショウタ"), ("大輔", "ダイスケ"), ("拓也", "タクヤ"),
    ("直樹", "ナオキ"), ("誠", "マコト"), ("浩", "ヒロシ"), ("隆", "タカシ"),
    ("健一", "ケンイチ"), ("和也", "カズヤ"), ("大樹", "ダイキ"), ("翔", "ショウ"),
    ("悠斗", "ユウト"), ("陽介", "ヨウスケ"), ("達也", "タツヤ"), ("亮", "リョウ"),
    ("雄一", "ユウイチ"), ("修", "オサム"), ("博之", "ヒロユキ"), ("剛", "ツヨシ"),
    ("聡", "サトシ"), ("康介", "コウスケ"), ("裕太", "ユウタ"), ("蓮", "レン"),
    ("湊", "ミナト"), ("悠真", "ユウマ"), ("智也", "トモヤ"), ("正樹", "マサキ"),
    ("秀樹", "ヒデキ"), ("一郎", "イチロウ"),
    # female
    ("陽子", "ヨウコ"), ("恵子", "ケイコ"), ("裕子", "ユウコ"), ("美穂", "ミホ"),
    ("由美", "ユミ"), ("直美", "ナオミ"), ("真由美", "マユミ"), ("久美子", "クミコ"),
    ("明美", "アケミ"), ("智子", "トモコ"), ("愛", "アイ"), ("彩", "アヤ"),
    ("麻衣", "マイ"), ("美咲", "ミサキ"), ("沙織", "サオリ"), ("香織", "カオリ"),
    ("恵", "メグミ"), ("千尋", "チヒロ"), ("優子", "ユウコ"), ("陽菜", "ヒナ"),
    ("結衣", "ユイ"), ("葵", "アオイ"), ("さくら", "サクラ"), ("七海", "ナナミ"),
    ("理恵", "リエ"), ("綾香", "アヤカ"), ("奈々", "ナナ"), ("絵美", "エミ"),
    ("亜希子", "アキコ"), ("千夏", "チナツ"),
)  # fmt: skip

FISCAL_YEAR_POSITION = "会計年度任用職員"

# Hire-year ranges by position: the staff number starts with the hire year, so senior
# posts get older numbers, as in a real personnel file.
_HIRE_YEARS: dict[str, tuple[int, int]] = {
    "部長": (1987, 1994),
    "事務局長": (1987, 1994),
    "課長": (1990, 2001),
    "課長補佐": (1993, 2004),
    "係長": (1996, 2010),
    "主査": (2000, 2013),
    "主任": (2008, 2019),
    "主任技師": (2008, 2019),
    "主事": (2015, REFERENCE_YEAR - 1),
    "技師": (2015, REFERENCE_YEAR - 1),
    "保健師": (2005, REFERENCE_YEAR - 1),
    "保育士": (2005, REFERENCE_YEAR - 1),
}
_REAPPOINTED_HIRE_YEARS = (1983, 1990)  # 60+ now, rehired after retirement
_FISCAL_YEAR_HIRE_YEARS = (2020, REFERENCE_YEAR)  # the system started in FY2020

# Shares among rank-and-file staff (leaders are all regulars). Across the whole office
# this lands near 20% fiscal-year appointees with a few conditional and reappointed.
_P_FISCAL_YEAR = 0.22
_P_CONDITIONAL = 0.03
_P_REAPPOINTED = 0.04
_P_INACTIVE = 0.02
# Skill probabilities: home unit / sibling unit under the same 課 / anywhere (rotation).
_P_HOME_SKILL = 0.8
_P_LEADER_HOME_SKILL = 0.5
_P_SIBLING_SKILL = 0.25
_P_STRAY_SKILL = 0.03


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    name_kana: str
    kind: str
    parent_code: str | None
    sort_order: int
    weight: int


@dataclass(frozen=True)
class StaffSpec:
    staff_number: str
    name: str
    name_kana: str
    employment_type: str
    position: str
    unit_code: str
    skill_codes: tuple[str, ...]
    email: str
    active: bool


@dataclass(frozen=True)
class AccountSpec:
    username: str
    role: str
    staff_number: str | None


@dataclass(frozen=True)
class CityPlan:
    seed: int
    units: tuple[UnitSpec, ...]
    skills: tuple[tuple[str, str], ...]
    counters: tuple[CounterSpec, ...]
    staff: tuple[StaffSpec, ...]
    accounts: tuple[AccountSpec, ...]

    def unit_by_code(self) -> dict[str, UnitSpec]:
        return {u.code: u for u in self.units}


def build_units() -> tuple[UnitSpec, ...]:
    """The fixed unit tree with hierarchical codes: 部 "03", 課 "0301", 係 "030101"."""
    units: list[UnitSpec] = []
    last: dict[str, UnitSpec] = {}
    children: dict[str | None, int] = defaultdict(int)
    parent_kind: dict[str, str] = {_V: _D, _S: _V}
    for order, (kind, name, kana, weight) in enumerate(ORGANISATION, start=1):
        parent = last[parent_kind[kind]] if kind in parent_kind else None
        parent_code = parent.code if parent else None
        children[parent_code] += 1
        code = f"{parent_code or ''}{children[parent_code]:02d}"
        unit = UnitSpec(code, name, kana, kind, parent_code, order * 10, weight)
        units.append(unit)
        last[kind] = unit
        if kind == _D:
            last.pop(_V, None)
    return tuple(units)


@dataclass
class _Draft:
    """A staff member before numbering (numbers depend on everyone's hire year)."""

    name: str
    name_kana: str
    employment_type: str
    position: str
    unit: UnitSpec
    hire_year: int
    skill_codes: tuple[str, ...]
    active: bool = True
    account: str | None = None


def _random_name(rng: random.Random) -> tuple[str, str]:
    surname, surname_kana = rng.choice(SURNAMES)
    given, given_kana = rng.choice(GIVEN_NAMES)
    return f"{surname} {given}", f"{surname_kana} {given_kana}"


def _skills_for(
    rng: random.Random, unit: UnitSpec, units: dict[str, UnitSpec], *, leader: bool
) -> tuple[str, ...]:
    """Counter skills concentrate where the counters are; a few staff elsewhere keep
    a skill from a previous posting, which is what makes cross-unit cover possible."""
    held: set[str] = set()
    p_home = _P_LEADER_HOME_SKILL if leader else _P_HOME_SKILL
    for code in SKILL_HOMES.get(unit.name, ()):
        if rng.random() < p_home:
            held.add(code)
    parent = units.get(unit.parent_code) if unit.parent_code else None
    if parent is not None and parent.kind == _V:
        for sibling in units.values():
            if sibling.parent_code == parent.code and sibling.code != unit.code:
                for code in SKILL_HOMES.get(sibling.name, ()):
                    if code not in held and rng.random() < _P_SIBLING_SKILL:
                        held.add(code)
    if rng.random() < _P_STRAY_SKILL:
        held.add(rng.choice(SKILLS)[0])
    order = [code for code, _ in SKILLS]
    return tuple(sorted(held, key=order.index))


def _department_of(unit: UnitSpec, units: dict[str, UnitSpec]) -> UnitSpec:
    while unit.parent_code is not None:
        unit = units[unit.parent_code]
    return unit


def _leader_title(unit: UnitSpec) -> str:
    if unit.kind == _D:
        return "事務局長" if unit.name in _SECRETARIATS else "部長"
    return "課長" if unit.kind == _V else "係長"


def _rank_and_file_position(
    rng: random.Random, unit: UnitSpec, units: dict[str, UnitSpec]
) -> tuple[str, str]:
    """(employment_type, position) for someone who is not a unit head."""
    roll = rng.random()
    if roll < _P_FISCAL_YEAR:
        return EmploymentType.FISCAL_YEAR, FISCAL_YEAR_POSITION
    if roll < _P_FISCAL_YEAR + _P_CONDITIONAL:
        # New hires on probation (条件付採用) are always at the entry grade.
        return EmploymentType.CONDITIONAL, _entry_title(unit, units)
    if roll < _P_FISCAL_YEAR + _P_CONDITIONAL + _P_REAPPOINTED:
        return EmploymentType.REAPPOINTED, rng.choice(("主査", "主任"))
    title = rng.choices(("課長補佐", "主査", "主任", "主事"), weights=(4, 22, 30, 44))[0]
    if title == "課長補佐" and unit.kind != _V:
        title = "主査"  # a 課長補佐 sits in the 課, not in one of its 係
    professional = _PROFESSIONAL_TITLES.get(unit.name)
    if professional and title in ("主任", "主事") and rng.random() < 0.5:
        title = professional
    elif _department_of(unit, units).name in _ENGINEERING_DEPARTMENTS and rng.random() < 0.6:
        title = {"主事": "技師", "主任": "主任技師"}.get(title, title)
    return EmploymentType.REGULAR, title


def _entry_title(unit: UnitSpec, units: dict[str, UnitSpec]) -> str:
    engineering = _department_of(unit, units).name in _ENGINEERING_DEPARTMENTS
    return "技師" if engineering else "主事"


def _hire_year(rng: random.Random, employment_type: str, position: str) -> int:
    if employment_type == EmploymentType.CONDITIONAL:
        return REFERENCE_YEAR
    if employment_type == EmploymentType.REAPPOINTED:
        return rng.randint(*_REAPPOINTED_HIRE_YEARS)
    if employment_type == EmploymentType.FISCAL_YEAR:
        return rng.randint(*_FISCAL_YEAR_HIRE_YEARS)
    return rng.randint(*_HIRE_YEARS[position])


def _leader_units(units: Sequence[UnitSpec]) -> list[UnitSpec]:
    """Units needing a head, most important first: in a small city the counters' 課
    get a 課長 before the 部 get a 部長."""
    counter_units = {c.unit_name for c in COUNTERS}
    kind_rank: dict[str, int] = {_D: 1, _V: 2, _S: 3}

    def priority(unit: UnitSpec) -> tuple[int, int]:
        if unit.name in counter_units:
            return (0, unit.sort_order)
        return (kind_rank[unit.kind], unit.sort_order)

    return sorted(units, key=priority)


def build_city(staff_count: int = DEFAULT_STAFF, seed: int = DEFAULT_SEED) -> CityPlan:
    """The whole demo city as plain data. Deterministic in (staff_count, seed)."""
    if not MIN_STAFF <= staff_count <= MAX_STAFF:
        raise ValueError(f"staff_count must be between {MIN_STAFF} and {MAX_STAFF}")
    rng = random.Random(seed)
    units = build_units()
    by_code = {u.code: u for u in units}
    by_name = {u.name: u for u in units}
    drafts: list[_Draft] = []

    def add(unit: UnitSpec, employment_type: str, position: str, *, leader: bool) -> _Draft:
        name, kana = _random_name(rng)
        draft = _Draft(
            name=name,
            name_kana=kana,
            employment_type=employment_type,
            position=position,
            unit=unit,
            hire_year=_hire_year(rng, employment_type, position),
            skill_codes=_skills_for(rng, unit, by_code, leader=leader),
        )
        drafts.append(draft)
        return draft

    # 1. The people behind the demo accounts.
    headed: set[str] = set()
    for username, _role, unit_name, position in ROLE_ACCOUNTS:
        unit = by_name[unit_name]
        leader = position == _leader_title(unit)
        draft = add(unit, EmploymentType.REGULAR, position, leader=leader)
        draft.account = username
        if leader:
            headed.add(unit.code)
    # The demo staff member must be able to work the Saturday counter.
    demo_staff = drafts[0]
    demo_staff.skill_codes = tuple(dict.fromkeys((*demo_staff.skill_codes, "juminhyo")))

    # 2. Unit heads. A quarter of the head count at most, so a small city is not
    #    all managers; at 600 staff every unit has its head.
    budget = max(0, (staff_count - len(drafts)) // 4)
    for unit in _leader_units(units):
        if budget == 0:
            break
        if unit.code in headed:
            continue
        add(unit, EmploymentType.REGULAR, _leader_title(unit), leader=True)
        headed.add(unit.code)
        budget -= 1

    # 3. Everyone else, spread by unit weight.
    weighted = [u for u in units if u.weight > 0]
    remaining = staff_count - len(drafts)
    placements = rng.choices(weighted, weights=[u.weight for u in weighted], k=remaining)
    for unit in placements:
        employment_type, position = _rank_and_file_position(rng, unit, by_code)
        draft = add(unit, employment_type, position, leader=False)
        # A few are on leave or have left but are still on file (休職・退職予定).
        draft.active = rng.random() >= _P_INACTIVE

    staff, numbers = _number_staff(rng, drafts)
    accounts = tuple(
        AccountSpec(username, str(role), numbers.get(username))
        for username, role, *_ in ROLE_ACCOUNTS
    )
    return CityPlan(
        seed=seed,
        units=units,
        skills=SKILLS,
        counters=COUNTERS,
        staff=staff,
        accounts=accounts,
    )


def _number_staff(
    rng: random.Random, drafts: list[_Draft]
) -> tuple[tuple[StaffSpec, ...], dict[str, str]]:
    """Staff numbers are YY + a 4-digit sequence within the hire year (e.g. 150023).

    The order inside a year is shuffled so numbers do not reveal generation order.
    Returns the staff sorted by number, and the numbers of the demo accounts' staff.
    """
    order = list(range(len(drafts)))
    rng.shuffle(order)
    per_year: dict[int, int] = defaultdict(int)
    staff: list[StaffSpec] = []
    accounts: dict[str, str] = {}
    for index in order:
        draft = drafts[index]
        yy = draft.hire_year % 100
        per_year[yy] += 1
        number = f"{yy:02d}{per_year[yy]:04d}"
        staff.append(
            StaffSpec(
                staff_number=number,
                name=draft.name,
                name_kana=draft.name_kana,
                employment_type=str(draft.employment_type),
                position=draft.position,
                unit_code=draft.unit.code,
                skill_codes=draft.skill_codes,
                email=f"s{number}@{EMAIL_DOMAIN}",
                active=draft.active,
            )
        )
        if draft.account:
            accounts[draft.account] = number
    staff.sort(key=lambda s: s.staff_number)
    return tuple(staff), accounts

"""Demo register: the problems of working from home the source page names (VPN capacity,
business systems out of reach from home, seals and paper, sharing information, web-meeting
equipment, training, childcare and care, security), their countermeasures in every status
and owned by units of the demo city, and the planning unit's review of the last quarter.

Sources point at existing demo data where it exists — the morning-report blockers about
remote access, the self-inspection finding about home routers, the incident of a loaned
terminal's charger lost at home — and are free entries otherwise. Dates are relative to
today: the problems were found last fiscal year; due dates fall before and after today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from yakuba.demo import accounts
from yakuba.org.models import Unit
from yakuba.problems import services
from yakuba.problems.models import (
    Countermeasure,
    EvidenceLink,
    Problem,
    SourceKind,
    Status,
)
from yakuba.problems.periods import fiscal_year_of, last_quarter


@dataclass(frozen=True)
class Measure:
    text: str
    unit: str
    due_days: int | None  # from today; None: no due date yet
    status: str
    closed_days_ago: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class Case:
    title: str
    description: str
    unit: str
    measures: tuple[Measure, ...]
    source: str = SourceKind.FREE
    evidence: tuple[tuple[str, str, str], ...] = ()  # (label, internal url, reference)
    note: str = ""  # the planning unit's note at the review of the last quarter
    extra: dict[str, Any] = field(default_factory=dict)


_S = Status
CASES: tuple[Case, ...] = (
    Case(
        "VPN回線の容量不足（在宅勤務の日に接続が集中する）",
        "VPN端末は5台分しかなく、在宅勤務の日の朝に接続が集中してつながりにくい。"
        "接続できない職員は午前中の作業が進まない。",
        "情報政策課",
        (
            Measure("リモート接続枠の予約制を導入し、使う日を事前に割り振る", "情報政策課",
                    -75, _S.DONE, closed_days_ago=80),
            Measure("VPN接続枠の増設（5台分から15台分へ）を予算要求する", "情報政策課",
                    60, _S.IN_PROGRESS),
        ),
        source=SourceKind.BLOCKER_CATEGORY,
        extra={"key": "remote_access", "label": "自宅からの接続（VPN・業務システム）",
               "blocker": "貸出端末のVPNがつながりにくい"},
        evidence=(("朝の業務報告の困りごと（VPN）", "/reports/blockers/?resolved=1", ""),
                  ("リモート接続枠の予約状況", "/remote-seats/seats/", "")),
        note="予算要求は財政課と協議中。予約制の導入後、接続できない日の報告は減っている。",
    ),
    Case(
        "財務会計・文書管理システムに自宅から接続できない",
        "LGWAN系の業務システムは庁外から使えず、在宅勤務の日は貸与端末での資料作成など"
        "スタンドアロンの作業に限られる。支払・起案の事務が出勤日に偏る。",
        "情報政策課",
        (
            Measure("LGWAN経由の自治体テレワークシステム（画面転送方式）の利用を全課に広げる",
                    "情報政策課", -20, _S.IN_PROGRESS),
            Measure("在宅勤務の日に行える業務の一覧を各課で作る", "総務課",
                    -120, _S.DONE, closed_days_ago=130),
        ),
        source=SourceKind.BLOCKER_CATEGORY,
        extra={"key": "remote_access", "label": "自宅からの接続（VPN・業務システム）",
               "blocker": "在宅だと基幹系システムに入れない"},
        evidence=(("朝の業務報告の困りごと（業務システム）", "/reports/blockers/?resolved=1", ""),),
        note="実証実験の利用者を20人に拡大。期限を過ぎているため、次の期に全課展開の計画を示す。",
    ),
    Case(
        "押印・紙の決裁が在宅勤務の妨げになっている",
        "起案・回議が紙と押印のため、決裁のために出勤する必要がある。",
        "総務課",
        (
            Measure("押印を求める様式を洗い出し、押印を廃止できるものを決める", "総務課",
                    120, _S.IN_PROGRESS),
            Measure("文書管理システムの電子決裁の対象文書を広げる", "総務課", 300, _S.CONSIDERING),
        ),
        evidence=(("職員アンケートの自由記述", "", "在宅勤務に関する職員アンケート（昨年度）問8"),),
        note="押印廃止の対象は約600様式のうち420様式で確定。",
    ),
    Case(
        "職員間の情報共有が難しい（在宅の職員に情報が届かない）",
        "在宅勤務の職員に課内の連絡や決定事項が届くのが遅れ、出勤した職員に負担が偏る。",
        "企画政策課",
        (
            Measure("毎朝15分の業務報告（朝の業務報告）を全課で行う", "企画政策課",
                    -200, _S.DONE, closed_days_ago=210),
            Measure("課ごとのグループチャットを導入し、連絡の経路を一本にする", "情報政策課",
                    30, _S.IN_PROGRESS),
        ),
        evidence=(("朝の業務報告のボード", "/reports/board/", ""),),
        note="グループチャットは12課で運用を開始。",
    ),
    Case(
        "Web会議の機器（カメラ・ヘッドセット）が足りない",
        "課にWeb会議用の機器がなく、個人のスマートフォンで参加している職員がいる。",
        "情報政策課",
        (
            Measure("Web会議用のカメラとヘッドセットを各課に1組配備する", "情報政策課",
                    -10, _S.CONSIDERING),
            Measure("有償のWeb会議ライセンスを市民との会議用に確保する", "情報政策課",
                    -40, _S.DONE, closed_days_ago=50),
        ),
        evidence=(("Web会議ライセンスの利用状況", "/licences/", ""),),
        note="機器の配備は見積りの取得が遅れている。",
    ),
    Case(
        "Web会議で通信が途切れる参加者がいる（家庭のルーター）",
        "在宅の参加者の接続が途切れ、つながらなかった人にあとで内容を伝え直している。"
        "家庭のルーターの設定や更新が原因のことが多い。",
        "情報政策課",
        (
            Measure("在宅勤務の前に「接続の確認」を行うよう全職員に周知する", "情報政策課",
                    -60, _S.DONE, closed_days_ago=40),
            Measure("欠席・中断した人に、その間の議題と決定事項を会議ごとに届ける", "企画政策課",
                    -30, _S.DONE, closed_days_ago=35),
        ),
        source=SourceKind.FINDING,
        extra={"finding_text": "ルーター"},
        evidence=(("接続の確認", "/netcheck/", ""),),
        note="自己点検で「ルーターの初期パスワード」の指摘があった課に個別に周知済み。",
    ),
    Case(
        "テレワークと情報セキュリティの研修が必要",
        "機器の使い方やリモートワークでの注意点を知らない職員がいる。"
        "ICTが得意な職員の知識が課を越えて共有されていない。",
        "人事課",
        (
            Measure("ICTが得意な職員を講師に、年齢・役職・所属を越えた研修会を開く", "人事課",
                    90, _S.IN_PROGRESS),
            Measure("一度きりでない継続的な啓発（毎週の確認問題）を行う", "情報政策課",
                    180, _S.CONSIDERING),
        ),
        evidence=(("研修・キャンペーン", "/security/campaigns/", ""),),
        note="第1回の研修会を実施（参加42人）。",
    ),
    Case(
        "子育て・介護と在宅勤務の両立",
        "在宅勤務中に子どもの送迎や介護で中断する場合の勤務時間の扱いが決まっていない。",
        "人事課",
        (
            Measure("中抜け・時差出勤の扱いをテレワーク実施要領に定める", "人事課",
                    -30, _S.IN_PROGRESS),
        ),
        evidence=(("職員アンケートの自由記述", "", "在宅勤務の職員アンケート（昨年度）問11"),),
        note="要領の改正案を作成。職員団体との協議が残っている。",
    ),
    Case(
        "貸出端末の自宅での管理（セキュリティ上の懸念）",
        "在宅勤務で持ち帰った貸出端末や付属品の所在が分からなくなる事案があった。",
        "情報政策課",
        (
            Measure("貸出端末と付属品の持ち出し・返却の記録を徹底する", "情報政策課",
                    -45, _S.DONE, closed_days_ago=15),
        ),
        source=SourceKind.INCIDENT,
        extra={"incident_text": "貸出端末"},
        evidence=(("貸出端末の台帳", "/remote-seats/terminals/", ""),),
        note="貸出台帳に付属品の欄を追加した。",
    ),
    Case(
        "窓口業務は在宅勤務にできない（窓口を閉められない）",
        "住民サービスを続けるため窓口を閉められず、窓口のある課は在宅勤務を最低限にした。",
        "市民課",
        (
            Measure("窓口のある課は班分け（分散勤務）と土日の交代勤務で対応する", "市民課",
                    -150, _S.DONE, closed_days_ago=160),
            Measure("窓口の手続をオンライン申請に切り替え、窓口の職員も在宅勤務できるようにする",
                    "市民課", None, _S.DECLINED, closed_days_ago=20,
                    reason="オンライン申請の導入は全庁のDX計画で検討しており、"
                    "この課題の対応策としては見送る。"),
        ),
        note="分散勤務は緊急時の手順として業務継続計画に反映済み。",
    ),
)  # fmt: skip


def _source(case: Case) -> dict[str, Any]:
    """The source reference of a case, from existing demo data (else a free entry)."""
    values: dict[str, Any] = {"source_kind": SourceKind.FREE, "source_id": None,
                              "source_key": "", "source_label": ""}  # fmt: skip
    if case.source == SourceKind.BLOCKER_CATEGORY:
        from yakuba.dailyreports.models import Blocker

        blocker = Blocker.objects.filter(text=case.extra["blocker"]).order_by("pk").first()
        values.update(
            source_kind=SourceKind.BLOCKER_CATEGORY,
            source_id=blocker.pk if blocker else None,
            source_key=case.extra["key"],
            source_label=case.extra["label"],
        )
    elif case.source == SourceKind.FINDING:
        from yakuba.inspections.models import Finding

        finding = (
            Finding.objects.filter(item__text__contains=case.extra["finding_text"])
            .select_related("item", "round")
            .order_by("pk")
            .first()
        )
        if finding is not None:
            values.update(
                source_kind=SourceKind.FINDING,
                source_id=finding.pk,
                source_label=f"{finding.round.title}：{finding.item.code} {finding.item.text}"[
                    :200
                ],
            )
    elif case.source == SourceKind.INCIDENT:
        from yakuba.incidents.models import Incident

        incident = (
            Incident.objects.filter(description__contains=case.extra["incident_text"])
            .order_by("pk")
            .first()
        )
        if incident is not None:
            values.update(
                source_kind=SourceKind.INCIDENT,
                source_id=incident.pk,
                source_label=f"{incident.get_category_display()}"
                f"（{timezone.localtime(incident.reported_at):%Y-%m} 報告）",
            )
    return values


def seed_problems_demo(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    units = {u.name: u for u in Unit.objects.filter(active=True)}
    planning = get_user_model().objects.filter(username=accounts.PLANNING).first()
    found_in = fiscal_year_of(today) - 1
    now = timezone.now()
    made = {"problems": 0, "countermeasures": 0, "reviews": 0}
    notes: dict[str, str] = {}
    with transaction.atomic():
        for case in CASES:
            if case.unit not in units or any(m.unit not in units for m in case.measures):
                continue
            problem = Problem(
                title=case.title,
                description=case.description,
                unit=units[case.unit],
                fiscal_year=found_in,
                created_by=planning,
                **_source(case),
            )
            problem.full_clean()
            problem.save()
            for order, (label, url, reference) in enumerate(case.evidence):
                link = EvidenceLink(
                    problem=problem, label=label, url=url, reference=reference, order=order
                )
                link.full_clean()
                link.save()
            if problem.source_kind == SourceKind.FINDING and problem.source_id:
                EvidenceLink.objects.create(
                    problem=problem,
                    label="自己点検の指摘事項",
                    url=reverse("inspections:finding_detail", args=[problem.source_id]),
                    order=len(case.evidence),
                )
            for order, m in enumerate(case.measures):
                closed = (
                    now - dt.timedelta(days=m.closed_days_ago)
                    if m.closed_days_ago is not None
                    else None
                )
                cm = Countermeasure(
                    problem=problem,
                    description=m.text,
                    unit=units[m.unit],
                    due_on=today + dt.timedelta(days=m.due_days)
                    if m.due_days is not None
                    else None,
                    status=m.status,
                    reason=m.reason,
                    closed_at=closed,
                    order=order,
                    created_by=planning,
                )
                cm.full_clean()
                cm.save()
                made["countermeasures"] += 1
                notes[f"c{cm.pk}"] = {
                    Status.DONE: "対応済みを確認した。",
                    Status.DECLINED: "見送りの理由を確認した。",
                }.get(Status(m.status), case.note)
            made["problems"] += 1
        if planning is not None and made["problems"]:
            reviews = services.record_review(
                actor=planning, period=last_quarter(today), notes=notes, on=today
            )
            made["reviews"] = len(reviews)
    return made

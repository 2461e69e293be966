"""Demo data of the policy evaluation cycle: the S27 policy, shaped like the source page
(a city's published replies to its external evaluators, ``shared/seed/``), in the demo city.

* 令和2年度 (historic by nature: the state of emergency of spring 2020): the internal
  evaluation, the eight comments of the source page under its two headings, the
  information division's reply answering all of them (as on the source page), approved by
  the division's head and published with the source page's 更新日 (2021-02-26).
* The current fiscal year, in progress: four new comments, one reply approved, one
  awaiting the head's approval (linked to countermeasures and an evidence report when
  those demo data exist), one draft, so publication is still refused.

The responsible unit is the demo city's 情報政策課 (the source's 情報課); its head gets the
demo account `accounts.POLICY_HEAD`. Everything goes through the services (audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.accounts.roles import Role
from yakuba.demo import accounts
from yakuba.org.models import Staff, Unit
from yakuba.policies import services
from yakuba.policies.models import Comment, CommentHeading, Policy, PolicyYear, YearStatus

UNIT_NAME = "情報政策課"
OVERALL, ISSUES = "全体に対する意見・提案等", "課題に対する意見・提案等"
PUBLISHED_YEAR = 2020
PUBLISHED_ON = dt.date(2021, 2, 26)

# The source page's comments, in its order (shared/seed/000_0de66d395c4b197e.txt).
SOURCE_COMMENTS: tuple[tuple[str, str], ...] = (
    (
        OVERALL,
        "テレワークできりきり舞い真っ最中です。毎朝15分間、グループチャットで業務報告しあって"
        "ますが、スピード感は確かに優れているように思います。 ところでICTには幼い小学校時代から"
        "教育の場に導入できないか、そうすれば義務教育の中で誰もがリモートシステムになじんで"
        "いける・・・・・賛否あろうかと思いますが、市役所主導で論議していただければと思います。",
    ),
    (
        OVERALL,
        "ICTに関する知識の研修会等で機器の運用方法やリモートワークの在り方について周知する"
        "ことがセキュリティ面の安全性を確保した適切な運営につながると考える。ICT関連を得意と"
        "する職員を中心に年齢や役職、所属課の域を超えて職員間で知識や経験の共有を活発化させる"
        "ことが求められると考える。",
    ),
    (
        OVERALL,
        "今般のコロナ対応で在宅勤務やWeb会議の促進は必須であろう。これを機会として抜本的な"
        "業務改革に期待する。情報セキュリティの確保については、システムの構築だけでなく、"
        "システムを利用する職員の意識改革が重要である。そのためには一時的な教育だけでなく"
        "継続的な啓発活動やチェック体制強化が必要と考える。在宅勤務については、緊急宣言下に"
        "おける在宅勤務で分かった課題と対応策を示してほしい。",
    ),
    (
        OVERALL,
        "Web会議を活用することは、出席者の利便性を考慮すると、よい方向性だと思います。"
        "セキュリティに配慮したうえで、運用ルールや環境整備を検討していく必要があると思います。",
    ),
    (
        ISSUES,
        "民間は規制は無く気ままにやってます、私の場合、自宅でテレワーク作業すると孫が見に"
        "来ます、チャットの最中に孫の顔が画面に大写しです。でも私のチャットグループは孫の"
        "大写しはOK. かえってなごむと。でも一番困るのはリモート会議参加者の中に通信状態が"
        "途切れ途切れになる人が出ること、つながらない人にはあとで再度交信し伝えなければ"
        "ならない。 家庭で使っているルーターに原因もたびたび発生します。個々人の通信器具も"
        "要チェックですね。",
    ),
    (
        ISSUES,
        "市民協働を行う点からZOOM等の有償ライセンスを継続する必要性は高いと思う。また一般的な"
        "企業に比べて、自治体はより多くの個人情報を扱うことからセキュリティ対策は必須である"
        "ため、VPN接続によるリモートワーク環境の必要性も高いと考える。",
    ),
    (
        ISSUES,
        "国や県の方針に沿って、県の統一的なネットワークに参加することで、効率的かつ安全な"
        "ICT基盤の構築・運営を進めてほしい。内部評価の課題に挙げられていないが、会議だけで"
        "なく書類の見直しの基準策定が必要と考える。",
    ),
    (
        ISSUES,
        "すでに実施された在宅勤務の対象者の条件や、効果、課題等について、十分点検・評価した"
        "うえで、今後の導入方法を検討する必要があると考えます。",
    ),
)

# The source page's reply (担当課返答), the same under both headings: one reply, eight comments.
SOURCE_REPLY = (
    "昨年4・5月の緊急事態宣言発令時には、職員は土日も含めたシフト勤務や在宅勤務制を導入"
    "しましたが、住民サービスを継続するには窓口を閉めることはできないため、職員の在宅勤務は"
    "最低限に留めました。在宅勤務の職員はそれぞれに貸与されている業務端末を持ち帰り、"
    "スタンドアロン環境での自己研鑽や事務作業に努めました。職場内の業務システムを利用できない"
    "状況での在宅勤務は効率的ではない状況でした。\n"
    "昨年秋に、地方公共団体情報システム機構から、NTT東日本が開発したテレワークシステムを"
    "LGWANを経由して利用し効果を確かめる実証実験の募集があり、本市も応募し採択されて実証実験"
    "に参加しています。また、令和3年度予算に、5台分(予定)ではありますが、VPNによる"
    "テレワーク環境の整備を計上を行いました。これらを活用し、システムの運用方法も含めて知識と"
    "経験を蓄積し、WEB会議等も含めてリモート環境の利用に関して活性化していきます。"
)

# The current year (fictional, written for the demo): the evaluators follow up.
FOLLOW_UP_COMMENTS: tuple[tuple[str, str], ...] = (
    (
        OVERALL,
        "VPNによるテレワーク環境（5台）を整備したとのことだが、実際の利用状況と、台数が"
        "需要に足りていたかを数字で示してほしい。",
    ),
    (
        OVERALL,
        "朝のチャットでの業務報告やWeb会議が定着してきたことは評価できる。通信が途切れた"
        "参加者への再連絡も含めて、全庁での運用ルールを明確にしてほしい。",
    ),
    (
        ISSUES,
        "前回求めた在宅勤務の課題と対応策について、職員アンケートや勤務の実績に基づいて"
        "示してほしい。",
    ),
    (
        ISSUES,
        "窓口業務を継続しながら在宅勤務を行う職員の条件と、その効果を引き続き点検・評価し、"
        "対象の広げ方を検討してほしい。",
    ),
)

FOLLOW_UP_REPLIES = (
    "VPN端末5台は予約制で運用しています。利用状況は「テレワーク点検・評価報告」に月別の"
    "利用日数と満席の日数としてまとめ、満席で利用できなかった申請の件数から、需要を満たす"
    "のに必要な台数を見積もっています。",
    "職員アンケートの結果と勤務表・朝の業務報告の実績から、在宅勤務で分かった課題を"
    "「課題と対応策」の一覧に整理し、対応策ごとに担当課と期限を定めて進捗を確認しています。"
    "在宅勤務の対象者の条件（対象とならなかった理由を含む）と実施状況も、同じ報告で"
    "点検・評価しています。",
    "Web会議の運用ルール（接続が途切れた参加者へのフォローアップを含む）を全庁に周知する"
    "準備を進めています。",
)


def current_fiscal_year(today: dt.date) -> int:
    return today.year if today.month >= 4 else today.year - 1


def _policy_head(unit: Unit) -> User:
    """The head (課長) of the unit, with the demo account `accounts.POLICY_HEAD`."""
    existing = User.objects.filter(username=accounts.POLICY_HEAD).first()
    if existing is not None:
        return existing
    person = (
        Staff.objects.filter(unit=unit, active=True, user__isnull=True)
        .order_by("-position", "staff_number")
        .filter(position="課長")
        .first()
        or Staff.objects.filter(unit=unit, active=True, user__isnull=True)
        .order_by("staff_number")
        .first()
    )
    user = User.objects.create_user(accounts.POLICY_HEAD, role=Role.UNIT_HEAD)
    user.set_password(accounts.DEMO_PASSWORD)
    user.save()
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


def _linkable(planner: User) -> tuple[list[Any], Any]:
    """Countermeasures of three problems and a finished evidence report, when those demo
    data exist."""
    from yakuba.policies import selectors

    picked: dict[int, Any] = {}
    for measure in selectors.linkable_countermeasures(planner)[:60]:
        picked.setdefault(measure.problem_id, measure)  # the first of each problem
    return list(picked.values())[:3], selectors.linkable_reports(planner).first()


@transaction.atomic
def seed_policies_demo(today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    unit = Unit.objects.get(name=UNIT_NAME)
    planner = User.objects.get(username=accounts.PLANNING)
    head = _policy_head(unit)
    headings = {h.name: h for h in CommentHeading.objects.all()}
    for order, name in enumerate((OVERALL, ISSUES), start=1):
        if name not in headings:
            headings[name] = services.save_heading(
                actor=planner, heading=None, values={"name": name, "order": order * 10}
            )
    policy = services.save_policy(
        actor=planner,
        policy=None,
        values={
            "code": "S27",
            "title": "ICTの活用（ICT化と業務改革の一体的な取組の実施、情報セキュリティの確保）",
            "responsible_unit": unit,
            "description": (
                "ICTの活用と業務改革を一体的に進め、行政サービスの向上と業務の効率化を"
                "図る。あわせて、情報セキュリティを確保する。"
            ),
            "first_year": 2019,
            "last_year": None,
        },
    )
    services.save_contact(
        actor=planner,
        unit=unit,
        values={
            "section_name": "",
            "postal_code": "000-0000",
            "address": "みどり野市中央一丁目1番地",
            "phone": "000-000-0000",
            "fax": "000-000-0001",
            "email": f"johoseisaku@{_email_domain()}",
        },
    )

    # 令和2年度: evaluated, commented, answered, approved and published.
    past = services.add_year(actor=planner, policy=policy, fiscal_year=PUBLISHED_YEAR)
    services.save_evaluation(
        actor=planner,
        year=past,
        values={
            "rating": "B",
            "self_assessment": "新型コロナウイルス感染症への対応として、Web会議の環境を整備し、"
            "庁内外の会議での利用が進んだ。一方、在宅勤務では職場の業務システムを利用できず、"
            "効率的とはいえなかった。",
            "issues": "業務システムを在宅で安全に利用できる環境の整備、職員のICTの知識と"
            "情報セキュリティ意識の向上。",
            "status": YearStatus.EVALUATED,
        },
        indicators=[
            services.IndicatorInput("Web会議の開催件数", "件", _d(100), _d(132)),
            services.IndicatorInput("電子申請できる手続の数", "件", _d(50), _d(38)),
            services.IndicatorInput("情報セキュリティ研修の受講率", "%", _d(100), _d("92.5")),
        ],
    )
    past_comments = _comments(planner, past, SOURCE_COMMENTS, headings)
    reply = services.save_reply(
        actor=planner, year=past, reply=None, text=SOURCE_REPLY, comments=past_comments
    )
    services.submit_reply(actor=planner, reply=reply)
    services.decide_reply(actor=head, reply=reply, approve=True)
    services.publish(actor=planner, year=past, page_date=PUBLISHED_ON)

    # This fiscal year: in progress.
    made_current = 0
    current_year = current_fiscal_year(today)
    if current_year != PUBLISHED_YEAR:
        current = services.add_year(actor=planner, policy=policy, fiscal_year=current_year)
        services.save_evaluation(
            actor=planner,
            year=current,
            values={
                "rating": "",
                "self_assessment": "VPNによるテレワーク環境を整備し、勤務表に基づく在宅勤務と"
                "窓口の体制確保を両立させた。職員アンケートと勤務の実績から在宅勤務を点検・評価"
                "している。",
                "issues": "VPN端末の台数と需要の差、Web会議の運用ルールの周知。",
                "status": YearStatus.EVALUATED,
            },
            indicators=[
                services.IndicatorInput("Web会議の開催件数", "件", _d(150), None),
                services.IndicatorInput("在宅勤務を実施した職員の割合", "%", _d(30), None),
            ],
        )
        new_comments = _comments(planner, current, FOLLOW_UP_COMMENTS, headings)
        countermeasures, report = _linkable(planner)
        approved = services.save_reply(
            actor=planner,
            year=current,
            reply=None,
            text=FOLLOW_UP_REPLIES[0],
            comments=[new_comments[0]],
            evidence_report=report,
        )
        services.submit_reply(actor=planner, reply=approved)
        services.decide_reply(actor=head, reply=approved, approve=True)
        waiting = services.save_reply(
            actor=planner,
            year=current,
            reply=None,
            text=FOLLOW_UP_REPLIES[1],
            comments=[new_comments[2], new_comments[3]],
            countermeasures=countermeasures,
            evidence_report=report,
        )
        services.submit_reply(actor=planner, reply=waiting)
        services.save_reply(
            actor=planner,
            year=current,
            reply=None,
            text=FOLLOW_UP_REPLIES[2],
            comments=[new_comments[1]],
        )
        made_current = 1
    return {
        "policies": 1,
        "years": 1 + made_current,
        "comments": Comment.objects.filter(year__policy=policy).count(),
        "head": head.username,
    }


def _d(value: object) -> Any:
    from decimal import Decimal

    return Decimal(str(value))


def _email_domain() -> str:
    from yakuba.demo.city import EMAIL_DOMAIN

    return EMAIL_DOMAIN


def _comments(
    planner: User,
    year: PolicyYear,
    rows: tuple[tuple[str, str], ...],
    headings: dict[str, CommentHeading],
) -> list[Comment]:
    return [
        services.save_comment(
            actor=planner,
            year=year,
            comment=None,
            values={
                "heading": headings[heading],
                "order": 0,
                "text": text,
                "evaluator": f"外部評価委員{chr(ord('A') + n)}",
            },
        )
        for n, (heading, text) in enumerate(rows)
    ]


def existing() -> bool:
    return Policy.objects.exists()

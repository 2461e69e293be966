"""Navigation shown in the shared layout, filtered by what the signed-in role may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yakuba.accounts.roles import Capability


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    capability: str | None = None
    description: str | Promise = ""

    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("ホーム"), "core:home"),
    NavItem(
        pgettext_lazy("navigation", "所属"),
        "org:unit_list",
        Capability.VIEW_ORG,
        _("部・課・係の一覧と編集"),
    ),
    NavItem(
        pgettext_lazy("navigation", "職員"),
        "org:staff_list",
        Capability.VIEW_ORG,
        _("職員の検索と編集"),
    ),
    NavItem(_("窓口"), "org:counter_list", Capability.VIEW_ORG, _("窓口と必要スキル・開設日")),
    NavItem(_("勤務予定"), "rosters:my_schedule", None, _("自分の勤務予定・希望と休暇の申請")),
    NavItem(
        _("勤務表"), "rosters:period_list", Capability.VIEW_ROSTERS, _("勤務表の作成・公開・修正")
    ),
    NavItem(
        _("取り込み"), "org:import_start", Capability.IMPORT_ORG, _("職員・所属の一括取り込み")
    ),
    NavItem(_("書き出し"), "org:export", Capability.EXPORT_ORG, _("職員・所属のExcel/CSV出力")),
    NavItem(
        _("リモート接続枠"),
        "remoteseats:seats",
        None,
        _("在宅勤務で使う接続枠の空き状況と予約"),
    ),
    NavItem(
        _("貸出端末"),
        "remoteseats:terminal_list",
        Capability.VIEW_TERMINALS,
        _("端末の貸出・返却と返却遅れ"),
    ),
    NavItem(
        _("接続枠の設定"),
        "remoteseats:resource_list",
        Capability.MANAGE_REMOTE_SEATS,
        _("VPN端末などの枠と1日の上限"),
    ),
    NavItem(
        _("朝の業務報告"),
        "dailyreports:my_report",
        None,
        _("今日の予定・実績・困りごとの報告"),
    ),
    NavItem(
        _("報告状況"),
        "dailyreports:board",
        Capability.VIEW_REPORTS,
        _("今日の提出状況・困りごと・集計"),
    ),
    NavItem(
        _("報告の設定"),
        "dailyreports:setup_list",
        Capability.MANAGE_REPORTS,
        _("受付時間・質問・体調確認・まとめの送り先"),
    ),
    NavItem(
        _("セキュリティ"),
        "security:home",
        None,
        _("今週の問題・在宅勤務の準備チェック・不審なメールの報告"),
    ),
    NavItem(
        _("訓練メール"),
        "drills:drill_list",
        Capability.VIEW_DRILL_RESULTS,
        _("標的型攻撃メール訓練の作成・送信と結果"),
    ),
    NavItem(
        _("問題集の管理"),
        "awareness:bank",
        Capability.MANAGE_AWARENESS,
        _("情報セキュリティの問題・レッスンの編集、Excelでの取り込み・書き出し、出題数"),
    ),
    NavItem(
        _("在宅勤務の準備状況"),
        "readiness:people",
        Capability.VIEW_READINESS,
        _("職員ごとの在宅勤務の準備チェックの状況と期限"),
    ),
    NavItem(
        _("インシデントの対応"),
        "incidents:triage_list",
        Capability.TRIAGE_INCIDENTS,
        _("報告されたインシデント・ヒヤリハットの評価・対応・完了"),
    ),
    NavItem(
        _("インシデントの統計"),
        "incidents:stats",
        Capability.VIEW_INCIDENT_STATS,
        _("月別・種類別の報告件数"),
    ),
    NavItem(
        _("自己点検"),
        "inspections:round_list",
        Capability.VIEW_INSPECTIONS,
        _("情報セキュリティ自己点検の実施・ヒートマップ・指摘事項"),
    ),
    NavItem(
        _("点検・評価報告"),
        "evaluation:report_list",
        Capability.VIEW_EVALUATION_REPORT,
        _("在宅勤務の条件・利用・効果と課題を期間で比べる報告（Word・Excel）"),
    ),
    NavItem(
        _("施策評価"),
        "policies:policy_list",
        Capability.VIEW_POLICIES,
        _("施策の内部評価・外部評価の意見・担当課返答・公開ページ"),
    ),
    NavItem(
        _("接続チェック"),
        "netcheck:check",
        None,
        _("自宅や庁舎の回線がWeb会議に足りるかを測定"),
    ),
    NavItem(
        _("接続の準備状況"),
        "netcheck:readiness",
        Capability.VIEW_NETCHECK_READINESS,
        _("所属別の在宅接続チェック結果（匿名集計）"),
    ),
    NavItem(
        _("会議の接続品質"),
        "meetings:quality_summary",
        Capability.VIEW_CONNECTION_QUALITY,
        _("所属別の会議中の接続の途切れ（匿名集計）"),
    ),
    NavItem(
        _("会議"),
        "meetings:meeting_list",
        None,
        _("議題・議事録・出席の記録と欠席・中断分の共有"),
    ),
    NavItem(
        _("Web会議ライセンス"),
        "licences:report",
        Capability.VIEW_LICENCES,
        _("有償ライセンスの利用状況・必要数と保有者の管理"),
    ),
    NavItem(
        _("研修・キャンペーン"),
        "campaigns:campaign_list",
        Capability.VIEW_AWARENESS_PROGRESS,
        _("セキュリティ研修の割り当て・催促・所属別の進み具合"),
    ),
    NavItem(
        _("セキュリティ意識スコア"),
        "campaigns:scores",
        Capability.VIEW_AWARENESS_SCORES,
        _("所属別・職員別のスコアと内訳（閲覧は監査記録に残ります）"),
    ),
    NavItem(
        _("職員アンケート"),
        "surveys:manage_list",
        Capability.MANAGE_SURVEYS,
        _("アンケートの作成・送付・催促・締切"),
    ),
    NavItem(
        _("アンケート結果"),
        "surveys:results_list",
        Capability.VIEW_SURVEY_RESULTS,
        _("職員アンケートの集計・内訳・記述のまとまり（5人未満は非表示）"),
    ),
    NavItem(
        _("見直しの進み具合"),
        "reviews:dashboard",
        Capability.VIEW_REVIEW_PROGRESS,
        _("手続・会議の見直しの部ごとの状況・効果（削減時間）・法令等により存続するもの・公表"),
    ),
    NavItem(
        _("課題と対応策"),
        "problems:list",
        Capability.VIEW_PROBLEMS,
        _("在宅勤務で見つかった課題と対応策の登録・期限・期ごとの点検"),
    ),
    NavItem(
        _("職員アンケート"),
        "surveys:manage_list",
        Capability.MANAGE_SURVEYS,
        _("アンケートの作成・送付・催促・締切"),
    ),
    NavItem(_("監査記録"), "audit:entry_list", Capability.VIEW_AUDIT, _("操作の記録と改ざん検査")),
    NavItem(_("アカウント"), "accounts:account_list", Capability.MANAGE_ACCOUNTS, _("役割の付与")),
    NavItem(
        _("アカウントの作成"),
        "accounts:provision",
        Capability.PROVISION_ACCOUNTS,
        _("職員のアカウント作成・有効化シート・再発行"),
    ),
    NavItem(
        _("アカウントの点検"),
        "accounts:hygiene",
        Capability.VIEW_ACCOUNT_HYGIENE,
        _("未使用・ロック中・長期間未使用のアカウント"),
    ),
    NavItem(
        _("研修会の運営"),
        "training:manage",
        Capability.MANAGE_TRAINING,
        _("研修・開催・出欠・必修研修"),
    ),
    NavItem(
        _("研修の受講状況"),
        "training:coverage_home",
        Capability.VIEW_TRAINING_COVERAGE,
        _("所属ごとの必修研修の受講状況"),
    ),
    NavItem(
        _("APIトークン"),
        "accounts:token_list",
        Capability.MANAGE_API_TOKENS,
        _("連携用トークンの発行・失効"),
    ),
    # Knowledge sharing (issue 16, app knowledge): everyone asks and reads; the information
    # division appoints ICT helpers.
    NavItem(
        _("質問・手順書"),
        "knowledge:questions",
        None,
        _("分からないことの質問、ICTサポーター、手順書・FAQ"),
    ),
    NavItem(
        _("研修会"),
        "training:catalogue",
        None,
        _("研修会の一覧・申し込み・自分の研修履歴"),
    ),
    NavItem(
        _("ICTサポーターの任命"),
        "knowledge:appoint",
        Capability.MODERATE_KNOWLEDGE,
        _("所属ごとのICTサポーターの任命"),
    ),
    NavItem(
        _("ナレッジの広がり"),
        "knowledge:crossing",
        Capability.MODERATE_KNOWLEDGE,
        _("部・職位を越えた助け合い（回答・研修会）の集計"),
    ),
    # Reviews of documents, procedures and meetings (issue 17, app reviews).
    NavItem(
        _("見直しの基準"),
        "reviews:criteria_list",
        Capability.MANAGE_REVIEW_CRITERIA,
        _("手続・会議の見直しの質問と結果の流れ（版の管理・公開）"),
    ),
    # The inventory of the reviews (issue 17): procedures and recurring meetings.
    NavItem(
        _("手続・会議の棚卸し"),
        "reviews:procedure_list",
        Capability.MANAGE_REVIEW_INVENTORY,
        _("手続の棚卸し表の取り込み、定例会議の人件費"),
    ),
)


def visible_nav_items(user: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in NAV_ITEMS if item.capability is None or user.can(item.capability)]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Everyday pages (open to every member of staff) in the main menu; pages that need a
    role's capability in a second, management menu, so neither row grows unreadably long.

    The current item is the one whose address is the longest prefix of the page's, so
    /security/drills/ marks 「訓練メール」 and not also 「セキュリティ」 (/security/)."""
    visible = [(i, i.url()) for i in visible_nav_items(request.user)]
    matching = [
        url
        for i, url in visible
        if request.path == url or (i.url_name != "core:home" and request.path.startswith(url))
    ]
    current = max(matching, key=len, default=None)
    items = [
        {
            "label": i.label,
            "url": url,
            "description": i.description,
            "current": url == current,
            "admin": i.capability is not None,
        }
        for i, url in visible
    ]
    return {
        "nav_items": [i for i in items if not i["admin"]],
        "admin_nav_items": [i for i in items if i["admin"]],
    }

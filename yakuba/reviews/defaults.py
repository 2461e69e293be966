"""The default criteria sets, in Japanese (the content the planning unit starts from).

Modelled on the flow municipalities used after the Cabinet Office's manual for local
governments on reviewing seals, paper and face-to-face requirements (2020-12-18; see
DOMAIN.md §6): classify where the requirement comes from; under the office's own authority
abolish unless the seal (the paper, the visit, the attachment) serves a purpose with no
alternative; substitute where assurance is still needed; keep only what law requires or
what has legal meaning in itself, and track the rest for future amendment. The meeting set
asks the six questions of the issue (目的・報告で足りるか・参加者・オンライン・資料・時間).

These are data: `services.install_default_criteria` stores them as draft versions, which
the planning unit reads, edits and publishes like any other criteria.
"""

from __future__ import annotations

from typing import Any

PROCEDURE_SET_SLUG = "procedures-default"
MEETING_SET_SLUG = "meetings-default"


def _opt(
    key: str,
    label: str,
    *,
    next: str | None = None,
    outcome: str | None = None,
    note: bool = False,
    article: bool = False,
) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "next": next,
        "outcome": outcome,
        "requires_note": note,
        "requires_article": article,
    }


def _q(key: str, text: str, help: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "text": text, "help": help, "options": list(options)}


def _out(key: str, label: str, effect: str, description: str = "") -> dict[str, Any]:
    return {"key": key, "label": label, "effect": effect, "description": description}


_LAW_ARTICLE_HELP = "根拠の法令・条例等と条項（例：戸籍法施行規則第11条の2）を記入してください。"

SEAL_TRACK: dict[str, Any] = {
    "key": "seal",
    "label": "押印",
    "applies_if": "seal",
    "start": "seal_basis",
    "questions": [
        _q(
            "seal_basis",
            "押印（署名）を求める根拠は何ですか",
            "様式に押印欄があるだけで、法令・条例・規則・要綱のどこにも定めがない場合は"
            "「様式のみ」を選びます。" + _LAW_ARTICLE_HELP,
            _opt(
                "law",
                "法律・政令・省令、県の条例・規則で押印が定められている",
                next="seal_law_strict",
                article=True,
            ),
            _opt(
                "own_rule",
                "市の条例・規則・要綱で定めている（市の判断で改正できる）",
                next="seal_purpose",
                article=True,
            ),
            _opt("form_only", "様式に押印欄があるだけ（根拠の定めはない）", next="seal_purpose"),
        ),
        _q(
            "seal_law_strict",
            "その規定は押印そのものを求めていますか",
            "実印の押印や印鑑登録証明書の添付を求める規定は「求めている」に当たります。"
            "「記名」や「申請書の提出」を定めるだけで、押印は様式の慣行にすぎない場合は"
            "「求めていない」を選びます。",
            _opt(
                "yes",
                "求めている（法令等の改正がない限り押印が必要）",
                outcome="seal_keep_law",
            ),
            _opt("no", "求めていない（押印は様式の慣行）", next="seal_purpose"),
        ),
        _q(
            "seal_purpose",
            "押印は何のために求めていますか",
            "押印には本人確認・意思確認・文書の真正性の確認の役割があるとされます。"
            "慣例で押印欄を設けているだけなら「特段の目的はない」を選びます。",
            _opt("none", "慣例によるもので、特段の目的はない", outcome="seal_abolish"),
            _opt("identity", "本人確認・意思確認のため", next="seal_alternative"),
            _opt(
                "legal_meaning",
                "実印・銀行届出印・契約書など、押印そのものに法的な意味がある",
                outcome="seal_keep",
                note=True,
            ),
        ),
        _q(
            "seal_alternative",
            "押印以外の方法で確認できますか",
            "例：署名、本人確認書類の提示・写しの添付、登録済みのメールアドレスからの提出、"
            "電話による確認、電子申請での本人認証。",
            _opt(
                "not_needed",
                "確認は不要、または提出の事実で足りる",
                outcome="seal_abolish",
            ),
            _opt(
                "substitute",
                "署名や本人確認書類などで代替できる",
                outcome="seal_substitute",
            ),
            _opt("no", "代替できる方法がない", outcome="seal_keep", note=True),
        ),
    ],
    "outcomes": [
        _out("seal_abolish", "押印廃止", "seal_abolished", "押印欄を削除し、押印を求めない。"),
        _out(
            "seal_substitute",
            "署名等に代替",
            "seal_substituted",
            "押印に代えて署名や本人確認書類等で確認する。",
        ),
        _out(
            "seal_keep_law",
            "存続（法令等による）",
            "kept_by_law",
            "法令等の改正を国・県に要望する対象として記録する。",
        ),
        _out("seal_keep", "存続", "kept", "押印を存続する（理由を記録する）。"),
    ],
}

PAPER_TRACK: dict[str, Any] = {
    "key": "paper",
    "label": "書面",
    "applies_if": "paper",
    "start": "paper_basis",
    "questions": [
        _q(
            "paper_basis",
            "書面（紙）での提出が法令等で定められていますか",
            "情報通信技術を活用した行政の推進等に関する法律（デジタル手続法）により、"
            "法令で書面と定める手続の多くは電子でも行えます。" + _LAW_ARTICLE_HELP,
            _opt(
                "law",
                "法律・政令・省令、県の条例・規則で書面に限ると定められている",
                outcome="paper_keep_law",
                article=True,
            ),
            _opt(
                "own_rule",
                "市の条例・規則・要綱で定めている（市の判断で改正できる）",
                next="paper_electronic",
                article=True,
            ),
            _opt("none", "定めはない", next="paper_electronic"),
        ),
        _q(
            "paper_electronic",
            "電子申請（電子申請システム・申請フォーム）で受け付けられますか",
            "原本の確認が本当に必要かも含めて検討してください。",
            _opt("yes", "受け付けられる", next="paper_payment"),
            _opt(
                "mail",
                "電子申請は難しいが、メール・郵送・FAXなら受け付けられる",
                outcome="paper_simplify",
            ),
            _opt(
                "no",
                "原本の確認が必要で、紙でしか受け付けられない",
                outcome="paper_keep",
                note=True,
            ),
        ),
        _q(
            "paper_payment",
            "手数料等の支払いはどうなりますか",
            "オンライン決済や納付書による後払いなら、窓口に来なくても支払えます。",
            _opt("no_fee", "手数料等はかからない", outcome="paper_online"),
            _opt(
                "online_payment",
                "オンライン決済・納付書払いなどで支払える",
                outcome="paper_online",
            ),
            _opt(
                "counter_only",
                "窓口での現金払いが必要",
                outcome="paper_simplify",
                note=True,
            ),
        ),
    ],
    "outcomes": [
        _out("paper_online", "オンライン化", "online", "電子申請で受け付ける。"),
        _out(
            "paper_simplify",
            "メール・郵送等で受付",
            "paper_simplified",
            "電子申請以外の方法（メール・郵送・FAX）でも受け付ける。",
        ),
        _out(
            "paper_keep_law",
            "存続（法令等による）",
            "kept_by_law",
            "法令等の改正を国・県に要望する対象として記録する。",
        ),
        _out("paper_keep", "書面で存続", "kept", "書面の提出を存続する（理由を記録する）。"),
    ],
}

VISIT_TRACK: dict[str, Any] = {
    "key": "visit",
    "label": "対面",
    "applies_if": "in_person",
    "start": "visit_basis",
    "questions": [
        _q(
            "visit_basis",
            "来庁（本人の出頭・原本の提示）が法令等で定められていますか",
            _LAW_ARTICLE_HELP,
            _opt(
                "law",
                "法律・政令・省令、県の条例・規則で出頭が定められている",
                outcome="visit_keep_law",
                article=True,
            ),
            _opt(
                "own_rule",
                "市の条例・規則・要綱で定めている（市の判断で改正できる）",
                next="visit_purpose",
                article=True,
            ),
            _opt("none", "定めはない（慣行で来庁を求めている）", next="visit_purpose"),
        ),
        _q(
            "visit_purpose",
            "来庁を求める理由は何ですか",
            "",
            _opt("handover", "書類の受け渡しだけ", outcome="visit_none"),
            _opt("identity", "本人確認のため", next="visit_identity"),
            _opt("consultation", "相談・説明・聞き取りが必要", next="visit_consultation"),
        ),
        _q(
            "visit_identity",
            "来庁せずに本人確認できますか",
            "例：本人確認書類の写しを添えた郵送、マイナンバーカードによる電子申請。",
            _opt("yes", "郵送や電子申請で確認できる", outcome="visit_none"),
            _opt(
                "no",
                "窓口での確認が必要",
                outcome="visit_appointment",
                note=True,
            ),
        ),
        _q(
            "visit_consultation",
            "相談・説明はオンライン（ウェブ会議・電話）で行えますか",
            "",
            _opt("yes", "オンラインや電話で行える", outcome="visit_none"),
            _opt(
                "appointment",
                "対面が必要だが、予約制にすれば待ち時間をなくせる",
                outcome="visit_appointment",
            ),
            _opt("no", "予約もできず、随時の対面が必要", outcome="visit_keep", note=True),
        ),
    ],
    "outcomes": [
        _out("visit_none", "来庁不要", "no_visit", "郵送・電子申請・オンラインで完結させる。"),
        _out(
            "visit_appointment",
            "予約制",
            "by_appointment",
            "来庁は残すが、予約制にして待ち時間と窓口の混雑をなくす。",
        ),
        _out(
            "visit_keep_law",
            "存続（法令等による）",
            "kept_by_law",
            "法令等の改正を国・県に要望する対象として記録する。",
        ),
        _out("visit_keep", "来庁を存続", "kept", "来庁を存続する（理由を記録する）。"),
    ],
}

ATTACHMENT_TRACK: dict[str, Any] = {
    "key": "attachments",
    "label": "添付書類",
    "applies_if": "attachments",
    "start": "attach_basis",
    "questions": [
        _q(
            "attach_basis",
            "添付書類の提出が法令等で定められていますか",
            _LAW_ARTICLE_HELP,
            _opt(
                "law",
                "法律・政令・省令、県の条例・規則で添付が定められている",
                outcome="attach_keep_law",
                article=True,
            ),
            _opt(
                "own_rule",
                "市の条例・規則・要綱で定めている（市の判断で改正できる）",
                next="attach_lookup",
                article=True,
            ),
            _opt("none", "定めはない", next="attach_lookup"),
        ),
        _q(
            "attach_lookup",
            "添付書類の内容を市役所で確認できますか",
            "住民票・課税証明・公簿・庁内システムや、マイナンバーによる情報連携で"
            "確認できる書類は、本人の同意を得て市が確認すれば添付を省略できます。",
            _opt("yes", "市で確認できる", outcome="attach_omit"),
            _opt("no", "市では確認できない", next="attach_needed"),
        ),
        _q(
            "attach_needed",
            "その書類がなくても審査できますか",
            "",
            _opt("yes", "申請書の記載で足りる、または後日の確認で足りる", outcome="attach_omit"),
            _opt(
                "copy",
                "原本でなく写し・電子データで足りる",
                outcome="attach_copy",
            ),
            _opt("no", "原本が必要", outcome="attach_keep", note=True),
        ),
    ],
    "outcomes": [
        _out("attach_omit", "添付省略", "attachment_omitted", "添付を求めず、市で確認する。"),
        _out(
            "attach_copy",
            "写し・電子データで可",
            "paper_simplified",
            "原本に代えて写しや電子データの提出を認める。",
        ),
        _out(
            "attach_keep_law",
            "存続（法令等による）",
            "kept_by_law",
            "法令等の改正を国・県に要望する対象として記録する。",
        ),
        _out("attach_keep", "添付を存続", "kept", "添付を存続する（理由を記録する）。"),
    ],
}

PROCEDURE_DEFINITION: dict[str, Any] = {
    "tracks": [SEAL_TRACK, PAPER_TRACK, VISIT_TRACK, ATTACHMENT_TRACK]
}

MEETING_DEFINITION: dict[str, Any] = {
    "tracks": [
        {
            "key": "necessity",
            "label": "必要性",
            "start": "mtg_purpose",
            "questions": [
                _q(
                    "mtg_purpose",
                    "会議の目的（決めること・共有すること）は明確ですか",
                    "開催が慣例になっていて、何を決める会議か説明できない場合は"
                    "「明確でない」を選びます。",
                    _opt("yes", "明確である", next="mtg_report"),
                    _opt(
                        "no",
                        "明確でない、または目的を既に果たしている",
                        outcome="mtg_abolish",
                        note=True,
                    ),
                ),
                _q(
                    "mtg_report",
                    "報告・連絡だけで足りますか",
                    "議論や決定がほとんどなく、報告の読み上げが中心なら、チャット・メール・"
                    "文書による報告で代えられます。",
                    _opt(
                        "yes",
                        "報告・共有が中心で、議論や決定はほとんどない",
                        outcome="mtg_report_instead",
                    ),
                    _opt("no", "議論や決定が必要", next="mtg_merge"),
                ),
                _q(
                    "mtg_merge",
                    "同じ参加者・同じ目的の他の会議と統合できますか",
                    "統合先の会議名を補足に書いてください。",
                    _opt("yes", "統合できる", outcome="mtg_merge_into", note=True),
                    _opt("no", "統合できる会議はない", outcome="mtg_keep"),
                ),
            ],
            "outcomes": [
                _out("mtg_abolish", "廃止", "meeting_abolished", "会議を廃止する。"),
                _out(
                    "mtg_report_instead",
                    "報告に代替",
                    "meeting_report_instead",
                    "会議に代えてチャット・メール・文書で報告・共有する。",
                ),
                _out("mtg_merge_into", "統合", "meeting_merged", "他の会議と統合する。"),
                _out("mtg_keep", "継続", "kept", "会議を継続する。"),
            ],
        },
        {
            "key": "participants",
            "label": "参加者",
            "start": "mtg_participants",
            "questions": [
                _q(
                    "mtg_participants",
                    "参加者は必要最小限ですか",
                    "発言も決定もしない参加者は、議事録や結果の共有で足ります。",
                    _opt("yes", "必要最小限である", outcome="mtg_participants_ok"),
                    _opt(
                        "no",
                        "発言・決定に関わらない参加者がいる",
                        outcome="mtg_fewer",
                    ),
                ),
            ],
            "outcomes": [
                _out(
                    "mtg_fewer",
                    "参加者を削減",
                    "meeting_fewer_participants",
                    "参加者を絞り、他の人には結果を共有する。",
                ),
                _out("mtg_participants_ok", "参加者は現状のまま", "kept"),
            ],
        },
        {
            "key": "method",
            "label": "開催方法",
            "start": "mtg_online",
            "questions": [
                _q(
                    "mtg_online",
                    "オンライン（ウェブ会議）で開催できますか",
                    "個人情報を扱う議題や、現物の確認が必要な議題は対面が必要な場合があります。",
                    _opt("yes", "全員オンラインで開催できる", outcome="mtg_online_all"),
                    _opt(
                        "hybrid",
                        "一部の参加者はオンラインで参加できる",
                        outcome="mtg_hybrid",
                    ),
                    _opt("no", "対面でなければ開催できない", outcome="mtg_in_person", note=True),
                ),
            ],
            "outcomes": [
                _out("mtg_online_all", "オンライン開催", "meeting_online"),
                _out(
                    "mtg_hybrid",
                    "ハイブリッド開催",
                    "meeting_online",
                    "会議室とウェブ会議を併用し、移動なしで参加できるようにする。",
                ),
                _out("mtg_in_person", "対面で継続", "kept"),
            ],
        },
        {
            "key": "time",
            "label": "時間",
            "start": "mtg_materials",
            "questions": [
                _q(
                    "mtg_materials",
                    "資料は事前に共有していますか",
                    "",
                    _opt("yes", "前日までに共有している", next="mtg_duration"),
                    _opt("no", "当日配布・当日説明している", next="mtg_materials_possible"),
                ),
                _q(
                    "mtg_materials_possible",
                    "資料を事前に共有し、会議での説明を省けますか",
                    "",
                    _opt("yes", "省ける", outcome="mtg_shorten"),
                    _opt("no", "省けない", next="mtg_duration", note=True),
                ),
                _q(
                    "mtg_duration",
                    "会議の時間・頻度は議題に見合っていますか",
                    "予定時間を使い切る前提になっていないか、毎回の議題の量と比べてください。",
                    _opt("yes", "見合っている", outcome="mtg_time_ok"),
                    _opt("no", "長すぎる・多すぎる", outcome="mtg_shorten"),
                ),
            ],
            "outcomes": [
                _out(
                    "mtg_shorten",
                    "時間短縮",
                    "meeting_shortened",
                    "資料の事前共有や時間・頻度の見直しで会議時間を減らす。",
                ),
                _out("mtg_time_ok", "時間は現状のまま", "kept"),
            ],
        },
    ]
}

DEFAULT_SETS: tuple[dict[str, Any], ...] = (
    {
        "slug": PROCEDURE_SET_SLUG,
        "name": "手続・書類の見直し基準（押印・書面・対面・添付書類）",
        "applies_to": "procedure",
        "description": (
            "内閣府「地方公共団体における書面規制、押印、対面規制の見直しについて」"
            "（令和2年12月18日）のマニュアルの流れに沿った基準です。手続・様式ごとに、"
            "押印・書面・対面・添付書類の観点で質問に答えると、見直しの結果が導かれます。"
        ),
        "definition": PROCEDURE_DEFINITION,
    },
    {
        "slug": MEETING_SET_SLUG,
        "name": "定例会議の見直し基準",
        "applies_to": "meeting",
        "description": (
            "定例会議ごとに、必要性・参加者・開催方法・時間の観点で質問に答えると、"
            "廃止・報告に代替・統合・参加者削減・オンライン化・時間短縮・継続のいずれかが"
            "導かれます。"
        ),
        "definition": MEETING_DEFINITION,
    },
)

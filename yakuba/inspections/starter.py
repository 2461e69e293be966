"""The three starter checklists (職員・所属長・システム管理者).

Written after the self-inspection items of the MIC guidelines (総務省「地方公共団体に
おける情報セキュリティポリシーに関するガイドライン」の職員等・管理者向けの遵守事項と
「地方公共団体における情報セキュリティ監査に関するガイドライン」の監査項目) and the
office's own rules for telework, in our own words. Infosec edits them in Yakuba or in Excel.

The data is Japanese on purpose: it is what the office's staff answer, stored once; the
English UI shows it as written (like the question bank).
"""

from __future__ import annotations

from typing import NamedTuple

GUIDELINE = "総務省 ポリシーガイドライン"
OWN_RULE = "本市 情報セキュリティ対策基準"


class StarterItem(NamedTuple):
    code: str
    text: str
    guidance: str
    basis: str


class StarterSection(NamedTuple):
    code: str
    title: str
    items: tuple[StarterItem, ...]


class StarterChecklist(NamedTuple):
    code: str
    title: str
    role: str
    description: str
    sections: tuple[StarterSection, ...]


def _i(code: str, text: str, guidance: str, basis: str = GUIDELINE) -> StarterItem:
    return StarterItem(code, text, guidance, basis)


STAFF = StarterChecklist(
    code="staff",
    title="職員向け 情報セキュリティ自己点検",
    role="staff",
    description="すべての職員（会計年度任用職員を含む）が半期ごとに回答します。",
    sections=(
        StarterSection(
            "A",
            "日常の端末利用",
            (
                _i(
                    "A-1",
                    "離席するときは、短時間でも画面をロックしている。",
                    "Windows キー＋L など。自動ロックの設定だけに頼っていないか。",
                ),
                _i(
                    "A-2",
                    "パスワードを他人に教えたり、付箋やメモで端末の周りに貼ったりしていない。",
                    "共有アカウントのパスワードも同じ扱いです。",
                ),
                _i(
                    "A-3",
                    "業務で使うパスワードは、推測されにくく、他のサービスと使い回していない。",
                    "私用のサービスと同じパスワードを使っていないか。",
                ),
                _i(
                    "A-4",
                    "許可されていないソフトウェアやブラウザ拡張機能をインストールしていない。",
                    "必要なときは情報政策課に申請しているか。",
                ),
                _i(
                    "A-5",
                    "退庁時に、机の上に個人情報を含む書類や外部記録媒体を放置していない。",
                    "クリアデスク。施錠できる保管庫に入れているか。",
                    OWN_RULE,
                ),
            ),
        ),
        StarterSection(
            "B",
            "メール・外部記録媒体",
            (
                _i(
                    "B-1",
                    "メールを送る前に、宛先・添付ファイルを確認している（複数人宛は BCC）。",
                    "外部宛の一斉送信で CC を使っていないか。",
                ),
                _i(
                    "B-2",
                    "不審なメールの添付ファイルやリンクを開かず、「不審なメールを報告」で報告している。",
                    "差出人・件名・日本語の不自然さ・急がせる文面に注意。",
                ),
                _i(
                    "B-3",
                    "USBメモリ等の外部記録媒体は、所属長の許可と持ち出し手続きを経てから使っている。",
                    "管理台帳への記録、暗号化された媒体の使用。",
                ),
                _i(
                    "B-4",
                    "私物の外部記録媒体を業務用の端末に接続していない。",
                    "スマートフォンの充電のための接続も含みます。",
                ),
                _i(
                    "B-5",
                    "FAX を送るときは、番号を二人で確認するか、短縮登録した番号を使っている。",
                    "誤送信が起きたときの連絡先を知っているか。",
                    OWN_RULE,
                ),
            ),
        ),
        StarterSection(
            "C",
            "在宅勤務",
            (
                _i(
                    "C-1",
                    "貸出端末は自分だけが使い、家族など他の人に使わせていない。",
                    "端末を置いたまま席を外すときも画面をロックしているか。",
                    OWN_RULE,
                ),
                _i(
                    "C-2",
                    "在宅勤務では、画面をのぞかれない場所で作業し、Web会議の音声が漏れないようにしている。",
                    "カフェや公共の場所で業務をしていないか。",
                    OWN_RULE,
                ),
                _i(
                    "C-3",
                    "自宅のルーターは初期パスワードを変更し、ファームウェアを更新している。",
                    "Wi-Fi は WPA2 以上で接続しているか。",
                ),
                _i(
                    "C-4",
                    "個人情報を含む資料を自宅で印刷したり、私物の機器に保存したりしていない。",
                    "",
                    OWN_RULE,
                ),
                _i(
                    "C-5",
                    "貸出端末の OS・ソフトウェアの更新通知が出たら、速やかに適用している。",
                    "更新を先延ばしにしていないか。",
                ),
            ),
        ),
        StarterSection(
            "D",
            "インシデントへの備え",
            (
                _i(
                    "D-1",
                    "端末や USB メモリの紛失・盗難、誤送信に気づいたら、"
                    "すぐに報告する手順を知っている。",
                    "報告先（所属長・情報政策課）と連絡方法。",
                ),
                _i(
                    "D-2",
                    "今年度の情報セキュリティ研修を受講した。",
                    "",
                    OWN_RULE,
                ),
                _i(
                    "D-3",
                    "本市の情報セキュリティポリシー（対策基準）の置き場所を知り、必要なときに確認している。",
                    "",
                    OWN_RULE,
                ),
            ),
        ),
    ),
)

UNIT_HEAD = StarterChecklist(
    code="unit-head",
    title="所属長向け 情報セキュリティ自己点検",
    role="unit_head",
    description="課長・係長など所属の情報セキュリティ管理者を兼ねる人が回答します。",
    sections=(
        StarterSection(
            "M",
            "所属の管理",
            (
                _i(
                    "M-1",
                    "所属の職員が情報セキュリティ研修を受講したことを確認している。",
                    "未受講者への受講の指示。",
                ),
                _i(
                    "M-2",
                    "異動・退職した職員のアカウントや共有フォルダのアクセス権を速やかに見直している。",
                    "アクセス権の定期的な見直し（少なくとも年1回）。",
                ),
                _i(
                    "M-3",
                    "外部記録媒体の管理台帳を整備し、持ち出しと返却を確認している。",
                    "",
                ),
                _i(
                    "M-4",
                    "所属で扱う個人情報を含む情報資産を把握し、重要度に応じた取扱いを指示している。",
                    "情報資産台帳の更新。",
                ),
            ),
        ),
        StarterSection(
            "T",
            "在宅勤務の管理",
            (
                _i(
                    "T-1",
                    "在宅勤務をする職員の貸出端末と接続方法を把握している。",
                    "",
                    OWN_RULE,
                ),
                _i(
                    "T-2",
                    "在宅勤務で扱ってよい情報と、持ち出してはいけない情報を職員に示している。",
                    "",
                    OWN_RULE,
                ),
                _i(
                    "T-3",
                    "在宅勤務をする職員が自宅の環境チェックを済ませていることを確認している。",
                    "",
                    OWN_RULE,
                ),
            ),
        ),
        StarterSection(
            "R",
            "事故への対応",
            (
                _i(
                    "R-1",
                    "インシデントやヒヤリハットの報告を受けたら、情報政策課へ直ちに連絡している。",
                    "",
                ),
                _i(
                    "R-2",
                    "前回の自己点検の指摘事項について、是正措置を期限までに完了させている。",
                    "",
                    OWN_RULE,
                ),
                _i(
                    "R-3",
                    "業務委託先に情報セキュリティの遵守事項を示し、その実施を確認している。",
                    "契約書の特記事項、報告の受領。",
                ),
            ),
        ),
    ),
)

SYSADMIN = StarterChecklist(
    code="sysadmin",
    title="システム管理者向け 情報セキュリティ自己点検",
    role="sysadmin",
    description="情報システムを管理する職員が回答します。",
    sections=(
        StarterSection(
            "S",
            "アカウントとアクセス権",
            (
                _i(
                    "S-1",
                    "管理者権限のアカウントは必要な人に限り、定期的に棚卸ししている。",
                    "",
                ),
                _i(
                    "S-2",
                    "長期間使われていないアカウントや退職者のアカウントを無効にしている。",
                    "Yakuba の「アカウントの点検」の確認。",
                ),
                _i(
                    "S-3",
                    "管理者のサインインに多要素認証を使っている。",
                    "",
                ),
            ),
        ),
        StarterSection(
            "P",
            "更新とログ",
            (
                _i(
                    "P-1",
                    "サーバー・端末のセキュリティパッチを、定めた期間内に適用している。",
                    "適用できないものは理由と代替策を記録しているか。",
                ),
                _i(
                    "P-2",
                    "アクセスログ・操作ログを定期的に確認し、不審な記録を調べている。",
                    "監査記録の改ざん検査の実施。",
                ),
                _i(
                    "P-3",
                    "ウイルス対策ソフトの定義ファイルが最新であることを確認している。",
                    "",
                ),
            ),
        ),
        StarterSection(
            "N",
            "ネットワークとバックアップ",
            (
                _i(
                    "N-1",
                    "LGWAN 接続系とインターネット接続系の分離（無害化・画面転送）を維持している。",
                    "例外的な接続の記録。",
                ),
                _i(
                    "N-2",
                    "VPN・リモート接続の利用者と接続記録を把握している。",
                    "",
                    OWN_RULE,
                ),
                _i(
                    "N-3",
                    "バックアップを定期的に取得し、復元できることを試験している。",
                    "",
                ),
                _i(
                    "N-4",
                    "障害・インシデント時の連絡体制と手順書を最新にしている。",
                    "",
                ),
            ),
        ),
    ),
)

STARTERS: tuple[StarterChecklist, ...] = (STAFF, UNIT_HEAD, SYSADMIN)

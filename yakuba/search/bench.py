"""Benchmark of the Japanese search: index 50,000 generated posts, then time 200 queries.

    python -m yakuba.search.bench [--posts 50000] [--queries 200]
                                  [--database-url postgres://root@127.0.0.1:5432/NAME]

Each database (SQLite always, PostgreSQL when ``--database-url`` names a server: a bench
database is created there and dropped afterwards) gets a migrated site of its own
(`core.benchserver.bench_site`). In a subprocess against it: generated Japanese questions
and answers about VPN, Zoom, 在宅勤務, 印刷, 共有フォルダ, LGWAN, Excel, 文書管理, 起案, 決裁…
(plus a fixed set of "needle" how-tos) are indexed through a provider by
`services.rebuild` (→ ``index_posts_per_s``); then 200 queries mixing one- to
four-character Japanese words, width/kana variants and Latin terms run through
`selectors.search` (first page, total count and highlighted snippets, as the page does):
p50/p95/max. For comparison the same queries run as a plain substring scan of the folded
text (what FTS5's trigram tokenizer and pg_trgm fall back to for two-character words).
Recall: the share of the fixed query set whose needle is in the first 10 results.

The last line is one JSON object: search_p95_ms_sqlite, search_p95_ms_postgres,
search_recall (the lower of both), index_posts_per_s (the lower of both).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TARGET_P95_MS = 100.0
TARGET_RECALL = 0.95

SUBJECTS = [
    "VPN",
    "Zoom",
    "在宅勤務",
    "印刷",
    "共有フォルダ",
    "LGWAN",
    "Excel",
    "文書管理",
    "起案",
    "決裁",
    "プリンター",
    "複合機",
    "パスワード",
    "Teams",
    "メール",
    "シンクライアント",
    "USBメモリ",
    "スキャナ",
    "グループウェア",
    "電子申請",
    "ファイルサーバ",
    "ウイルス対策",
    "Wi-Fi",
    "ノートPC",
    "Web会議",
    "ヘッドセット",
    "カメラ",
    "マイク",
    "勤怠",
    "年休",
    "会議室予約",
    "テレワーク",
    "Word",
    "PDF",
    "電子決裁",
    "庶務事務",
    "多要素認証",
]
PROBLEMS = [
    "がつながらない",
    "ができない",
    "のやり方を教えてください",
    "でエラーが出ます",
    "の設定方法",
    "が遅い",
    "の申請手順",
    "が表示されない",
    "の権限がありません",
    "を使いたい",
    "が固まる",
]
CONTEXTS = [
    "自宅から",
    "庁舎で",
    "出張先で",
    "窓口で",
    "朝から",
    "昨日から",
    "異動後に",
    "新しい端末で",
    "会議の前に",
    "月末に",
    "支所で",
    "",
]
SENTENCES = [
    "{a}を使って{b}をしようとしたところ、画面が止まってしまいました。",
    "{a}の担当は情報政策課だと聞きましたが、{b}についても相談できますか。",
    "マニュアルどおりに{a}を設定しましたが、{b}の画面に進めません。",
    "課内で{a}を共有したいのですが、{b}の権限がないと言われます。",
    "再起動すると{a}は直りましたが、{b}はまだ使えません。",
    "{a}と{b}の両方で同じ症状が出ています。",
    "来週の会議までに{a}と{b}を準備する必要があります。",
    "ヘルプデスクに電話しましたがつながらず、{a}の件で困っています。",
    "手順書の{a}の項を読みましたが、{b}の記載が見当たりません。",
]

# Needles: how-tos with a distinctive title; each query must find its needle in the top 10.
NEEDLES = [
    (
        "在宅勤務でVPN証明書の有効期限が切れたときの更新手順",
        ["ＶＰＮ 証明書", "vpn 証明書 更新", "証明書 期限"],
    ),
    (
        "Zoomのブレイクアウトルームを主催者が割り当てる方法",
        ["ｚｏｏｍ ブレイクアウト", "ブレイクアウトルーム", "ぶれいくあうと"],
    ),
    ("複合機で両面印刷と集約印刷を既定にする設定", ["両面印刷", "集約 印刷", "両面"]),
    (
        "共有フォルダの容量上限に達したときの整理と申請",
        ["共有 容量", "容量上限", "共有フォルダ 容量"],
    ),
    (
        "LGWAN接続系から庁内メールの添付ファイルを無害化する",
        ["無害化", "LGWAN 無害化", "ｌｇｗａｎ 添付"],
    ),
    ("Excelのピボットテーブルで課別集計を作る", ["ピボット", "ＥＸＣＥＬ", "excel ピボット"]),
    (
        "文書管理システムで起案文書を電子決裁に回す手順",
        ["起案 決裁 手順", "文書管理 起案", "電子決裁 回す"],
    ),
    (
        "シンクライアントの多要素認証トークンを紛失したとき",
        ["トークン 紛失", "紛失", "多要素 トークン"],
    ),
    ("Teamsの会議録画を課のチャネルに保存する", ["会議録画", "teams 録画", "録画 保存"]),
    ("公用ノートPCのBitLocker回復キーの確認方法", ["BitLocker", "回復キー", "ｂｉｔｌｏｃｋｅｒ"]),
    (
        "スキャナで読み取ったPDFに文字認識をかける",
        ["文字認識", "PDF 文字認識", "スキャナ 文字認識"],
    ),
    ("年休の時間単位取得を勤怠システムで申請する", ["時間単位", "年休 時間単位", "勤怠 時間単位"]),
    (
        "Web会議用ヘッドセットのハウリング対策",
        ["ハウリング", "はうりんぐ", "ヘッドセット ハウリング"],
    ),
    (
        "電子申請の受付メールが届かないときの迷惑メール設定",
        ["迷惑メール", "受付メール", "電子申請 迷惑"],
    ),
    ("会議室予約で定例会議を毎週繰り返し登録する", ["繰り返し", "定例 会議室", "毎週 繰り返し"]),
    ("USBメモリの暗号化と持ち出し申請", ["暗号化 USB", "持ち出し申請", "ｕｓｂ 暗号化"]),
    ("グループウェアの代理承認を設定する", ["代理承認", "代理 承認", "グループウェア 代理"]),
    ("印刷ジョブが残って印刷できないときの削除方法", ["印刷ジョブ", "ジョブ 削除", "印刷 ジョブ"]),
]

QUERIES = [
    "在宅",
    "印刷",
    "共有",
    "起案",
    "決裁",
    "VPN",
    "ＶＰＮ",
    "vpn",
    "Zoom",
    "ｚｏｏｍ",
    "LGWAN",
    "Excel",
    "在宅勤務",
    "文書管理",
    "共有フォルダ",
    "ぷりんた",
    "ﾌﾟﾘﾝﾀ",
    "会議",
    "印",
    "鍵",
    "紙",
    "課",
    "申請",
    "権限",
    "テレワーク",
    "パスワード",
    "Teams 会議",
    "VPN 在宅",
    "印刷 複合機",
    "起案 決裁",
    "電子決裁",
    "Web会議",
    "マイク",
    "カメラ 会議",
    "ウイルス",
    "メール 添付",
    "ノートPC",
    "Wi-Fi",
    "年休",
    "PDF",
]


@dataclass
class Post:
    pk: int
    title: str
    body: str
    kind: str
    accepted: bool
    fresh_days: int


def generate(n: int, seed: int = 16) -> list[Post]:
    rng = random.Random(seed)
    posts: list[Post] = []
    for pk in range(1, n + 1):
        a, b = rng.sample(SUBJECTS, 2)
        title = f"{rng.choice(CONTEXTS)}{a}{rng.choice(PROBLEMS)}"
        body = "".join(
            rng.choice(SENTENCES).format(a=rng.choice([a, b, *rng.sample(SUBJECTS, 1)]), b=b)
            for _ in range(rng.randint(2, 4))
        )
        kind = rng.choice(["question", "answer", "answer", "article"])
        posts.append(
            Post(
                pk, title, body, kind, kind == "answer" and rng.random() < 0.3, rng.randint(0, 900)
            )
        )
    # The needles replace posts spread over the range.
    for i, (title, _queries) in enumerate(NEEDLES):
        pk = (i + 1) * (n // (len(NEEDLES) + 1)) or i + 1
        a = rng.choice(SUBJECTS)
        posts[pk - 1] = Post(
            pk,
            title,
            f"{title}について手順をまとめました。{a}の画面から操作します。",
            "article",
            False,
            30,
        )
    return posts


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def run(posts_n: int, queries_n: int, out: str) -> None:
    """In the bench site's process: index, query, write the figures to ``out``."""
    import django

    django.setup()
    import datetime as dt

    from yakuba.accounts.models import User
    from yakuba.accounts.roles import Role
    from yakuba.search import selectors, services
    from yakuba.search.models import Posting, SearchDocument
    from yakuba.search.providers import Document, Provider, providers
    from yakuba.search.text import parse_query

    today = dt.date.today()
    posts = generate(posts_n)
    provider = Provider(
        name="bench.post",
        model=Post,
        documents=lambda p: [
            Document(
                kind=p.kind,
                object_id=p.pk,
                title=p.title,
                body=p.body,
                url=f"/p/{p.pk}/",
                tags=("bench",),
                accepted=p.accepted,
                fresh_on=today - dt.timedelta(days=p.fresh_days),
            )
        ],
        objects=lambda: iter(posts),
    )
    providers.register(provider)
    built = services.rebuild(names=["bench.post"], batch_size=1000)
    postings = Posting.objects.count()
    user = User.objects.create_user("bench", role=Role.STAFF)

    def timed(fn: Any) -> tuple[float, Any]:
        started = time.perf_counter()
        value = fn()
        return (time.perf_counter() - started) * 1000, value

    queries = [QUERIES[i % len(QUERIES)] for i in range(queries_n)]
    for q in QUERIES[:10]:  # warm-up
        selectors.search(user, q)
    index_ms = [timed(lambda q=q: selectors.search(user, q))[0] for q in queries]

    def scan(q: str) -> list[int]:
        from django.db.models import Q

        docs = SearchDocument.objects.all()
        for term in parse_query(q):
            docs = docs.filter(
                Q(folded_title__contains=term.word) | Q(folded_body__contains=term.word)
            )
        docs.count()
        return list(docs.order_by("-pk").values_list("pk", flat=True)[:10])

    scan_ms = [timed(lambda q=q: scan(q))[0] for q in queries[: min(60, queries_n)]]
    hits, total = 0, 0
    needle_ids = {title: i for i, (title, _q) in enumerate(NEEDLES)}
    for title, needle_queries in NEEDLES:
        pk = (needle_ids[title] + 1) * (posts_n // (len(NEEDLES) + 1)) or needle_ids[title] + 1
        for q in needle_queries:
            total += 1
            page = selectors.search(user, q)
            hits += any(r.document.object_id == pk for r in page.results)
    Path(out).write_text(
        json.dumps(
            {
                "posts": posts_n,
                "documents": built.documents,
                "postings": postings,
                "index_s": built.seconds,
                "index_posts_per_s": built.per_second,
                "p50_ms": pct(index_ms, 0.5),
                "p95_ms": pct(index_ms, 0.95),
                "max_ms": max(index_ms),
                "scan_p95_ms": pct(scan_ms, 0.95),
                "recall": hits / total,
                "recall_queries": total,
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=50000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--run", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        run(args.posts, args.queries, args.run)
        return 0
    from yakuba.core import benchserver

    backends = ["sqlite"]
    if args.database_url:
        backends.append("postgres")
        benchserver.PG_ADMIN_URL = args.database_url.rsplit("/", 1)[0] + "/postgres"
    figures: dict[str, dict[str, Any]] = {}
    for backend in backends:
        with benchserver.bench_site(backend, prefix="bench-search") as site:
            out = Path(tempfile.mkdtemp()) / "figures.json"
            site.run_module(
                "yakuba.search.bench",
                "--posts",
                str(args.posts),
                "--queries",
                str(args.queries),
                "--run",
                str(out),
            )
            figures[backend] = json.loads(out.read_text())
    print(f"Search benchmark: {args.posts:,} posts, {args.queries} queries")
    print(
        f"{'database':<10} {'postings':>10} {'index s':>8} {'posts/s':>8} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'max ms':>7} {'scan p95':>9} {'recall':>7}"
    )
    for backend, f in figures.items():
        print(
            f"{backend:<10} {f['postings']:>10,} {f['index_s']:>8.1f} "
            f"{f['index_posts_per_s']:>8.0f} "
            f"{f['p50_ms']:>7.1f} {f['p95_ms']:>7.1f} {f['max_ms']:>7.1f} {f['scan_p95_ms']:>9.1f} "
            f"{f['recall']:>7.3f}"
        )
    print(
        f"(targets: p95 ≤ {TARGET_P95_MS:.0f} ms, recall ≥ {TARGET_RECALL}; scan = substring "
        "scan of the folded text without the index, for comparison)"
    )
    result: dict[str, Any] = {
        "search_p95_ms_sqlite": round(figures["sqlite"]["p95_ms"], 1),
        "search_recall": round(min(f["recall"] for f in figures.values()), 3),
        "index_posts_per_s": round(min(f["index_posts_per_s"] for f in figures.values())),
        "scan_p95_ms_sqlite": round(figures["sqlite"]["scan_p95_ms"], 1),
    }
    if "postgres" in figures:
        result["search_p95_ms_postgres"] = round(figures["postgres"]["p95_ms"], 1)
        result["scan_p95_ms_postgres"] = round(figures["postgres"]["scan_p95_ms"], 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from yakuba.search import services
from yakuba.search.models import Visibility
from yakuba.search.providers import Document, Provider, providers


@dataclass
class Item:
    """A piece of content as a content app would hand it to its provider."""

    pk: int
    title: str
    body: str = ""
    kind: str = "question"
    tags: tuple[str, ...] = ()
    unit_id: int | None = None
    visibility: str = Visibility.STAFF
    capability: str = ""
    accepted: bool = False
    fresh_on: dt.date | None = None
    hidden: bool = False
    store: list[Item] = field(default_factory=list, repr=False)


ITEMS: list[Item] = []


def _documents(item: Item) -> list[Document]:
    if item.hidden:
        return []
    return [
        Document(
            kind=item.kind,
            object_id=item.pk,
            title=item.title,
            body=item.body,
            url=f"/knowledge/{item.pk}/",
            tags=item.tags,
            unit_id=item.unit_id,
            visibility=item.visibility,
            capability=item.capability,
            accepted=item.accepted,
            fresh_on=item.fresh_on,
        )
    ]


PROVIDER = Provider(name="test.item", model=Item, documents=_documents, objects=lambda: ITEMS)

# A fixed Japanese set: the same queries must find the same documents on both databases.
CORPUS = [
    Item(
        1,
        "自宅からVPNに接続できない",
        "在宅勤務の日にＶＰＮ端末が認証エラーになります。",
        tags=("VPN 接続",),
    ),
    Item(
        2,
        "複合機で両面印刷する方法",
        "ﾌﾟﾘﾝﾀｰのプロパティで両面を選びます。",
        kind="article",
        tags=("印刷",),
    ),
    Item(
        3,
        "共有フォルダに書き込めない",
        "課の共有フォルダの権限を情報政策課に申請してください。",
        kind="answer",
        accepted=True,
    ),
    Item(
        4,
        "Zoomのミーティングに入れない",
        "ｚｏｏｍのアプリを最新にしてから参加してください。",
        tags=("Zoom の操作",),
    ),
    Item(
        5,
        "Excelで起案文書の一覧を作る",
        "文書管理システムから起案と決裁の一覧をExcelに出力します。",
        kind="article",
    ),
    Item(
        6,
        "LGWANテレワークの始め方",
        "ＬＧＷＡＮ接続系のシンクライアントで在宅勤務をする手順です。",
        kind="article",
    ),
    Item(7, "ぷりんたーが反応しない", "印刷ジョブを削除してから再起動します。"),
    Item(8, "宅配便の受け取りと在庫", "在庫の確認は勤務時間内にお願いします。"),
    Item(9, "印鑑の押印について", "電子決裁では押印は不要です。"),
]


@pytest.fixture
def provider() -> Iterator[Provider]:
    providers.register(PROVIDER)
    yield PROVIDER
    providers.unregister(PROVIDER.name)
    ITEMS.clear()


@pytest.fixture
def corpus(db, provider) -> list[Item]:
    ITEMS[:] = [
        Item(**{k: getattr(i, k) for k in Item.__dataclass_fields__ if k != "store"})
        for i in CORPUS
    ]
    for item in ITEMS:
        services.index(item)
    return ITEMS

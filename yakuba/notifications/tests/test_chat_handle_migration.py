"""The upgrade that makes chat handles unique: what two people registered is released for
both (audited, each told), the rest is kept, and the database refuses duplicates after."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("notifications", "0002_chat_identity")]
AFTER = [("notifications", "0003_chat_handle_once_per_chat")]


def _migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_shared_handles_are_released_for_everyone_and_reported(org, make_user, capsys) -> None:
    from yakuba.audit.models import AuditEntry
    from yakuba.audit.services import verify_chain
    from yakuba.notifications.models import ChatIdentity, Notice

    yamada_user = make_user("staff", username="yamada", unit_key="shimin")
    sato_user = make_user("staff", username="sato", unit_key="madoguchi")
    suzuki = org["staff"]["2001"]  # no account: nobody to tell in-app
    try:
        old = _migrate(BEFORE)
        Identity = old.get_model("notifications", "ChatIdentity")
        Identity.objects.create(staff_id=yamada_user.staff.pk, kind="mattermost", handle="taro")
        Identity.objects.create(staff_id=sato_user.staff.pk, kind="mattermost", handle="Taro")
        Identity.objects.create(staff_id=suzuki.pk, kind="mattermost", handle="taro")
        Identity.objects.create(staff_id=yamada_user.staff.pk, kind="slack", handle="U0YAMADA1")
        Identity.objects.create(staff_id=sato_user.staff.pk, kind="teams", handle="taro")
        _migrate(AFTER)
    finally:
        _migrate(_leaves())
    assert "removed 3 chat ID registrations" in capsys.readouterr().out
    kept = set(ChatIdentity.objects.values_list("staff__user__username", "kind", "handle"))
    assert kept == {("yamada", "slack", "U0YAMADA1"), ("sato", "teams", "taro")}
    entries = AuditEntry.objects.filter(object_type="notifications.chatidentity", action="delete")
    assert sorted(e.changes["staff"] for e in entries) == sorted(
        [yamada_user.staff.name, sato_user.staff.name, suzuki.name]
    )
    assert {e.actor_label for e in entries} == {"migration notifications.0003"}
    assert verify_chain() is None
    notices = Notice.objects.filter(subject="チャットのIDの登録を取り消しました")
    assert sorted(n.recipient.username for n in notices) == ["sato", "yamada"]
    assert "もう一度登録してください" in notices[0].body
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatIdentity.objects.create(staff=suzuki, kind="teams", handle="TARO")


def _leaves() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()

# One person per chat account. Slash commands are attributed to the person who registered
# the sender's chat ID, so a handle registered by two people (possible until now) is
# ambiguous: nobody can tell which registration is the real one. Every registration of
# such a handle is therefore removed (not one guessed to be right), each removal audited,
# each person with an account told in-app to register again; the migration prints a
# summary. Then the database refuses the same handle twice per chat, case-insensitively.

from collections import defaultdict

from django.db import migrations, models
from django.db.models.functions import Lower
from django.utils.translation import gettext as _


def release_shared_handles(apps, schema_editor):
    # The audit trail is one hash chain written only by `record` (the real service: its
    # chain rules are not something to copy here).
    from yakuba.audit.services import record

    ChatIdentity = apps.get_model("notifications", "ChatIdentity")
    Notice = apps.get_model("notifications", "Notice")
    holders = defaultdict(list)
    for identity in ChatIdentity.objects.select_related("staff").order_by("pk"):
        holders[(identity.kind, identity.handle.lower())].append(identity)
    shared = [group for group in holders.values() if len(group) > 1]
    for group in shared:
        for identity in group:
            staff = identity.staff
            record(
                "delete",
                actor=None,
                actor_label="migration notifications.0003",
                object_type="notifications.chatidentity",
                object_id=str(identity.pk),
                object_repr=f"{identity.kind}: {identity.handle}"[:200],
                changes={
                    "staff": staff.name,
                    "kind": identity.kind,
                    "handle": [identity.handle, None],
                    "reason": "the same chat ID was registered for several people",
                },
            )
            if staff.user_id:
                Notice.objects.create(
                    recipient_id=staff.user_id,
                    subject=_("チャットのIDの登録を取り消しました"),
                    body=_(
                        "%(handle)s（%(kind)s）は、ほかの職員も同じIDを登録していたため、"
                        "全員の登録を取り消しました。ご自分のIDであれば、アカウント情報の"
                        "「チャットのID」からもう一度登録してください。登録できないときは"
                        "人事担当に連絡してください。"
                    )
                    % {"handle": identity.handle, "kind": identity.kind},
                    url="/notices/chat-ids/",
                )
            identity.delete()
    if shared:
        print(  # noqa: T201 - migrate's own output is where an administrator looks
            f"\n  notifications.0003: removed {sum(map(len, shared))} chat ID registrations "
            f"shared by several people ({len(shared)} chat IDs); each is in the audit trail "
            "and each person with an account was told to register again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("notifications", "0002_chat_identity"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(release_shared_handles, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="chatidentity",
            constraint=models.UniqueConstraint(
                models.F("kind"),
                Lower("handle"),
                name="chat_handle_once_per_chat",
                violation_error_message="同じチャットのIDは一人にしか登録できません。",
            ),
        ),
    ]

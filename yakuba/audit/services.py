"""Writing to the audit trail. Every service that changes data calls `record`."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from yakuba.audit.models import GENESIS_HASH, AuditAction, AuditChainHead, AuditEntry
from yakuba.core import system_actor

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    # Who acted: a user, the anonymous user of a request, or None for the system.
    Actor = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None


_request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "yakuba_audit_request", default=None
)

# Fields whose values never go into the trail: only the fact that they changed.
SENSITIVE_FIELDS = frozenset({"password", "token_hash", "key", "secret", "email", "health"})


def set_request_context(ip_address: str | None) -> contextvars.Token:
    return _request_context.set(RequestContext(ip_address=ip_address))


def reset_request_context(token: contextvars.Token) -> None:
    _request_context.reset(token)


def _actor_label(actor: Actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        # Nobody signed in acted: the system job at work, if any (core.system_actor).
        return system_actor.current()
    return actor.get_username()


def record(
    action: str,
    *,
    actor: Actor = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain (inside the caller's transaction if any)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    ctx = _request_context.get()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        # Only a signed-in account is linked; the anonymous user and the system are not.
        user = actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=user,
            actor_label=actor_label if actor_label is not None else _actor_label(actor),
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            changes=dict(changes or {}),
            ip_address=ctx.ip_address if ctx else None,
            prev_hash=head.last_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save(force_insert=True)
        head.last_seq = entry.seq
        head.last_hash = entry.entry_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class Entry:
    """One entry of `record_many` (the arguments `record` takes, for one object)."""

    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: Mapping[str, Any]


def record_many(
    entries: Iterable[Entry], *, actor: Actor = None, actor_label: str | None = None
) -> int:
    """Append many entries at once, in order, by the same actor: one lock of the chain
    head and one bulk insert instead of three queries per entry (an import of thousands
    of people stays a handful of queries). Same chain, same hashes as `record`."""
    items = list(entries)
    if not items:
        return 0
    ctx = _request_context.get()
    user = actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None
    label = actor_label if actor_label is not None else _actor_label(actor)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        seq, prev = head.last_seq, head.last_hash
        rows: list[AuditEntry] = []
        for item in items:
            seq += 1
            entry = AuditEntry(
                seq=seq,
                at=timezone.now(),
                actor=user,
                actor_label=label,
                action=item.action,
                object_type=item.object_type,
                object_id=item.object_id,
                object_repr=item.object_repr[:200],
                changes=dict(item.changes),
                ip_address=ctx.ip_address if ctx else None,
                prev_hash=prev,
            )
            entry.entry_hash = entry.compute_hash()
            prev = entry.entry_hash
            rows.append(entry)
        AuditEntry.objects.bulk_create(rows, batch_size=500)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    return len(rows)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Values of `fields` on `obj`, in a JSON-friendly form (M2M as sorted lists of str)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(str(x) for x in getattr(obj, name).all()) if obj.pk else []
        elif field.is_relation:
            values[name] = str(getattr(obj, name)) if getattr(obj, name) is not None else None
        else:
            value = getattr(obj, name)
            values[name] = value if isinstance(value, (str, int, bool, type(None))) else str(value)
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Changed fields as {field: [old, new]}; sensitive fields report only that they changed."""
    changed: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changed[key] = "(changed)" if key in SENSITIVE_FIELDS else [old, new]
    return changed


def save_audited(
    *,
    actor: Actor,
    obj: models.Model,
    creating: bool,
    fields: tuple[str, ...],
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> Any:
    """Validate, save and record the changed `fields` (create or update) in the trail.

    Call inside the caller's transaction. The "before" is read from the database because
    a bound ModelForm has already changed `obj` in memory.
    """
    before = {} if creating else snapshot(type(obj)._default_manager.get(pk=obj.pk), fields)
    m2m = m2m or {}
    for key, value in values.items():
        setattr(obj, key, value)
    obj.full_clean(exclude=list(m2m))
    obj.save()
    for key, items in m2m.items():
        getattr(obj, key).set(list(items))
    changes = diff(before, snapshot(obj, fields))
    if changes:
        record(
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            actor=actor,
            obj=obj,
            changes=changes,
        )
    return obj


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(batch_size: int = 2000) -> ChainProblem | None:
    """Walk the chain in order; return the first broken link, or None if intact."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq = 0
    qs = AuditEntry.objects.order_by("seq")
    for entry in qs.iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return ChainProblem(expected_seq, "missing entry (deleted?)")
        if entry.prev_hash != expected_prev:
            return ChainProblem(entry.seq, "previous-hash link does not match")
        if entry.compute_hash() != entry.entry_hash:
            return ChainProblem(entry.seq, "content does not match its hash (altered)")
        expected_prev = entry.entry_hash
        expected_seq += 1
        last_seq = entry.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != last_seq:
        return ChainProblem(last_seq + 1, "entries missing at the end of the chain (deleted?)")
    return None


__all__ = [
    "AuditAction",
    "ChainProblem",
    "Entry",
    "diff",
    "record",
    "record_many",
    "save_audited",
    "snapshot",
    "verify_chain",
]

"""Shared test fixtures: a small organisation and one signed-in client per role."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

os.environ.setdefault("YAKUBA_TESTING", "1")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def private_media_root(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Files the tests store (import uploads) go to a temporary directory, not var/media."""
    from django.conf import settings
    from django.core.files.storage import storages

    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    storage = storages["default"]
    for cached in ("base_location", "location"):
        storage.__dict__.pop(cached, None)


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language (Japanese). A test-client request in English
    leaves English active in the test's thread (LocaleMiddleware does not undo it), which
    made later tests in the same worker build digests and messages in English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def org(db):
    """Two divisions under one department, each with a section, staff and a counter."""
    from yakuba.org.models import Counter, Skill, Staff, Unit

    dept = Unit(code="100", name="市民部", name_kana="シミンブ", kind="department")
    dept.save()
    shimin = Unit(code="110", name="市民課", name_kana="シミンカ", kind="division", parent=dept)
    shimin.save()
    madoguchi = Unit(
        code="111", name="窓口係", name_kana="マドグチカカリ", kind="section", parent=shimin
    )
    madoguchi.save()
    zeimu = Unit(code="120", name="税務課", name_kana="ゼイムカ", kind="division", parent=dept)
    zeimu.save()
    juminhyo = Skill.objects.create(code="juminhyo", name="住民票")
    koseki = Skill.objects.create(code="koseki", name="戸籍")
    zei = Skill.objects.create(code="zei", name="税証明")
    people = {}
    for number, name, kana, unit in [
        ("1001", "山田 太郎", "ヤマダ タロウ", shimin),
        ("1002", "佐藤 花子", "サトウ ハナコ", madoguchi),
        ("2001", "鈴木 一郎", "スズキ イチロウ", zeimu),
    ]:
        s = Staff(
            staff_number=number, name=name, name_kana=kana, unit=unit, email=f"s{number}@example.jp"
        )
        s.save()
        people[number] = s
    people["1002"].skills.set([juminhyo, koseki])
    people["2001"].skills.set([zei])
    counter = Counter.objects.create(
        code="C-JUMIN", name="住民票窓口", unit=madoguchi, opens_saturday=True
    )
    counter.required_skills.set([juminhyo])
    zeicounter = Counter.objects.create(code="C-ZEI", name="税証明窓口", unit=zeimu)
    return {
        "dept": dept,
        "shimin": shimin,
        "madoguchi": madoguchi,
        "zeimu": zeimu,
        "skills": {"juminhyo": juminhyo, "koseki": koseki, "zei": zei},
        "staff": people,
        "counter": counter,
        "zei_counter": zeicounter,
    }


ROLES = ("staff", "unit_head", "hr", "infosec", "auditor", "sysadmin", "planning")


@pytest.fixture
def make_user(db, org) -> Callable[..., object]:
    from yakuba.accounts.models import User

    def make(
        role: str,
        *,
        unit_key: str = "shimin",
        username: str | None = None,
        staff_number: str | None = None,
    ):
        from yakuba.org.models import Staff

        user = User.objects.create_user(username=username or f"u-{role}", password=None, role=role)
        staff = Staff(
            staff_number=staff_number or f"9{ROLES.index(role)}{User.objects.count():02d}",
            name=f"{role} 職員",
            name_kana="ショクイン",
            unit=org[unit_key],
            user=user,
        )
        staff.save()
        return user

    return make


def verified_client(client, user):
    """A client signed in as `user`, with the second factor passed for privileged roles."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if user.is_privileged:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(make_user, client_factory) -> Callable[[str], object]:
    def get(role: str):
        if role == "anonymous":
            return client_factory()
        return verified_client(client_factory(), make_user(role))

    return get


@pytest.fixture
def client_factory():
    from django.test import Client

    return lambda: Client()


@pytest.fixture(scope="session")
def browser():
    """One Debian chromium per test process, shared by every browser test module.

    Playwright's sync API allows one running instance per thread: per-module fixtures
    collide when pytest-xdist interleaves modules in one worker.
    """
    from playwright.sync_api import sync_playwright

    from yakuba.core.tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def task_worker(settings):
    """Tasks enqueued by the test go to the database queue of the test database, and
    ``task_worker(**env)`` gives a real `manage.py db_worker` (`yakuba.demo.faultbench.Worker`)
    on that same database: started, SIGKILLed and restarted by the test. Extra environment
    (fault pauses, SMTP port, outbound policy) is passed as keyword arguments."""
    from django.db import connection

    from yakuba.demo.faultbench import Worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    base = {k: v for k, v in os.environ.items() if k not in ("YAKUBA_TESTING", "DATABASE_URL")}
    base.update(
        DATABASE_URL=url,
        DEBUG="1",  # the test's SECRET_KEY is short; it must be the same to read channel URLs
        SECRET_KEY=settings.SECRET_KEY,
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="yakuba.settings",
    )
    started: list[Worker] = []

    def make(**env: str) -> Worker:
        worker = Worker({**base, **env})
        started.append(worker)
        return worker

    yield make
    for worker in started:
        worker.stop()


class SmtpInbox:
    """Messages received by the test SMTP server (`smtp_server`), parsed."""

    def __init__(self) -> None:
        self.messages: list = []
        # Replies for the next DATA commands instead of accepting, e.g. "451 4.3.0 busy"
        # (a transient refusal) or "550 5.1.1 no such user": `refuse_next`.
        self.refusals: list[str] = []

    def clear(self) -> None:
        self.messages.clear()
        self.refusals.clear()

    def refuse_next(self, *replies: str) -> None:
        self.refusals.extend(replies)

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m.get("To", ""))]

    @staticmethod
    def body(message) -> str:
        part = message.get_body(preferencelist=("plain",)) if message.is_multipart() else message
        return part.get_content()


@pytest.fixture(scope="session")
def _smtp_controller():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, for the whole run."""
    import email
    import email.policy

    from aiosmtpd.controller import Controller

    from yakuba.core.benchserver import free_port

    inbox = SmtpInbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope) -> str:
            if inbox.refusals:
                return inbox.refusals.pop(0)
            raw = envelope.original_content or envelope.content
            inbox.messages.append(email.message_from_bytes(raw, policy=email.policy.default))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(_smtp_controller, settings) -> SmtpInbox:
    """Django's SMTP backend pointed at a real local SMTP server; returns its inbox
    (emptied for each test). Reusable by any app's tests."""
    controller, inbox = _smtp_controller
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    inbox.clear()
    return inbox

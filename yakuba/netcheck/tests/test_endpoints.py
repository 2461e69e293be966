"""Measuring endpoints: authentication, runs, rate and size limits, streaming, CSRF."""

from __future__ import annotations

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from yakuba.netcheck import views
from yakuba.netcheck.models import NetcheckRun

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("post", "netcheck:start"),
    ("get", "netcheck:ping"),
    ("get", "netcheck:download"),
    ("post", "netcheck:upload"),
]


def start(client) -> str:
    response = client.post(reverse("netcheck:start"))
    assert response.status_code == 200, response.content
    return response.json()["run"]


@pytest.mark.parametrize("method,name", ENDPOINTS)
def test_anonymous_gets_401_and_nothing_is_created(client, method, name) -> None:
    response = getattr(client, method)(reverse(name) + "?run=x&size=10")
    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated"}
    assert not NetcheckRun.objects.exists()


@pytest.mark.parametrize("name", ["netcheck:check", "netcheck:history", "netcheck:save"])
def test_pages_send_anonymous_to_sign_in(client, name) -> None:
    response = client.get(reverse(name)) if name != "netcheck:save" else client.post(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_start_returns_a_run_and_is_audited(staff_client) -> None:
    from yakuba.audit.models import AuditEntry

    client, user = staff_client
    token = start(client)
    run = NetcheckRun.objects.get(token=token)
    assert run.user == user
    assert AuditEntry.objects.filter(object_type="netcheck.netcheckrun", actor=user).count() == 1


def test_runs_per_minute_are_limited(staff_client, settings) -> None:
    settings.NETCHECK_RUNS_PER_MINUTE = 2
    client, _user = staff_client
    start(client)
    start(client)
    response = client.post(reverse("netcheck:start"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert response.json()["error"] == "rate_limited"
    assert NetcheckRun.objects.count() == 2


def test_the_limit_is_per_person(staff_client, make_user, client_factory, settings) -> None:
    from conftest import verified_client

    settings.NETCHECK_RUNS_PER_MINUTE = 1
    client, _user = staff_client
    start(client)
    assert client.post(reverse("netcheck:start")).status_code == 429
    other = verified_client(client_factory(), make_user("unit_head"))
    start(other)


def test_old_runs_do_not_count(staff_client, settings) -> None:
    import datetime as dt

    settings.NETCHECK_RUNS_PER_MINUTE = 1
    client, _user = staff_client
    start(client)
    NetcheckRun.objects.update(
        created_at=NetcheckRun.objects.get().created_at - dt.timedelta(minutes=2)
    )
    start(client)


def test_ping_is_204_and_limited_per_run(staff_client, settings) -> None:
    settings.NETCHECK_MAX_PINGS_PER_RUN = 3
    client, _user = staff_client
    token = start(client)
    for _ in range(3):
        response = client.get(reverse("netcheck:ping"), {"run": token})
        assert response.status_code == 204
        assert "no-store" in response["Cache-Control"]
    assert client.get(reverse("netcheck:ping"), {"run": token}).status_code == 429


def test_someone_elses_run_is_refused(staff_client, make_user, client_factory) -> None:
    from conftest import verified_client

    client, _user = staff_client
    token = start(client)
    other = verified_client(client_factory(), make_user("unit_head"))
    assert other.get(reverse("netcheck:ping"), {"run": token}).status_code == 400
    assert other.get(reverse("netcheck:download"), {"run": token}).status_code == 400


def test_download_streams_incompressible_bounded_chunks(staff_client, settings) -> None:
    client, _user = staff_client
    token = start(client)
    size = 3 * len(views._CHUNK) + 1234
    response = client.get(reverse("netcheck:download"), {"run": token, "size": size})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Cache-Control"].startswith("no-store")
    assert response["Content-Encoding"] == "identity"
    assert response["Content-Length"] == str(size)
    chunks = list(response)
    assert max(len(c) for c in chunks) <= len(views._CHUNK)
    assert sum(len(c) for c in chunks) == size
    assert NetcheckRun.objects.get(token=token).download_bytes == size


def test_stream_generator_never_builds_the_payload() -> None:
    gen = views.stream_bytes(10 * 1024**3)  # 10 GiB asked for: only one chunk ever exists
    first = next(gen)
    second = next(gen)
    assert first is views._CHUNK and second is views._CHUNK
    assert len(set(views._CHUNK[:4096])) > 200  # random bytes, not a compressible pattern


def test_download_size_limits(staff_client, settings) -> None:
    settings.NETCHECK_MAX_DOWNLOAD_REQUEST_BYTES = 1000
    client, _user = staff_client
    token = start(client)
    url = reverse("netcheck:download")
    assert client.get(url, {"run": token, "size": 1001}).status_code == 400
    assert client.get(url, {"run": token, "size": 0}).status_code == 400
    assert client.get(url, {"run": token, "size": "lots"}).status_code == 400
    assert client.get(url, {"run": token, "size": 1000}).status_code == 200


def test_download_budget_per_run(staff_client, settings) -> None:
    settings.NETCHECK_MAX_DOWNLOAD_BYTES_PER_RUN = 2500
    client, _user = staff_client
    token = start(client)
    url = reverse("netcheck:download")
    assert client.get(url, {"run": token, "size": 1000}).status_code == 200
    assert client.get(url, {"run": token, "size": 1000}).status_code == 200
    assert client.get(url, {"run": token, "size": 1000}).status_code == 429
    assert client.get(url, {"run": token, "size": 500}).status_code == 200
    assert NetcheckRun.objects.get(token=token).download_bytes == 2500


def test_expired_run_is_refused(staff_client) -> None:
    from django.utils import timezone

    client, _user = staff_client
    token = start(client)
    NetcheckRun.objects.update(expires_at=timezone.now())
    assert client.get(reverse("netcheck:download"), {"run": token, "size": 10}).status_code == 429
    assert client.get(reverse("netcheck:ping"), {"run": token}).status_code == 429


def _upload(client, token: str, body: bytes, **extra):
    return client.generic(
        "POST",
        reverse("netcheck:upload") + f"?run={token}",
        body,
        content_type="application/octet-stream",
        **extra,
    )


def test_upload_reads_and_discards(staff_client, monkeypatch) -> None:
    client, _user = staff_client
    token = start(client)
    body = b"\x01" * (200 * 1024 + 7)
    response = _upload(client, token, body)
    assert response.status_code == 200
    assert response.json() == {"received": len(body)}
    assert NetcheckRun.objects.get(token=token).upload_bytes == len(body)


def test_upload_reads_in_bounded_chunks(rf, make_user) -> None:
    from io import BytesIO

    user = make_user("staff")
    from yakuba.netcheck import services

    run = services.start_run(user)
    body = b"\x02" * (300 * 1024)
    request = rf.generic(
        "POST", f"/netcheck/upload/?run={run.token}", body, content_type="application/octet-stream"
    )
    request.user = user
    request._dont_enforce_csrf_checks = True
    reads: list[int] = []
    stream = BytesIO(body)

    def read(n: int = -1) -> bytes:
        reads.append(n)
        return stream.read(n)

    request.read = read
    response = views.upload(request)
    assert response.status_code == 200
    assert reads and all(0 < n <= views.READ_BYTES for n in reads)


def test_upload_size_limits(staff_client, settings) -> None:
    settings.NETCHECK_MAX_UPLOAD_REQUEST_BYTES = 1000
    settings.NETCHECK_MAX_UPLOAD_BYTES_PER_RUN = 1500
    client, _user = staff_client
    token = start(client)
    assert _upload(client, token, b"x" * 1001).status_code == 413
    assert _upload(client, token, b"").status_code == 411  # no body, no length
    assert _upload(client, token, b"x" * 1000).status_code == 200
    assert _upload(client, token, b"x" * 600).status_code == 429
    assert _upload(client, token, b"x" * 500).status_code == 200


def test_upload_needs_a_csrf_token(make_user) -> None:
    from django.test import Client

    from conftest import verified_client

    client = verified_client(Client(enforce_csrf_checks=True), make_user("staff"))
    page = client.get(reverse("netcheck:check"))
    csrf = page.context["csrf_token"]
    token = client.post(reverse("netcheck:start"), HTTP_X_CSRFTOKEN=str(csrf)).json()["run"]
    assert _upload(client, token, b"x" * 100).status_code == 403
    assert _upload(client, token, b"x" * 100, HTTP_X_CSRFTOKEN=str(csrf)).status_code == 200

"""Outbound webhooks under test: DNS answers for example names, a local receiver allowed the
way an administrator allows an on-premise chat server, and a guard that no test ever
connects anywhere but this machine."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from yakuba.notifications import outbound


@pytest.fixture(autouse=True)
def only_loopback_connections(monkeypatch) -> None:
    """Tests use example names with public-looking addresses: nothing may ever be sent there
    (the policy must refuse or the test must use the local receiver)."""
    real = outbound._post_to

    def post_to(target: Any, address: Any, *args: Any, **kwargs: Any) -> int:
        assert address.is_loopback, f"a test tried to connect to {address}"
        return real(target, address, *args, **kwargs)

    monkeypatch.setattr(outbound, "_post_to", post_to)


@pytest.fixture
def dns(monkeypatch) -> dict[str, list[str]]:
    """What example names resolve to. This machine resolves no outside name, so the answers
    are given here (a list of addresses; an empty list: the name does not exist); the
    policy's checks of those addresses are the real ones. ``localhost`` resolves for real."""
    answers: dict[str, list[str]] = {}
    real = outbound.resolve

    def resolve(host: str, port: int) -> list[Any]:
        if host in answers:
            if not answers[host]:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return [ipaddress.ip_address(a) for a in answers[host]]
        if host == "localhost":
            return real(host, port)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(outbound, "resolve", resolve)
    return answers


@dataclass
class Receiver:
    """A local chat server: answers each POST with the next of `statuses` (200 when none
    are left) and keeps what it accepted; `requests` lists every request (method, path, Host)."""

    url: str
    port: int
    statuses: list[int] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    received: list[dict] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)


def start_receiver() -> tuple[Receiver, http.server.ThreadingHTTPServer]:
    box: dict[str, Receiver] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            receiver = box["r"]
            receiver.requests.append((self.command, self.path, self.headers.get("Host", "")))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            if status == 200 and body:
                receiver.received.append(json.loads(body))
            self.send_response(status)
            for name, value in receiver.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_POST = _answer
        do_GET = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_port
    box["r"] = Receiver(url=f"http://127.0.0.1:{port}/hooks/secret-token-xyz", port=port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return box["r"], server


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    """A local receiver on 127.0.0.1 that the settings allow explicitly (host, plain http and
    the loopback address), as the demo does; the defaults refuse all three."""
    receiver, server = start_receiver()
    settings.OUTBOUND_WEBHOOK_HOSTS = [f"127.0.0.1:{receiver.port}"]
    settings.OUTBOUND_WEBHOOK_ALLOW_HTTP = True
    settings.OUTBOUND_WEBHOOK_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    yield receiver
    server.shutdown()
    server.server_close()


def self_signed_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """A certificate for `name` signed by nobody trusted, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path

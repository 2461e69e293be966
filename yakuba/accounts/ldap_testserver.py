"""A real OpenLDAP server for the tests: an Active-Directory-like tree served by `slapd`.

`LdapServer.start()` writes a temporary slapd.conf, a CA and a server certificate (for
StartTLS and LDAPS), a small schema with the AD attributes Yakuba reads
(sAMAccountName, userPrincipalName, employeeID, userAccountControl) and loads the tree
below with `slapadd`; `memberOf` is kept by slapd's memberof overlay, as AD keeps it.
The server listens on free ports of 127.0.0.1 and is stopped (and its files removed) by
`stop()`. Used by the accounts test suite (`accounts/tests/conftest.py`) and the accounts
benchmark (`accounts/bench_ldap.py`); not a test module itself, so the benchmark can import
it from an installed package.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")

BASE_DN = "DC=midorino,DC=local"
USERS_DN = f"OU=Staff,{BASE_DN}"
GROUPS_DN = f"OU=Groups,{BASE_DN}"
SERVICE_DN = f"CN=svc-yakuba,OU=Service,{BASE_DN}"
SERVICE_PASSWORD = "service-account-secret"  # noqa: S105 - a throw-away test directory
USER_PASSWORD = "directory-pass-2027"  # noqa: S105 - a throw-away test directory
INFOSEC_GROUP = f"CN=Yakuba-Infosec,{GROUPS_DN}"
HR_GROUP = f"CN=Yakuba-HR,{GROUPS_DN}"
ALL_STAFF_GROUP = f"CN=All-Staff,{GROUPS_DN}"

# AD's own OIDs for its attributes; EQUALITY rules so that filters on them work in slapd
# (the msuser.schema shipped with slapd defines none).
AD_SCHEMA = """
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.35 NAME 'employeeID'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.2.840.113556.1.5.9 NAME 'user' SUP inetOrgPerson STRUCTURAL
  MAY ( sAMAccountName $ userPrincipalName $ employeeID $ userAccountControl ) )
objectclass ( 1.2.840.113556.1.5.8 NAME 'group' SUP groupOfNames STRUCTURAL
  MAY ( sAMAccountName $ mail ) )
"""

# userAccountControl: 512 = normal account, 514 = normal + ACCOUNTDISABLE (bit 2).
ENABLED, DISABLED = 512, 514


@dataclass
class DirectoryUser:
    sam: str
    display_name: str
    employee_id: str | None = None
    mail: str | None = None
    groups: tuple[str, ...] = ()
    uac: int = ENABLED
    password: str = USER_PASSWORD

    @property
    def dn(self) -> str:
        return f"CN={self.sam},{USERS_DN}"


# The tree: staff numbers match the `org` fixture of the test suite (1001, 1002, 2001).
DEFAULT_USERS: tuple[DirectoryUser, ...] = (
    DirectoryUser("yamada", "山田 太郎", "1001", "s1001@example.jp", (ALL_STAFF_GROUP,)),
    # No employeeID: linked by e-mail.
    DirectoryUser("sato", "佐藤 花子", None, "s1002@example.jp", (ALL_STAFF_GROUP,)),
    # In the information-security group.
    DirectoryUser("suzuki", "鈴木 一郎", "2001", "s2001@example.jp", (INFOSEC_GROUP,)),
    # Disabled in the directory (userAccountControl bit 2).
    DirectoryUser("leaver", "退職 済子", "3001", "leaver@example.jp", uac=DISABLED),
    # No staff record in Yakuba.
    DirectoryUser("newbie", "新人 一年", "8888", "newbie@example.jp"),
    # Two directory entries with the same staff number: reported, never guessed.
    DirectoryUser("twin1", "双子 一", "7777", "twin1@example.jp"),
    DirectoryUser("twin2", "双子 二", "7777", "twin2@example.jp"),
)


def _die_with_parent() -> None:
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def slapd_available() -> bool:
    return os.access(SLAPD, os.X_OK) and os.access(SLAPADD, os.X_OK)


def _write_certificates(directory: Path, *, expired: bool = False) -> tuple[Path, Path, Path]:
    """A throw-away CA and a certificate for 127.0.0.1/localhost signed by it (both
    expired a day ago with ``expired``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC) - (dt.timedelta(days=31) if expired else dt.timedelta(0))

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("Midorino Test CA"))
        .issuer_name(name("Midorino Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = (
        directory / "ca.pem",
        directory / "server.pem",
        directory / "server.key",
    )
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return ca_path, cert_path, key_path


ROOT_DN = f"CN=admin,{BASE_DN}"


def _entries(users: tuple[DirectoryUser, ...]) -> list[tuple[str, dict[str, list[str]]]]:
    entries: list[tuple[str, dict[str, list[str]]]] = [
        (
            BASE_DN,
            {
                "objectClass": ["dcObject", "organization"],
                "dc": ["midorino"],
                "o": ["Midorino City"],
            },
        ),
        (USERS_DN, {"objectClass": ["organizationalUnit"], "ou": ["Staff"]}),
        (GROUPS_DN, {"objectClass": ["organizationalUnit"], "ou": ["Groups"]}),
        (f"OU=Service,{BASE_DN}", {"objectClass": ["organizationalUnit"], "ou": ["Service"]}),
        (
            SERVICE_DN,
            {
                "objectClass": ["person"],
                "cn": ["svc-yakuba"],
                "sn": ["service"],
                "userPassword": [SERVICE_PASSWORD],
            },
        ),
    ]
    entries += [user_entry(u) for u in users]
    for group in (ALL_STAFF_GROUP, INFOSEC_GROUP, HR_GROUP):
        # groupOfNames needs a member: the service account holds every group open.
        members = [u.dn for u in users if group in u.groups] or [SERVICE_DN]
        cn = group.split(",", 1)[0].split("=", 1)[1]
        entries.append(
            (
                group,
                {"objectClass": ["group"], "cn": [cn], "sAMAccountName": [cn], "member": members},
            )
        )
    return entries


def user_entry(u: DirectoryUser) -> tuple[str, dict[str, list[str]]]:
    attrs = {
        "objectClass": ["user"],
        "cn": [u.sam],
        "sn": [u.display_name.split()[0]],
        "sAMAccountName": [u.sam],
        "userPrincipalName": [f"{u.sam}@midorino.local"],
        "displayName": [u.display_name],
        "userAccountControl": [str(u.uac)],
        "userPassword": [u.password],
    }
    if u.employee_id:
        attrs["employeeID"] = [u.employee_id]
    if u.mail:
        attrs["mail"] = [u.mail]
    return u.dn, attrs


def _modlist(attrs: dict[str, list[str]]) -> list[tuple[str, list[bytes]]]:
    return [(k, [v.encode() for v in vs]) for k, vs in attrs.items()]


@dataclass
class LdapServer:
    users: tuple[DirectoryUser, ...] = DEFAULT_USERS
    port: int = 0
    ldaps_port: int = 0
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="yakuba-slapd-")))
    process: subprocess.Popen | None = None
    ca_file: Path | None = None

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_uri(self) -> str:
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    def settings(self, **overrides: object) -> dict[str, object]:
        """Yakuba's LDAP_* settings for this server (plain LDAP on loopback)."""
        values: dict[str, object] = {
            "LDAP_SERVER_URI": self.uri,
            "LDAP_BIND_DN": SERVICE_DN,
            "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "LDAP_SEARCH_BASE": USERS_DN,
            "LDAP_START_TLS": False,
            "LDAP_ALLOW_PLAINTEXT": True,
            "LDAP_CA_FILE": "",
            "LDAP_ROLE_GROUPS": "",
            "LDAP_TIMEOUT_SECONDS": 3,
        }
        values.update(overrides)
        return values

    def start(self) -> LdapServer:
        self.port = self.port or free_port()
        self.ldaps_port = self.ldaps_port or free_port()
        data = self.root / "data"
        data.mkdir(parents=True, exist_ok=True)
        self.ca_file, cert, key = _write_certificates(self.root)
        (self.root / "ad.schema").write_text(AD_SCHEMA)
        conf = self.root / "slapd.conf"
        conf.write_text(
            "\n".join(
                [
                    f"include {SCHEMA_DIR / 'core.schema'}",
                    f"include {SCHEMA_DIR / 'cosine.schema'}",
                    f"include {SCHEMA_DIR / 'inetorgperson.schema'}",
                    f"modulepath {MODULE_DIR}",
                    "moduleload back_mdb",
                    "moduleload memberof",
                    f"include {self.root / 'ad.schema'}",
                    f"pidfile {self.root / 'slapd.pid'}",
                    f"TLSCACertificateFile {self.ca_file}",
                    f"TLSCertificateFile {cert}",
                    f"TLSCertificateKeyFile {key}",
                    "database mdb",
                    "maxsize 104857600",
                    f"suffix {BASE_DN}",
                    f"rootdn {ROOT_DN}",
                    f"rootpw {SERVICE_PASSWORD}",
                    f"directory {data}",
                    "index objectClass eq",
                    "index sAMAccountName,employeeID,mail eq",
                    "overlay memberof",
                    "memberof-group-oc groupOfNames",
                    "memberof-member-ad member",
                    "memberof-memberof-ad memberOf",
                    # Users may bind (auth); the service account reads the tree; passwords
                    # are never readable.
                    "access to attrs=userPassword by anonymous auth by * none",
                    f'access to * by dn.exact="{SERVICE_DN}" read by self read by * none',
                    "",
                ]
            )
        )
        self.process = subprocess.Popen(  # noqa: S603 - slapd with our own arguments
            [
                SLAPD,
                "-f",
                str(conf),
                "-h",
                f"ldap://127.0.0.1:{self.port}/ ldaps://127.0.0.1:{self.ldaps_port}/",
                "-d",
                "0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # slapd stays in the foreground (-d) and ends with the test process even when
            # that is killed before its fixtures finish.
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"slapd exited: {err[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("slapd did not start listening within 20 s")
        # Loaded through the running server (not slapadd) so that the memberof overlay
        # maintains memberOf, as AD does.
        conn = self.admin()
        for dn, attrs in _entries(self.users):
            conn.add_s(dn, _modlist(attrs))
        conn.unbind_s()
        return self

    def admin(self):
        """A connection bound as the directory's root (to change the tree in a test)."""
        import ldap

        conn = ldap.initialize(self.uri)
        conn.simple_bind_s(ROOT_DN, SERVICE_PASSWORD)
        return conn

    def add_user(self, user: DirectoryUser) -> None:
        conn = self.admin()
        dn, attrs = user_entry(user)
        conn.add_s(dn, _modlist(attrs))
        import ldap

        for group in user.groups:
            conn.modify_s(group, [(ldap.MOD_ADD, "member", [dn.encode()])])
        conn.unbind_s()

    def set_attribute(self, dn: str, name: str, value: str | None) -> None:
        import ldap

        conn = self.admin()
        if value is None:
            conn.modify_s(dn, [(ldap.MOD_DELETE, name, None)])
        else:
            conn.modify_s(dn, [(ldap.MOD_REPLACE, name, [value.encode()])])
        conn.unbind_s()

    def delete(self, dn: str) -> None:
        conn = self.admin()
        conn.delete_s(dn)
        conn.unbind_s()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

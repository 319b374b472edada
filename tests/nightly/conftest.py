"""Real parts for the nightly tests: an SMTP server (aiosmtpd) and a PostgreSQL server on loopback."""

from __future__ import annotations

import datetime
import ipaddress
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.conftest import free_port
from tests.services import PG_BIN, new_database, running_postgres

USER, PASSWORD = "robot", "s3cret-pass"


class Mailbox:
    """aiosmtpd handler keeping every message that arrives, with its envelope recipients."""

    def __init__(self):
        self.messages = []
        self.refused = set()  # addresses answered "550 mailbox unavailable"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 itself


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1; clients trust it through SSL_CERT_FILE."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "govscan test smtp")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


def _server_context(tls_files):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, tls_files))
    return context


@pytest.fixture
def smtp_server(request, tls_files):
    """(mailbox, environment for govscan) for security `none` (default), `starttls` or `ssl` via indirect param."""
    security = getattr(request, "param", "none")
    mailbox = Mailbox()
    port = free_port()
    kwargs = {}
    auth = {"authenticator": _authenticate}
    if security == "starttls":
        kwargs = {"tls_context": _server_context(tls_files), "require_starttls": True, "auth_require_tls": True, **auth}
    elif security == "ssl":
        # aiosmtpd only counts STARTTLS as TLS; the whole connection is TLS here
        kwargs = {"ssl_context": _server_context(tls_files), "auth_require_tls": False, **auth}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    env = {"GOVSCAN_SMTP_HOST": "127.0.0.1", "GOVSCAN_SMTP_PORT": str(port), "GOVSCAN_SMTP_SECURITY": security,
           "GOVSCAN_MAIL_FROM": "govscan@assess.example.org", "SSL_CERT_FILE": str(tls_files[0])}
    if security != "none":
        env.update(GOVSCAN_SMTP_USER=USER, GOVSCAN_SMTP_PASSWORD=PASSWORD)
    yield mailbox, env
    controller.stop()


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL cluster on 127.0.0.1 (trust auth); yields a URL without database name."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (scripts/install-system.sh installs them)")
    with running_postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty history database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'govscan.db'}"
    url, port = request.getfixturevalue("postgres_server")
    return new_database(port, url)

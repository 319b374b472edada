"""site.https against a real TLS server on loopback, resolved through a real DNS server: the same
certificate is untrusted by default and valid once its CA is trusted (SSL_CERT_FILE)."""

import datetime
import json
import os
import re
import ssl
import threading
from functools import partial
from http.server import ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from demo.dns import DemoDNS
from tests.conftest import QuietHandler, govscan

HOST = "secure.demo.test"


def certificate(subject: str, issuer_key, issuer_name, key, days: int, ca: bool):
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "govscan test CA" if ca else "金平区")])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer_name or name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("govscan test CA", ca_key, None, ca_key, 3650, True)
    cert = certificate(HOST, ca_key, ca.subject, key, 20, False)  # expires in 20 days
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    root = folder / "www"
    root.mkdir()
    (root / "index.html").write_text("<html><head><meta charset='utf-8'><title>安全站点</title></head>"
                                     "<body>网站标识码：4405110001</body></html>", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with DemoDNS({HOST: {"A": ["127.0.0.1"]}}) as zone:
        yield f"https://{HOST}:{server.server_address[1]}/", f"127.0.0.1:{zone.port}", folder / "ca.pem"
    server.shutdown()


def https_finding(tmp_path, url, nameserver, env=None):
    out = tmp_path / "out"
    result = govscan("assess", "--url", url, "--nameserver", nameserver, "--out", out, "--no-render",
                     env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    return next(f for f in data["findings"] if f["check"] == "site.https"), data


def test_untrusted_certificate_is_reported(tls_site, tmp_path):
    url, nameserver, _ = tls_site
    finding, data = https_finding(tmp_path, url, nameserver)
    assert finding["status"] == "warn" and "证书无效或不受信任" in finding["message"]
    assert {f["check"]: f["status"] for f in data["findings"]}["site.reachable"] == "pass"


def test_trusted_certificate_close_to_expiry(tls_site, tmp_path):
    url, nameserver, ca = tls_site
    finding, _ = https_finding(tmp_path, url, nameserver, env={"SSL_CERT_FILE": str(ca)})
    assert finding["status"] == "warn"
    assert re.fullmatch(r"证书将于(19|20)天后到期。", finding["message"])


def test_plain_http_site_has_no_https(static_site, tmp_path):
    _, url = static_site  # 127.0.0.1: nothing listens on 443 here
    out = tmp_path / "out"
    assert govscan("assess", "--url", url, "--out", out, "--no-render").returncode == 0
    findings = {f["check"]: f for f in json.loads((out / "result.json").read_text(encoding="utf-8"))["findings"]}
    assert findings["site.https"]["status"] == "warn" and findings["site.https"]["value"] == "不支持"

"""HTTPS of the portal host: does a verified TLS handshake succeed, when does the certificate
expire, and does plain HTTP redirect to HTTPS. One connection each, no retries."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import dns.resolver
from dns.rdtypes.svcbbase import ParamKey

from crawler.resolver import addresses, make_resolver


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def resolve(host: str, nameserver: str | None) -> str | None:
    resolver = make_resolver(nameserver) if nameserver else dns.resolver.Resolver()
    try:
        found = addresses(resolver, host)
    except Exception:  # DNS trouble is the DNS probe's finding; here it only means "not probed"
        return None
    return found[0] if found else None


def service_port(host: str, nameserver: str | None) -> int | None:
    """The port an HTTPS service binding (RFC 9460 "HTTPS" record) names for the host, if any:
    how a site tells clients its HTTPS twin listens somewhere other than 443."""
    resolver = make_resolver(nameserver) if nameserver else dns.resolver.Resolver()
    try:
        answer = resolver.resolve(host, "HTTPS")
    except Exception:  # no such record (the usual case) or DNS trouble: the default port
        return None
    for record in sorted(answer, key=lambda record: record.priority):
        if record.priority and ParamKey.PORT in record.params:
            return int(record.params[ParamKey.PORT].port)
    return None


def handshake(host: str, address: str, port: int, timeout: float) -> dict:
    context = ssl.create_default_context()  # system trust store (SSL_CERT_FILE honoured)
    started = time.monotonic()
    try:
        with socket.create_connection((address, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                cert = tls.getpeercert()
                return {"ok": True, "version": tls.version(), "not_after": cert.get("notAfter"),
                        "issuer": dict(pair[0] for pair in cert.get("issuer", ())).get("organizationName", ""),
                        "elapsed_ms": int((time.monotonic() - started) * 1000)}
    except ssl.SSLCertVerificationError as exc:
        return {"ok": False, "reason": "certificate", "message": exc.verify_message or str(exc)}
    except ssl.SSLError as exc:
        return {"ok": False, "reason": "tls", "message": str(exc)[:200]}
    except OSError as exc:
        return {"ok": False, "reason": "connect", "message": f"{type(exc).__name__}: {exc}"[:200]}


def redirect(host: str, address: str, timeout: float) -> dict:
    connection = http.client.HTTPConnection(address, 80, timeout=timeout)
    try:
        connection.request("GET", "/", headers={"Host": host, "User-Agent": "govscan https probe"})
        response = connection.getresponse()
        return {"status": response.status, "location": response.getheader("Location") or ""}
    except OSError as exc:
        return {"status": None, "message": f"{type(exc).__name__}: {exc}"[:200]}
    finally:
        connection.close()


def probe(url: str, nameserver: str | None, timeout: float) -> list[dict]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    address = resolve(host, nameserver)
    if address is None:
        return []
    port = parts.port if parts.scheme == "https" and parts.port else service_port(host, nameserver) or 443
    rows = [{"kind": "https_tls", "target": f"{host}:{port}", "family": "ipv6" if ":" in address else "ipv4",
             **_row(handshake(host, address, port, timeout))}]
    if parts.port in (None, 80, 443):  # a site on a custom port has no standard HTTP twin to redirect
        rows.append({"kind": "https_redirect", "target": f"http://{host}/", "family": rows[0]["family"],
                     **_row(redirect(host, address, timeout))})
    return rows


def _row(result: dict) -> dict:
    ok = result.get("ok", str(result.get("location", "")).startswith("https://"))
    return {"ok": int(bool(ok)), "elapsed_ms": result.pop("elapsed_ms", None), "detail": json.dumps(result, ensure_ascii=False),
            "at": now()}

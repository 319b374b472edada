"""The IPv6 probes against real servers on 127.0.0.1 only, [::1] only and both, resolved through a
real DNS server on loopback, then judged by the checks."""

from __future__ import annotations

import datetime
import socket
import ssl
import threading
import time
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from checks.rules.ipv6 import content_parity, dns_aaaa, home_reachable, links_level2, links_level3
from checks.model import Context, Status, Unverifiable
from checks.snapshot import Snapshot
from crawler.probes import ipv6
from crawler.snapshot import SnapshotWriter
from demo.dns import DemoDNS
from demo.server import DemoServer
from reports.scoring import load_profile
from tests.conftest import QuietHandler
from tests.snapshots import make_snapshot, page_html

THRESHOLDS = load_profile().thresholds
CHECKS = {"dns": dns_aaaa, "home": home_reachable, "parity": content_parity, "l2": links_level2, "l3": links_level3}
LOOPBACK = {"A": ["127.0.0.1"], "AAAA": ["::1"]}

HOME = page_html("<a href='/a.html'>甲</a><a href='/news'>新闻</a><a href='/old/c.html'>旧栏目</a>"
                 "<a href='https://www.gov.cn/'>中国政府网</a>", title="某区人民政府")
PAGES = {
    "index.html": HOME,
    "a.html": page_html("<a href='/a3.html'>三级</a>", title="甲"),
    "a3.html": page_html("三级页面", title="三级"),
    "news/index.html": page_html("新闻", title="新闻"),
    "old/c.html": page_html("旧栏目", title="旧"),
}


def write_site(root: Path, host: str, pages: dict) -> None:
    for rel, html in pages.items():
        (root / host / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / host / rel).write_text(html, encoding="utf-8")


def crawl_snapshot(path: Path, base: str, pages: dict) -> None:
    """What the crawl would have stored: the pages with their links (levels come from here)."""
    urls = {base + ("" if rel == "index.html" else rel.removesuffix("index.html")): html for rel, html in pages.items()}
    make_snapshot(path, urls, start_url=base).close()


def assess(tmp_path: Path, base: str, nameserver: str, pages: dict = PAGES, timeout: float = 5) -> dict:
    snapshot = tmp_path / f"{time.monotonic_ns()}.sqlite"
    crawl_snapshot(snapshot, base, pages)
    rows = ipv6.probe(str(snapshot), base, nameserver, timeout, THRESHOLDS)
    writer = SnapshotWriter(snapshot)
    for row in rows:
        writer.probe(row)
    writer.close()
    snap = Snapshot(snapshot)
    ctx = Context("t", "测试", base, "district", datetime.date(2026, 11, 25), own_nameserver=True,
                  thresholds=THRESHOLDS)
    found = {"snap": snap}
    for name, check in CHECKS.items():
        try:
            found[name] = check(snap, ctx)
        except Unverifiable as exc:
            found[name] = exc
    return found


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """www.dual.test and www.v4only.test serve PAGES on both families, except /old/ over IPv6;
    www.placeholder.test serves a "we support IPv6" placeholder over IPv6."""
    root = tmp_path_factory.mktemp("web")
    for host in ("www.dual.test", "www.v4only.test", "www.placeholder.test"):
        write_site(root, host, PAGES)
    write_site(root, "v6-landing.test", {"index.html": page_html("本网站已支持IPv6访问", title="IPv6改造完成")})
    (root / "_families.yaml").write_text(yaml.safe_dump({
        "www.dual.test": {"ipv4_only": ["/old/"]},
        "www.placeholder.test": {"ipv6_serves": "v6-landing.test"},
    }), encoding="utf-8")
    zone = {"www.dual.test": LOOPBACK, "dual.test": LOOPBACK, "www.placeholder.test": LOOPBACK,
            "www.v4only.test": {"A": ["127.0.0.1"]}, "v4only.test": {"A": ["127.0.0.1"]}}
    with DemoServer(root) as server, DemoDNS(zone) as dns:
        yield server.port, dns.nameserver


def test_dual_stack_site_with_parity_and_a_column_that_exists_only_over_ipv4(web, tmp_path):
    port, nameserver = web
    found = assess(tmp_path, f"http://www.dual.test:{port}/", nameserver)
    assert found["dns"].status is Status.PASS
    assert found["home"].status is Status.PASS and found["home"].details["succeeded"] == 3
    assert found["parity"].status is Status.PASS
    # level 2: /a.html and /news (a redirect to /news/, followed over IPv6) load; /old/c.html is IPv4-only
    assert found["l2"].status is Status.FAIL
    assert [f["url"] for f in found["l2"].details["failing"]] == [f"http://www.dual.test:{port}/old/c.html"]
    assert found["l2"].details["failing"][0]["reason"] == "HTTP 404"
    assert found["l3"].status is Status.PASS and found["l3"].details["counted"] == 1
    snap = found["snap"]
    assert {p["detail"].count('"address": "::1"') for p in snap.probes("ipv6_home")} == {1}
    assert '"address": "127.0.0.1"' in snap.probes("ipv4_home")[0]["detail"]
    external = [p for p in snap.probes("ipv6_link") if "gov.cn" in p["target"]]
    assert not external, "external links are not the portal's IPv6 support"


def test_host_without_aaaa(web, tmp_path):
    port, nameserver = web
    found = assess(tmp_path, f"http://www.v4only.test:{port}/", nameserver)
    assert found["dns"].status is Status.FAIL and "没有AAAA记录" in found["dns"].message
    assert found["home"].status is Status.FAIL
    assert found["parity"].status is Status.NOT_APPLICABLE
    assert found["l2"].status is Status.FAIL and found["l2"].details["share"] == 0


def test_ipv6_address_serving_a_page_that_claims_ipv6_support_is_not_the_same_site(web, tmp_path):
    port, nameserver = web
    found = assess(tmp_path, f"http://www.placeholder.test:{port}/", nameserver)
    assert found["home"].status is Status.PASS  # something answers over IPv6 …
    assert found["parity"].status is Status.FAIL  # … but not the portal
    assert "IPv6改造完成" in found["parity"].message
    assert found["parity"].details["only_ipv4_links"]


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True


@pytest.fixture
def single_family(tmp_path):
    """Serve PAGES on one family only; yields start(family) -> port."""
    write_site(tmp_path, "site", PAGES)
    servers = []

    def start(family: str) -> int:
        cls, address = (_V6Server, "::1") if family == "ipv6" else (ThreadingHTTPServer, "127.0.0.1")
        server = cls((address, 0), partial(QuietHandler, directory=str(tmp_path / "site")))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_server_on_127_0_0_1_only_refuses_ipv6_visitors(single_family, tmp_path):
    port = single_family("ipv4")
    with DemoDNS({"www.only4.test": LOOPBACK}) as dns:
        found = assess(tmp_path, f"http://www.only4.test:{port}/", dns.nameserver)
    assert found["dns"].status is Status.PASS  # the record is there …
    assert found["home"].status is Status.FAIL and "连接被拒绝" in found["home"].message  # … the service is not
    assert found["l2"].status is Status.FAIL


def test_server_on_ipv6_only_cannot_be_compared_with_ipv4(single_family, tmp_path):
    port = single_family("ipv6")
    with DemoDNS({"www.only6.test": LOOPBACK}) as dns:
        found = assess(tmp_path, f"http://www.only6.test:{port}/", dns.nameserver)
    assert found["home"].status is Status.PASS
    assert isinstance(found["parity"], Unverifiable) and "IPv4" in str(found["parity"])
    with DemoDNS({"www.only6.test": {"AAAA": ["::1"]}}) as dns:  # no A record at all: nothing to compare
        found = assess(tmp_path, f"http://www.only6.test:{port}/", dns.nameserver)
    assert found["parity"].status is Status.NOT_APPLICABLE


class _Trickle(BaseHTTPRequestHandler):
    """Pages under /slow: headers at once, then one byte every 0.2 s (each read is quick, the page
    never ends). Any other page answers at once."""

    def do_GET(self):
        if not self.path.startswith("/slow"):
            self.send_response(204)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def log_message(self, *args):
        pass


def test_a_silent_or_slow_ipv6_address_costs_at_most_the_timeout_per_probe(tmp_path):
    silent = socket.socket(socket.AF_INET6)
    silent.bind(("::1", 0))
    silent.listen(64)  # connections complete in the kernel; nobody ever answers
    trickle = _V6Server(("::1", 0), _Trickle)
    threading.Thread(target=trickle.serve_forever, daemon=True).start()
    zone = {"www.silent.test": {"AAAA": ["::1"]}, "www.trickle.test": {"AAAA": ["::1"]}}
    try:
        with DemoDNS(zone) as dns:
            prober = ipv6.Prober(ipv6.make_resolver(dns.nameserver), own_nameserver=True, timeout=1)
            trickling = f"http://www.trickle.test:{trickle.server_address[1]}/"
            slow = prober.fetch(trickling + "slow", "ipv6")
            assert slow.error == "timeout" and slow.elapsed_ms < 1500
            # an address that answers between its slow pages is never given up on
            mixed = [prober.fetch(trickling + path, "ipv6") for path in ("slow1", "ok", "slow2", "slow3", "ok", "slow4")]
            assert [r.error or r.status for r in mixed] == ["timeout", 204, "timeout", "timeout", 204, "timeout"]
            assert mixed[-1].elapsed_ms >= 900, "asked, not given up on"
            base = f"http://www.silent.test:{silent.getsockname()[1]}/"
            results = [prober.fetch(f"{base}p{i}.html", "ipv6", read_body=False) for i in range(6)]
    finally:
        trickle.shutdown()
        trickle.server_close()
        silent.close()
    assert all(r.error == "timeout" and r.elapsed_ms < 1500 for r in results)
    # after a few timeouts the address is not asked again: the rest are recorded without waiting
    assert [r.elapsed_ms < 500 for r in results] == [False] * ipv6.GIVE_UP_AFTER_TIMEOUTS + [True] * 3


def test_cname_chain_and_name_servers_without_ipv6(tmp_path):
    zone = {"www.cdn.test": {"CNAME": ["edge.provider.test"]}, "edge.provider.test": LOOPBACK,
            "cdn.test": {"NS": ["ns1.cdn.test", "ns2.cdn.test"], "A": ["127.0.0.1"]},
            "ns1.cdn.test": {"A": ["127.0.0.1"]}, "ns2.cdn.test": {"A": ["127.0.0.1"]}}
    with DemoDNS(zone) as dns:
        resolver = ipv6.make_resolver(dns.nameserver)
        host, apex = ipv6.dns_rows(resolver, "www.cdn.test")
        ns = ipv6.ns_row(resolver, "www.cdn.test")
    path = tmp_path / "s.sqlite"
    make_snapshot(path, {"http://www.cdn.test/": page_html("")}).close()
    writer = SnapshotWriter(path)
    for row in (host, apex, ns):
        writer.probe(row)
    writer.close()
    ctx = Context("t", "测试", "http://www.cdn.test/", "district", datetime.date(2026, 11, 25), own_nameserver=True,
                  thresholds=THRESHOLDS)
    finding = dns_aaaa(Snapshot(path), ctx)
    assert finding.details["cnames"] == ["edge.provider.test"]
    assert finding.details["aaaa"] == ["::1"]
    assert [s["host"] for s in finding.details["name_servers"]] == ["ns1.cdn.test", "ns2.cdn.test"]
    assert finding.status is Status.WARN and "权威域名服务器均没有IPv6地址" in finding.message


def test_https_over_ipv6_sends_the_site_name_as_sni_and_host(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "www.tls.test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    seen = {}
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")

    def remember_sni(sock, server_name, ctx):
        seen["sni"] = server_name

    context.sni_callback = remember_sni

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen["host"] = self.headers["Host"]
            body = HOME.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = _V6Server(("::1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with DemoDNS({"www.tls.test": {"AAAA": ["::1"]}}) as dns:
            prober = ipv6.Prober(ipv6.make_resolver(dns.nameserver), own_nameserver=True, timeout=5)
            fetched = prober.fetch(f"https://www.tls.test:{server.server_address[1]}/", "ipv6")
    finally:
        server.shutdown()
        server.server_close()
    assert fetched.status == 200 and fetched.address == "::1"
    assert seen == {"sni": "www.tls.test", "host": f"www.tls.test:{server.server_address[1]}"}
    assert ipv6.page_facts(fetched, "www.tls.test")["title"] == "某区人民政府"


def test_without_own_nameserver_a_loopback_aaaa_is_never_connected_to(web):
    port, nameserver = web
    prober = ipv6.Prober(ipv6.make_resolver(nameserver), own_nameserver=False, timeout=2)
    fetched = prober.fetch(f"http://www.dual.test:{port}/", "ipv6")
    assert fetched.error == "no_address" and fetched.address == ""


class _Counting(BaseHTTPRequestHandler):
    """Answers every path with a small page; counts requests and the most in flight at once."""

    lock = threading.Lock()
    seen, in_flight, most = 0, 0, 0

    def do_GET(self):
        cls = type(self)
        with cls.lock:
            cls.seen += 1
            cls.in_flight += 1
            cls.most = max(cls.most, cls.in_flight)
        time.sleep(0.01)
        body = HOME.encode("utf-8") if self.path == "/" else b"<html><title>p</title></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with cls.lock:  # before the body: the client cannot send its next request until it has it
            cls.in_flight -= 1
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_link_probes_keep_to_the_crawl_budget_and_its_politeness(tmp_path):
    """Issue 14, fault 9: 3,000 internal links on the home page and a budget of 50 pages made 3,000
    IPv6 requests; now a sample within the budget, never more in flight than the crawl allows."""
    server = _V6Server(("::1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://www.many.test:{server.server_address[1]}/"
    home = page_html("".join(f"<a href='/p{i}.html'>第{i}条</a>" for i in range(3000)), title="某区人民政府")
    snapshot = tmp_path / "many.sqlite"
    crawl_snapshot(snapshot, base, {"index.html": home})
    try:
        with DemoDNS({"www.many.test": {"AAAA": ["::1"]}}) as dns:
            rows = ipv6.probe(str(snapshot), base, dns.nameserver, 5, THRESHOLDS, budget=50, workers=2)
    finally:
        server.shutdown()
        server.server_close()
    links = [row for row in rows if row["kind"] == "ipv6_link"]
    attempts = int(THRESHOLDS["ipv6.home_reachable"]["attempts"])
    assert len(links) == 50 and _Counting.seen == 50 + attempts
    assert _Counting.most <= 2
    summary = next(row for row in rows if row["kind"] == "ipv6_links" and row["target"] == "2")
    assert '"found": 3000' in summary["detail"] and '"probed": 50' in summary["detail"]

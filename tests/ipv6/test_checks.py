"""The IPv6 checks on saved probe rows (the rows crawler/probes/ipv6.py writes)."""

from __future__ import annotations

from datetime import date

import pytest

from checks.rules.ipv6 import content_parity, dns_aaaa, home_reachable, links_level2, links_level3
from checks.model import Context, Status, Unverifiable
from checks.snapshot import Snapshot
from crawler.probes.ipv6 import row, scope
from crawler.snapshot import SnapshotWriter
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

HOME = "http://www.a.gov.cn/"
THRESHOLDS = load_profile().thresholds


def ctx(own_nameserver=False):
    return Context("t", "测试", HOME, "district", date(2026, 11, 25), own_nameserver=own_nameserver,
                   thresholds=THRESHOLDS)


def snapshot(tmp_path, rows, pages=None, errors=None):
    pages = pages or {HOME: page_html("<a href='/a.html'>甲</a><a href='/b.html'>乙</a>", title="某区人民政府")}
    path = tmp_path / "s.sqlite"
    make_snapshot(path, pages, start_url=HOME, errors=errors).close()
    writer = SnapshotWriter(path)
    for each in rows:
        writer.probe(each)
    writer.close()
    return Snapshot(path)


def addresses(*values):
    return [{"address": value, "scope": scope(value)} for value in values]


def dns(name="www.a.gov.cn", role="host", aaaa=(), a=("203.0.113.5",), cnames=(), error=None):
    return row("ipv6_dns", name, "ipv6", bool(aaaa), 1, {"name": name, "role": role, "aaaa": addresses(*aaaa),
               "a": addresses(*a), "cnames": list(cnames), "error": error})


def ns(*servers):
    detail = {"zone": "a.gov.cn", "servers": [{"host": h, "aaaa": addresses(*v6), "error": None} for h, v6 in servers],
              "error": None}
    return row("ipv6_ns", "a.gov.cn", "ipv6", any(v6 for _, v6 in servers), 1, detail)


GOOD_DNS = [dns(aaaa=["2400:3200::1"]), dns("a.gov.cn", "apex", aaaa=["2400:3200::1"]),
            ns(("ns1.a.gov.cn", ["2400:3200::53"]), ("ns2.a.gov.cn", []))]


def page(ok=True, status=200, title="某区人民政府", size=10_000, links=(HOME + "a.html", HOME + "b.html"),
         error="", address="2400:3200::1", attempt=None, family="ipv6"):
    detail = {"address": address, "status": status, "final_url": HOME, "error": error, "message": "",
              "size": size, "title": title, "links": list(links)}
    if attempt is not None:
        detail["attempt"] = attempt
    return row("ipv6_home" if family == "ipv6" else "ipv4_home", HOME, family, ok, 5, detail)


def attempts(*outcomes):
    """outcomes: True (200) or an error kind."""
    return [page(attempt=i + 1) if outcome is True else
            page(ok=False, status=None, size=0, title="", links=(), error=outcome, attempt=i + 1)
            for i, outcome in enumerate(outcomes)]


BASELINE = page(family="ipv4", address="203.0.113.5")
ROUTE = row("ipv6_route", "2400:3200::1", "ipv6", True, 0, {"address": "2400:3200::1", "error": ""})
NO_ROUTE = row("ipv6_route", "2400:3200::1", "ipv6", False, 0,
               {"address": "2400:3200::1", "error": "OSError: [Errno 101] Network is unreachable"})


# -- ipv6.dns_aaaa ---------------------------------------------------------------------------


def test_global_aaaa_on_host_apex_and_a_name_server_passes(tmp_path):
    finding = dns_aaaa(snapshot(tmp_path, GOOD_DNS), ctx())
    assert finding.status is Status.PASS
    assert finding.details["counted"] == ["2400:3200::1"]
    assert any("ns1.a.gov.cn" in e.text for e in finding.evidence)


@pytest.mark.parametrize("address, words", [("::1", "本机回环地址"), ("fe80::1", "链路本地地址"),
                                            ("fd00::5", "内网"), ("::ffff:203.0.113.5", "IPv4映射地址")])
def test_addresses_that_are_not_globally_routable_do_not_count(tmp_path, address, words):
    snap = snapshot(tmp_path, [dns(aaaa=[address]), *GOOD_DNS[1:]])
    finding = dns_aaaa(snap, ctx())
    assert finding.status is Status.FAIL and words in finding.message
    # a run through its own (test/demo) nameserver serves such addresses on purpose
    assert dns_aaaa(snap, ctx(own_nameserver=True)).status is Status.PASS


def test_no_aaaa_fails_and_names_the_cname_chain(tmp_path):
    snap = snapshot(tmp_path, [dns(cnames=["www.a.gov.cn.cdn.example.net"]), *GOOD_DNS[1:]])
    finding = dns_aaaa(snap, ctx())
    assert finding.status is Status.FAIL and "没有AAAA记录" in finding.message
    assert "www.a.gov.cn.cdn.example.net" in finding.evidence[0].text


def test_bare_domain_without_ipv6_or_name_servers_without_ipv6_warn(tmp_path):
    apex_v4_only = snapshot(tmp_path / "1", [GOOD_DNS[0], dns("a.gov.cn", "apex"), GOOD_DNS[2]])
    assert dns_aaaa(apex_v4_only, ctx()).status is Status.WARN
    unused_apex = snapshot(tmp_path / "2", [GOOD_DNS[0], dns("a.gov.cn", "apex", a=()), GOOD_DNS[2]])
    assert dns_aaaa(unused_apex, ctx()).status is Status.PASS
    ns_v4_only = snapshot(tmp_path / "3", [*GOOD_DNS[:2], ns(("ns1.a.gov.cn", []), ("ns2.a.gov.cn", []))])
    finding = dns_aaaa(ns_v4_only, ctx())
    assert finding.status is Status.WARN and "ns1.a.gov.cn" in finding.message


def test_own_nameserver_zone_without_ns_is_said_not_failed(tmp_path):
    snap = snapshot(tmp_path, [dns(aaaa=["::1"]), row("ipv6_ns", "www.a.gov.cn", "ipv6", False, 1,
                                                      {"zone": "", "servers": [], "error": None})])
    finding = dns_aaaa(snap, ctx(own_nameserver=True))
    assert finding.status is Status.PASS and "未设置NS记录" in finding.message


def test_dns_failure_or_no_probes_is_unverifiable(tmp_path):
    unanswered = [dns(a=(), error="LifetimeTimeout: timed out"), *attempts("no_address"), *links(2, {HOME: "no_address"})]
    for check in (dns_aaaa, home_reachable, links_level2):
        with pytest.raises(Unverifiable, match="域名解析服务器未正常应答"):
            check(snapshot(tmp_path / f"dns-{check.__name__}", unanswered), ctx())
    for check in (dns_aaaa, home_reachable, content_parity, links_level2, links_level3):
        with pytest.raises(Unverifiable, match="没有进行IPv6探测"):
            check(snapshot(tmp_path / check.__name__, []), ctx())


# -- ipv6.home_reachable ---------------------------------------------------------------------


def test_home_reachable_rate(tmp_path):
    assert home_reachable(snapshot(tmp_path / "1", [*GOOD_DNS, ROUTE, *attempts(True, True, True)]),
                          ctx()).status is Status.PASS
    partial = home_reachable(snapshot(tmp_path / "2", [*GOOD_DNS, ROUTE, *attempts(True, "timeout", True)]), ctx())
    assert partial.status is Status.WARN and partial.score == pytest.approx(2 / 3)
    assert partial.details["succeeded"] == 2 and "访问超时" in partial.evidence[0].text
    down = home_reachable(snapshot(tmp_path / "3", [*GOOD_DNS, ROUTE, *attempts("refused", "refused", "refused")]),
                          ctx())
    assert down.status is Status.FAIL and "连接被拒绝" in down.message


def test_no_aaaa_means_no_ipv6_home_page(tmp_path):
    no_address = attempts("no_address", "no_address", "no_address")
    snap = snapshot(tmp_path, [dns(), *GOOD_DNS[1:], *no_address, BASELINE])
    assert home_reachable(snap, ctx()).status is Status.FAIL
    assert content_parity(snap, ctx()).status is Status.NOT_APPLICABLE


def test_no_ipv6_route_on_this_machine_is_unverifiable_not_the_sites_fault(tmp_path):
    rows = [*GOOD_DNS, NO_ROUTE, *attempts("no_route", "no_route", "no_route"), BASELINE,
            row("ipv6_links", "2", "ipv6", True, 0, {"level": 2, "found": 1, "probed": 1}),
            row("ipv6_link", HOME + "a.html", "ipv6", False, 1,
                {"level": 2, "source": HOME, "address": "2400:3200::1", "status": None, "error": "no_route"})]
    snap = snapshot(tmp_path, rows)
    for check in (home_reachable, content_parity, links_level2):
        with pytest.raises(Unverifiable, match="没有IPv6网络出口"):
            check(snap, ctx())
    assert dns_aaaa(snap, ctx()).status is Status.PASS  # DNS is answered whatever our uplink


# -- ipv6.content_parity ---------------------------------------------------------------------


def test_same_page_over_both_families_passes(tmp_path):
    rows = [*GOOD_DNS, ROUTE, *attempts(True, True, True), page(family="ipv4", size=10_400)]
    finding = content_parity(snapshot(tmp_path, rows), ctx())
    assert finding.status is Status.PASS and finding.details["link_overlap"] == 1


@pytest.mark.parametrize("ipv6_page, words", [
    (dict(title="IPv6测试页", size=800, links=()), "标题不同"),                       # a placeholder
    (dict(title="某区人民政府", size=10_000, links=(HOME + "x.html",)), "站内链接重合度"),  # another site
    (dict(title="某区人民政府", size=2_000), "页面大小相差"),                          # an error page with 200
])
def test_a_different_page_over_ipv6_fails(tmp_path, ipv6_page, words):
    rows = [*GOOD_DNS, ROUTE, page(attempt=1, **ipv6_page), BASELINE]
    finding = content_parity(snapshot(tmp_path, rows), ctx())
    assert finding.status is Status.FAIL and words in finding.message


def test_parity_needs_both_pages(tmp_path):
    ipv6_only = [*GOOD_DNS, ROUTE, *attempts(True), page(family="ipv4", ok=False, status=None, error="no_address")]
    assert content_parity(snapshot(tmp_path / "1", ipv6_only), ctx()).status is Status.NOT_APPLICABLE
    v4_down = [*GOOD_DNS, ROUTE, *attempts(True), page(family="ipv4", ok=False, status=None, error="timeout")]
    with pytest.raises(Unverifiable, match="IPv4"):
        content_parity(snapshot(tmp_path / "2", v4_down), ctx())


# -- ipv6.links_level2 / ipv6.links_level3 ----------------------------------------------------


def links(level, outcomes, found=None, pages=1):
    """outcomes: {url: status or error kind}."""
    rows = [row("ipv6_links", str(level), "ipv6", True, 0,
                {"level": level, "found": found or len(outcomes), "probed": len(outcomes), "level2_pages": pages})]
    for url, outcome in outcomes.items():
        status = outcome if isinstance(outcome, int) else None
        rows.append(row("ipv6_link", url, "ipv6", status is not None and status < 400, 3,
                        {"level": level, "source": HOME, "address": "2400:3200::1", "status": status,
                         "final_url": url, "error": "" if status else outcome, "message": ""}))
    return rows


def test_level2_share_against_the_rulebook_threshold(tmp_path):
    ok = {f"{HOME}p{i}.html": 200 for i in range(18)}
    two_down = {**ok, HOME + "old.html": 404, HOME + "slow.html": "timeout"}
    finding = links_level2(snapshot(tmp_path / "1", [*GOOD_DNS, ROUTE, *links(2, two_down)]), ctx())
    assert finding.status is Status.PASS  # 18/20 = 90% meets 90%
    assert sorted(e.url for e in finding.evidence) == [HOME + "old.html", HOME + "slow.html"]
    three_down = {**two_down, HOME + "new.html": "refused"}
    finding = links_level2(snapshot(tmp_path / "2", [*GOOD_DNS, ROUTE, *links(2, three_down)]), ctx())
    assert finding.status is Status.FAIL and finding.details["share"] == pytest.approx(18 / 21, abs=1e-3)
    assert {f["url"]: f["reason"] for f in finding.details["failing"]}[HOME + "new.html"] == "连接被拒绝"


def test_links_broken_over_ipv4_too_are_left_to_the_broken_links_check(tmp_path):
    outcomes = {HOME + "a.html": 200, HOME + "gone.html": 404}
    pages = {HOME: page_html("<a href='/a.html'>甲</a><a href='/gone.html'>旧</a>"),
             HOME + "a.html": page_html(""), HOME + "gone.html": (404, page_html("404"))}
    finding = links_level2(snapshot(tmp_path, [*GOOD_DNS, ROUTE, *links(2, outcomes)], pages=pages), ctx())
    assert finding.status is Status.PASS and finding.details["excluded_broken_over_ipv4"] == [HOME + "gone.html"]


def test_level3_reports_its_sample_and_the_levels_without_links(tmp_path):
    outcomes = {f"{HOME}d{i}.html": 200 for i in range(6)} | {HOME + "v4.html": 404}
    rows = [*GOOD_DNS, ROUTE, *links(2, {HOME + "a.html": 200}), *links(3, outcomes, found=500)]
    finding = links_level3(snapshot(tmp_path / "1", rows), ctx())
    assert finding.status is Status.PASS and "从500个三级链接中抽查7个" in finding.message
    empty = [*GOOD_DNS, ROUTE, *links(2, {}), *links(3, {}, pages=0)]
    assert links_level2(snapshot(tmp_path / "2", empty), ctx()).status is Status.NOT_APPLICABLE
    assert links_level3(snapshot(tmp_path / "2b", empty), ctx()).status is Status.NOT_APPLICABLE
    not_crawled = [*GOOD_DNS, ROUTE, *links(2, {HOME + "a.html": 200}), *links(3, {}, pages=0)]
    with pytest.raises(Unverifiable, match="二级页面"):
        links_level3(snapshot(tmp_path / "3", not_crawled), ctx())

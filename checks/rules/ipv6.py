"""IPv6 support as China's national IPv6 monitoring measures it (rulebook §5): the portal's AAAA
record, its home page and its level-2/level-3 links fetched from an IPv6-only client, and whether
that client gets the same site. Reads the crawler's ipv6_* probe rows (crawler/probes/ipv6.py);
a page that says "网站支持IPv6" proves nothing, so page text is never consulted.
"""

from __future__ import annotations

from checks.common import describe_error
from checks.facts.probes import probe_details
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import IPV6_NOT_PROBED, check
from checks.snapshot import Snapshot

BASIS = ("《2020年政务公开工作要点》（国办发〔2020〕17号）五（三）；"
         "《深入推进IPv6规模部署和应用2023年工作安排》（县级以上政府门户网站全面支持IPv6）")
NO_ROUTE = ("运行检测的服务器没有IPv6网络出口，无法从IPv6网络访问网站，本项未能检测，"
            "不计入得分，也不表示网站不支持IPv6。")
SCOPE_WORDS = {
    "loopback": "本机回环地址", "link_local": "链路本地地址", "unique_local": "内网（唯一本地）地址",
    "ipv4_mapped": "IPv4映射地址", "reserved": "保留地址",
}
FAILURE_WORDS = {
    "no_address": "没有可用的IPv6地址", "unreachable": "IPv6地址不可达", "reset": "连接被重置",
    "tls": "HTTPS握手失败", "protocol": "响应不符合HTTP协议", "network": "网络错误",
    "no_route": "检测服务器无IPv6出口",
}
MAX_EVIDENCE = 30


def dns_rows(snap: Snapshot) -> dict[str, dict]:
    """The DNS rows by role (host, apex); checks that read them declare needs=("probes:ipv6_dns",)."""
    return {entry["role"]: entry for entry in probe_details(snap, "ipv6_dns")}


def require_dns_answer(names: dict[str, dict]) -> dict:
    """The portal host's DNS row, or Unverifiable when its lookup itself failed (no answer is not "no AAAA")."""
    host = names["host"]
    if host.get("error") and not host["aaaa"]:
        raise Unverifiable(f"域名解析服务器未正常应答（{host['error']}），无法确认{host['name']}是否有IPv6地址。")
    return host


def require_route(snap: Snapshot) -> None:
    if any(not entry["ok"] for entry in probe_details(snap, "ipv6_route")):
        raise Unverifiable(NO_ROUTE)


def counts(entry: dict, ctx: Context) -> bool:
    """Only a globally routable address counts, except in a run through its own nameserver: that
    zone is a test or demo zone and points at ::1 on purpose."""
    return entry["scope"] == "global" or ctx.own_nameserver


def failure(facts: dict) -> str:
    if facts.get("status") is not None:
        return f"HTTP {facts['status']}"
    return FAILURE_WORDS.get(facts.get("error"), "") or describe_error(facts.get("error"))


def dns_text(entry: dict) -> str:
    parts = [f"{entry['name']} AAAA：" + ("、".join(a["address"] for a in entry["aaaa"]) or "无")]
    if entry.get("cnames"):
        parts.append("CNAME：" + " → ".join(entry["cnames"]))
    parts.append("A：" + ("、".join(a["address"] for a in entry["a"]) or "无"))
    return "；".join(parts)


def not_counted(entries: list[dict]) -> str:
    return "、".join(f"{a['address']}（{SCOPE_WORDS.get(a['scope'], a['scope'])}）" for a in entries)


@check(id="ipv6.dns_aaaa", title="IPv6域名解析（AAAA记录）", basis=BASIS + "；国家IPv6发展监测平台：网站域名IPv6解析能力",
       family="ipv6",
       remedy="在域名解析中为网站域名（含不带www的主域名）添加指向公网IPv6地址的AAAA记录，"
              "并请域名服务商为权威域名服务器配置IPv6地址。",
       needs=("probes:ipv6_dns",))
def dns_aaaa(snap: Snapshot, ctx: Context) -> Finding:
    names = dns_rows(snap)
    host = require_dns_answer(names)
    threshold = "网站域名有公网IPv6地址（AAAA记录）；权威域名服务器支持IPv6"
    evidence = [Evidence(url=snap.start_url or ctx.site_url, text=dns_text(host))]
    usable = [a["address"] for a in host["aaaa"] if counts(a, ctx)]
    status, problems, notes = Status.PASS, [], []
    if not usable:
        status = Status.FAIL
        if host["aaaa"]:
            problems.append(f"{host['name']}的AAAA记录只有{not_counted(host['aaaa'])}，不是公网IPv6地址")
        else:
            problems.append(f"{host['name']}没有AAAA记录（IPv6地址），IPv6网络用户无法访问网站")
    apex = names.get("apex")
    if apex:
        evidence.append(Evidence(text=dns_text(apex)))
        # A bare domain with no records at all is simply not in use; one that answers over IPv4 only is a gap.
        if (apex["a"] or apex["aaaa"]) and not any(counts(a, ctx) for a in apex["aaaa"]):
            problems.append(f"不带www的主域名{apex['name']}没有公网IPv6地址")
            status = Status.WARN if status is Status.PASS else status
    ns = next(iter(probe_details(snap, "ipv6_ns")), {})
    servers = ns.get("servers", [])
    if ns.get("error") and not servers:
        notes.append(f"查询权威域名服务器（NS）失败（{ns['error']}），未检查其IPv6支持")
    elif not servers:
        notes.append("本次通过指定的域名服务器解析（测试或演示域名），该区未设置NS记录，未检查权威域名服务器"
                     if ctx.own_nameserver else "未查到该域名的权威域名服务器（NS）记录，未检查其IPv6支持")
    else:
        evidence.append(Evidence(text="权威域名服务器：" + "；".join(
            f"{s['host']} AAAA：{'、'.join(a['address'] for a in s['aaaa']) or '无'}" for s in servers)))
        if not any(counts(a, ctx) for s in servers for a in s["aaaa"]):
            problems.append("权威域名服务器均没有IPv6地址：" + "、".join(s["host"] for s in servers))
            status = Status.WARN if status is Status.PASS else status
    details = {"host": host["name"], "aaaa": [a["address"] for a in host["aaaa"]], "counted": usable,
               "cnames": host.get("cnames", []), "apex": apex and {"name": apex["name"], "aaaa": apex["aaaa"]},
               "name_servers": servers, "own_nameserver": ctx.own_nameserver}
    if status is Status.PASS:
        message = f"网站域名{host['name']}有IPv6地址：{'、'.join(usable)}。"
    else:
        message = "；".join(problems) + "。"
    if notes:
        message += "（" + "；".join(notes) + "。）"
    return Finding(status, message, value="、".join(usable) or "无", threshold=threshold, evidence=evidence,
                   details=details)


def home_attempts(snap: Snapshot) -> list[dict]:
    """The IPv6 home-page attempts (declared as needs); Unverifiable when this machine has no IPv6
    route. A missing AAAA is not unverifiable: the visitor really gets nothing."""
    require_dns_answer(dns_rows(snap))
    attempts = probe_details(snap, "ipv6_home")
    if all(a["error"] == "no_address" for a in attempts):
        return attempts
    require_route(snap)
    if all(a["error"] == "no_route" for a in attempts):
        raise Unverifiable(NO_ROUTE)
    return attempts


@check(id="ipv6.home_reachable", title="首页IPv6可访问性", basis=BASIS + "；国家IPv6发展监测平台：网站首页IPv6访问成功率",
       family="ipv6",
       remedy="在网站服务器、负载均衡或CDN上开通IPv6访问（监听IPv6地址并放通防火墙），"
              "确保从纯IPv6网络可稳定打开首页。",
       needs=("probes:ipv6_dns", "probes:ipv6_home"))
def home_reachable(snap: Snapshot, ctx: Context) -> Finding:
    attempts = home_attempts(snap)
    rule = ctx.thresholds["ipv6.home_reachable"]
    threshold = f"仅通过IPv6访问首页，成功率≥{rule['min_share']:.0%}"
    url = snap.start_url or ctx.site_url
    if all(a["error"] == "no_address" for a in attempts):
        # fail, not not_applicable: an IPv6-only visitor gets nothing, and the module's IPv6 points
        # must be lost rather than renormalised away (the cause is reported by ipv6.dns_aaaa).
        return Finding(Status.FAIL, "网站域名没有可用的IPv6地址，纯IPv6网络的用户无法打开首页（见“IPv6域名解析”一项）。",
                       value="0%", threshold=threshold, evidence=[Evidence(url=url, text=attempts[0]["message"])],
                       details={"attempts": len(attempts), "succeeded": 0})
    succeeded = sum(a["ok"] for a in attempts)
    rate = succeeded / len(attempts)
    results = "；".join(f"第{a['attempt']}次：" + ("成功" if a["ok"] else failure(a)) for a in attempts)
    evidence = [Evidence(url=url, text=f"IPv6地址 {attempts[0]['address']}：{results}")]
    details = {"attempts": len(attempts), "succeeded": succeeded, "rate": round(rate, 3),
               "address": attempts[0]["address"],
               "results": [{"status": a["status"], "error": a["error"], "elapsed_ms": a.get("elapsed_ms")}
                           for a in attempts]}
    value = f"{rate:.0%}（{succeeded}/{len(attempts)}）"
    if rate >= rule["min_share"]:
        return Finding(Status.PASS, f"通过IPv6访问首页{len(attempts)}次，全部成功。" if rate == 1 else
                       f"通过IPv6访问首页成功率{rate:.0%}，达到要求。", value=value, threshold=threshold,
                       evidence=evidence, details=details)
    if succeeded == 0:
        return Finding(Status.FAIL, f"通过IPv6访问首页{len(attempts)}次均失败（{failure(attempts[0])}），"
                       "纯IPv6网络的用户无法打开网站。", value=value, threshold=threshold, evidence=evidence,
                       details=details)
    return Finding(Status.WARN, f"通过IPv6访问首页成功率仅{rate:.0%}，访问不稳定。", value=value, threshold=threshold,
                   evidence=evidence, score=rate, details=details)


@check(id="ipv6.content_parity", title="首页IPv6与IPv4内容一致性", basis=BASIS + "；国家IPv6发展监测平台：首页内容IPv6与IPv4一致性",
       family="ipv6",
       remedy="让IPv6地址指向与IPv4相同的网站服务（同一套内容），不要用单独的“IPv6展示页”或占位页代替。",
       needs=("probes:ipv6_dns", "probes:ipv6_home"))
def content_parity(snap: Snapshot, ctx: Context) -> Finding:
    attempts = home_attempts(snap)
    rule = ctx.thresholds["ipv6.content_parity"]
    threshold = (f"IPv6与IPv4首页状态码、标题一致，大小相差不超过{rule['size_tolerance']:.0%}，"
                 f"站内链接重合度≥{rule['min_link_jaccard']:.0%}")
    v6 = next((a for a in attempts if a["ok"]), None)
    if v6 is None:  # nothing to compare; ipv6.home_reachable already reports the failure
        return Finding(Status.NOT_APPLICABLE, "首页无法通过IPv6打开，无从比较内容（见“首页IPv6可访问性”一项）。",
                       threshold=threshold)
    v4 = next(iter(probe_details(snap, "ipv4_home")), None)
    if v4 is None or v4["error"] == "no_address":
        return Finding(Status.NOT_APPLICABLE, "网站只有IPv6地址，没有IPv4首页可供比较。", threshold=threshold)
    if v4["status"] is None or v4["status"] >= 400:
        raise Unverifiable(f"本次通过IPv4访问首页失败（{failure(v4)}），无法比较两种网络下的内容。")
    differences = []
    if v4["status"] != v6["status"]:
        differences.append(f"状态码不同（IPv4：{v4['status']}，IPv6：{v6['status']}）")
    if v4["title"] != v6["title"]:
        differences.append(f"标题不同（IPv4：“{v4['title']}”，IPv6：“{v6['title']}”）")
    size_gap = abs(v6["size"] - v4["size"]) / max(v4["size"], 1)
    if size_gap > rule["size_tolerance"]:
        differences.append(f"页面大小相差{size_gap:.0%}（IPv4：{v4['size']}字节，IPv6：{v6['size']}字节）")
    links4, links6 = set(v4["links"]), set(v6["links"])
    overlap = len(links4 & links6) / len(links4 | links6) if links4 | links6 else 1.0
    if overlap < rule["min_link_jaccard"]:
        differences.append(f"站内链接重合度仅{overlap:.0%}（IPv4：{len(links4)}个，IPv6：{len(links6)}个）")
    url = snap.start_url or ctx.site_url
    evidence = [Evidence(url=url, text=f"IPv4：HTTP {v4['status']}，“{v4['title']}”，{v4['size']}字节，{len(links4)}个站内链接"),
                Evidence(url=url, text=f"IPv6（{v6['address']}）：HTTP {v6['status']}，“{v6['title']}”，"
                                       f"{v6['size']}字节，{len(links6)}个站内链接")]
    facts = ("status", "title", "size")
    details = {"ipv4": {k: v4[k] for k in facts}, "ipv6": {k: v6[k] for k in facts},
               "size_gap": round(size_gap, 3), "link_overlap": round(overlap, 3),
               "only_ipv4_links": sorted(links4 - links6), "only_ipv6_links": sorted(links6 - links4),
               "differences": differences}
    value = f"链接重合度{overlap:.0%}，大小相差{size_gap:.0%}"
    if differences:
        return Finding(Status.FAIL, "通过IPv6打开的首页与IPv4首页不是同一内容：" + "；".join(differences) + "。",
                       value=value, threshold=threshold, evidence=evidence, details=details)
    return Finding(Status.PASS, "通过IPv6打开的首页与IPv4首页内容一致。", value=value, threshold=threshold,
                   evidence=evidence, details=details)


def broken_over_ipv4(snap: Snapshot, url: str) -> bool:
    """A link the crawl found broken over IPv4 too is a broken link (site.broken_links), not an IPv6 gap."""
    outcome = snap.outcome(url)
    return (outcome.fetched and (outcome.status or 0) >= 400) or outcome.error in ("dns", "refused")


def link_share(snap: Snapshot, ctx: Context, level: int, check_id: str) -> Finding:
    """Share of the level's links that load over IPv6. A portal without AAAA scores 0% here, as the
    national monitoring counts it: every link fails with "no IPv6 address"."""
    require_dns_answer(dns_rows(snap))
    name = {2: "二级链接", 3: "三级链接"}[level]
    rule = ctx.thresholds[check_id]
    threshold = f"{name}通过IPv6可访问的比例≥{rule['min_share']:.0%}"
    summaries = {s["level"]: s for s in probe_details(snap, "ipv6_links")}
    if level not in summaries:  # the links probe stopped before this level
        raise Unverifiable(IPV6_NOT_PROBED)
    summary = summaries[level]
    probes = [p for p in probe_details(snap, "ipv6_link") if p["level"] == level]
    if not probes:
        if level == 3 and summaries[2]["found"] and not summary["level2_pages"]:
            raise Unverifiable("本次抓取没有取得任何二级页面，无法抽取三级链接。")
        where = "首页上没有站内链接" if level == 2 else "二级页面上没有其他站内链接"
        return Finding(Status.NOT_APPLICABLE, f"{where}，本项不适用。", threshold=threshold)
    require_route(snap)
    counted, excluded, no_route = [], [], 0
    for probe in sorted(probes, key=lambda p: p["url"]):
        if probe["error"] == "no_route":
            no_route += 1
        elif not probe["ok"] and broken_over_ipv4(snap, probe["url"]):
            excluded.append(probe["url"])
        else:
            counted.append(probe)
    if not counted:
        if no_route:
            raise Unverifiable(NO_ROUTE)
        return Finding(Status.NOT_APPLICABLE, f"{name}在IPv4下同样无法打开（见“链接可用性”一项），无从判断IPv6支持。",
                       threshold=threshold, details={"excluded_broken_over_ipv4": excluded})
    failing = [p for p in counted if not p["ok"]]
    share = (len(counted) - len(failing)) / len(counted)
    value = f"{share:.1%}（{len(counted) - len(failing)}/{len(counted)}）"
    sampled = f"（从{summary['found']}个{name}中抽查{summary['probed']}个）" if summary["found"] > summary["probed"] else ""
    passed = share >= rule["min_share"]
    message = (f"{name}通过IPv6可访问的比例为{share:.1%}{sampled}，{'达到' if passed else '低于'}"
               f"{rule['min_share']:.0%}的要求")
    if failing:
        message += f"；以下{len(failing)}个链接无法通过IPv6打开：" + "、".join(p["url"] for p in failing[:5]) + \
                   ("等" if len(failing) > 5 else "")
    evidence = [Evidence(url=p["url"], text=f"IPv6访问：{failure(p)}；所在页面：{p['source']}")
                for p in failing[:MAX_EVIDENCE]]
    details = {"level": level, "share": round(share, 3), "counted": len(counted), "failing":
               [{"url": p["url"], "source": p["source"], "reason": failure(p)} for p in failing],
               "excluded_broken_over_ipv4": excluded, "found": summary["found"], "probed": summary["probed"]}
    return Finding(Status.PASS if passed else Status.FAIL, message + "。", value=value, threshold=threshold,
                   evidence=evidence, details=details)


@check(id="ipv6.links_level2", title="二级链接IPv6支持率", basis=BASIS + "；国家IPv6发展监测平台：网站二级内链IPv6支持率",
       family="ipv6", remedy="逐一排查清单中的栏目和页面，使其在IPv6下与IPv4下同样可以打开（常见原因：IPv6未覆盖全部服务器或路径转发规则）。",
       needs=("probes:ipv6_dns", "home", "probes:ipv6_links"))
def links_level2(snap: Snapshot, ctx: Context) -> Finding:
    return link_share(snap, ctx, 2, "ipv6.links_level2")


@check(id="ipv6.links_level3", title="三级链接IPv6支持率", basis=BASIS + "；国家IPv6发展监测平台：网站三级内链IPv6支持率",
       family="ipv6", remedy="逐一排查清单中的页面，使其在IPv6下与IPv4下同样可以打开（常见原因：子站、附件或旧系统未开通IPv6）。",
       needs=("probes:ipv6_dns", "home", "probes:ipv6_links"))
def links_level3(snap: Snapshot, ctx: Context) -> Finding:
    return link_share(snap, ctx, 3, "ipv6.links_level3")

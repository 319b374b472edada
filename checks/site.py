"""Site health from the 2019 检查指标 (国办秘函〔2019〕19号) and the 2017 发展指引 (国办发〔2017〕47号)."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from checks.common import describe_error, require_home
from checks.lexicon import SOFT_404_MARKERS
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import check
from checks.snapshot import Link, Snapshot

INDICATORS_2019 = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）"
# Statuses that say "not for you" rather than "not there": could not verify, never broken.
UNVERIFIABLE_STATUS = {401, 403, 407, 429}


@check(id="site.reachable", title="本次检测时首页可访问", basis=INDICATORS_2019 + " 单项否决：站点无法访问",
       family="site", remedy="排查服务器、网络和域名解析，确保首页稳定可访问，并建立可用性监测。")
def reachable(snap: Snapshot, ctx: Context) -> Finding:
    """What this crawl saw. One observation: the veto itself is site.availability's, over 7 days."""
    threshold = "首页15秒内可打开"
    outcome = snap.outcome(snap.start_url)
    evidence = [Evidence(url=snap.start_url)]
    dns = [probe for probe in snap.probes() if probe["kind"].startswith("dns_")]
    if dns:
        evidence.append(Evidence(text="；".join(f"{p['kind'][4:].upper()}: {p['detail']}" for p in dns)))
    if outcome.error == "robots":
        raise Unverifiable("网站robots协议禁止抓取首页，无法检测可访问性。")
    if not outcome.fetched:
        reason = describe_error(outcome.error) if outcome.error else "未获得响应"
        return Finding(Status.FAIL, f"本次检测时网站首页无法访问：{reason}。", value=reason, threshold=threshold,
                       evidence=evidence, details={"error": outcome.error, "message": outcome.message})
    home = snap.home()
    if home.status in UNVERIFIABLE_STATUS:
        # Government WAFs block scanners by User-Agent or rate; a visitor may still get through.
        raise Unverifiable(f"网站拒绝了检测程序的访问（HTTP {home.status}），可能为防火墙拦截，无法判断普通访客能否访问。")
    if not home.ok:
        return Finding(Status.FAIL, f"本次检测时网站首页返回错误状态 HTTP {home.status}。", value=f"HTTP {home.status}",
                       threshold=threshold, evidence=evidence)
    return Finding(Status.PASS, "本次检测时网站首页可正常访问。", value=f"HTTP {home.status}", threshold=threshold,
                   evidence=evidence)


@check(id="site.availability", title="网站可用性（连续监测）", basis=INDICATORS_2019 + " 单项否决：站点无法访问",
       family="site", remedy="排查服务器、网络和域名解析，确保首页稳定可访问；使用 govscan probe 每小时监测。")
def availability(snap: Snapshot, ctx: Context) -> Finding:
    """V-AVAIL: ≥20 probes a day over 7 days; a failure is no page within 15 s; veto at ≥5% failures."""
    import json

    limits = ctx.thresholds["site.availability"]
    days, needed = int(limits["days"]), int(limits["min_probes"])
    probes = snap.probes("availability")
    failed = [probe for probe in probes if not probe["ok"]]
    threshold = f"连续{days}天、不少于{needed}次监测，打不开（15秒内）的比例低于{limits['fail_share']:.0%}"
    if len(probes) < needed:
        raise Unverifiable(f"近{days}天仅有{len(probes)}次首页可用性监测记录，不足{needed}次，无法按检查指标判定"
                           "（请用 govscan probe 每小时监测）。")
    share = len(failed) / len(probes)
    value = f"{len(failed)}/{len(probes)}次失败（{share:.1%}）"
    evidence = [Evidence(url=probe["target"], text=f"{probe['at']} " + (json.loads(probe["detail"]).get("error") or ""))
                for probe in failed[:20]]
    details = {"probes": len(probes), "failed": len(failed), "share": round(share, 4)}
    if share >= limits["fail_share"]:
        return Finding(Status.FAIL, f"近{days}天{len(probes)}次监测中{len(failed)}次首页无法打开（{share:.1%}），"
                       "达到单项否决标准。", value=value, threshold=threshold, evidence=evidence, details=details)
    if share >= limits["warn_share"]:
        return Finding(Status.WARN, f"近{days}天{len(probes)}次监测中{len(failed)}次首页无法打开（{share:.1%}），"
                       "尚未达到单项否决标准，但可用性不足。", value=value, threshold=threshold, evidence=evidence,
                       details=details, score=0.5)
    return Finding(Status.PASS, f"近{days}天{len(probes)}次监测中首页可用率{1 - share:.1%}。", value=value,
                   threshold=threshold, evidence=evidence, details=details)


IDENTIFIERS = {
    "党政机关网站标识": lambda text, html: "conac.cn" in html or "党政机关" in text and "标识" in text,
    "网站标识码": lambda text, html: bool(ID_CODE.search(text)),
    "ICP备案编号": lambda text, html: bool(re.search(r"ICP\s*备\s*\d+", text, re.I)),
    "公安机关备案标识": lambda text, html: bool(re.search(r"公网安备\s*\d{6,}", text)) or "beian.gov.cn/portal" in html,
    "网站主办单位": lambda text, html: bool(re.search(r"主办(单位)?\s*[:：]", text)),
    "联系方式": lambda text, html: bool(re.search(r"联系(电话|方式|我们)|0\d{2,3}-\d{7,8}", text)),
    "我为政府网站找错": lambda text, html: "找错" in text or "zfwzzc" in html,
}
ID_CODE = re.compile(r"网站标识码\s*[:：]?\s*(bm\d{8}|\d{10})", re.I)


@check(id="site.identity", title="页面底部功能区标识", basis="国办发〔2017〕47号《政府网站发展指引》；" + INDICATORS_2019,
       family="site", remedy="在所有页面底部统一展示党政机关网站标识、网站标识码、ICP备案号、公安机关备案号、主办单位、联系方式和“我为政府网站找错”入口。")
def identity(snap: Snapshot, ctx: Context) -> Finding:
    home = require_home(snap)
    text, html = home.text, home.html
    frames = [link for link in snap.links_from(home.url) if link.tag in ("iframe", "frame")]
    unread_frames = []
    for frame in frames:
        framed = snap.page(frame.target)
        if framed is not None and framed.ok:
            text += "\n" + framed.text
            html += framed.html
        else:
            unread_frames.append(frame.target)
    present = [name for name, test in IDENTIFIERS.items() if test(text, html)]
    missing = [name for name in IDENTIFIERS if name not in present]
    threshold = "页面底部展示：" + "、".join(IDENTIFIERS)
    evidence = [Evidence(url=home.url, text=" ".join(ID_CODE.findall(text)) or "")]
    if missing and unread_frames:
        raise Unverifiable(f"首页底部信息位于无法读取的内嵌框架（iframe）中，无法核验：{'、'.join(missing)}。"
                           f"框架地址：{unread_frames[0]}")
    codes = {code.lower() for code in ID_CODE.findall(text)}
    meta_code = home.meta_tags.get("SiteIDCode", "").strip().lower()
    problems = []
    if missing:
        problems.append("首页底部缺少：" + "、".join(missing))
    if len(codes) > 1:
        problems.append("页面上出现多个不同的网站标识码：" + "、".join(sorted(codes)))
    elif codes and meta_code and meta_code not in codes:
        problems.append(f"页面元数据SiteIDCode（{meta_code}）与底部网站标识码（{next(iter(codes))}）不一致")
    # Other pages should carry the same code as the home page.
    other_codes = Counter()
    for page in snap.pages():
        if page.ok and page.url != home.url:
            other_codes.update({code.lower() for code in ID_CODE.findall(page.text)} - codes)
    if codes and other_codes:
        code, count = other_codes.most_common(1)[0]
        problems.append(f"有{count}个页面使用了与首页不同的网站标识码（{code}）")
    details = {"missing": missing, "present": present, "codes": sorted(codes)}
    value = f"{len(present)}/{len(IDENTIFIERS)}项"
    if not problems:
        return Finding(Status.PASS, "首页底部标识齐全：" + "、".join(present) + "。", value=value, threshold=threshold,
                       evidence=evidence, details=details)
    status = Status.FAIL if "网站标识码" in missing else Status.WARN
    return Finding(status, "；".join(problems) + "。", value=value, threshold=threshold, evidence=evidence,
                   score=len(present) / len(IDENTIFIERS), details=details)


def is_soft_404(page) -> bool:
    if not page.ok:
        return False
    head = page.title + "\n" + page.text[:3000]
    return any(marker in head for marker in SOFT_404_MARKERS) and len(page.text) < 3000


def external_link_outcomes(snap: Snapshot, ctx: Context) -> tuple[list, list, int]:
    """(broken, unverified, checked) for the home page's outbound links probed after the crawl."""
    import json

    broken, unverified, checked = [], [], 0
    for row in snap.probes("external_link"):
        detail = json.loads(row["detail"])
        link = Link(detail["source"], row["target"], detail["anchor"], "a", False)
        status, error = detail.get("status"), detail.get("error")
        if row["ok"]:
            checked += 1
        elif status in UNVERIFIABLE_STATUS:
            unverified.append((link, f"外部链接 HTTP {status}"))
        elif status is not None and status >= 400:
            broken.append((link, f"HTTP {status}（外部链接）"))
            checked += 1
        elif error in EXTERNAL_BROKEN:
            broken.append((link, f"{EXTERNAL_BROKEN[error]}（外部链接）"))
            checked += 1
        else:  # no address from our network (an intranet name, our resolver), timeouts, no route
            unverified.append((link, f"外部链接无法核验（{describe_error(error)}）"))
    return broken, unverified, checked


# The server was reached and the link still cannot be opened: a visitor meets the same (错链).
BROKEN_ERRORS = {"dns", "refused", "redirect_loop", "truncated", "reset"}
EXTERNAL_BROKEN = {"refused": "连接被拒绝", "reset": "连接被服务器中断", "redirect_loop": "重定向次数过多（循环跳转）"}


def silent_hosts(snap: Snapshot, share: float) -> set[str]:
    """Hosts at least `share` of whose requests timed out: the host stopped answering the assessor
    (blocked, overloaded, down), which is site.reachable's matter, not one dead link per page."""
    answered, timed_out = Counter(), Counter()
    for url in [page.url for page in snap.pages()] + [row["url"] for row in snap.attachments()]:
        answered[urlsplit(url).hostname] += 1
    for error in snap.errors():
        if error["kind"] == "timeout":
            timed_out[urlsplit(error["url"]).hostname] += 1
    return {host for host, count in timed_out.items() if count >= share * (count + answered[host])}


def internal_link_outcome(snap: Snapshot, target: str, silent: set[str]) -> tuple[str, str] | None:
    """("broken" | "unverified", reason) for one internal link; None when it opens; ("unchecked", "")
    when the crawl never asked for it (budget)."""
    outcome = snap.outcome(target)
    if outcome.fetched:
        status = outcome.status or 0
        page = snap.page(target)
        if status in UNVERIFIABLE_STATUS:
            return "unverified", f"HTTP {status}（拒绝检测程序访问）"
        if status >= 400:
            return "broken", f"HTTP {status}"
        if page is not None and is_soft_404(page):
            return "broken", f"HTTP {status}，但页面内容为“页面不存在”"
        return None
    if outcome.error == "timeout":
        if urlsplit(target).hostname in silent:
            return "unverified", "访问超时，且该主机本次多数请求均超时（可能限制了检测程序或暂停服务）"
        return "broken", "访问超时（重试后仍无响应，同站其他页面可正常访问）"
    if outcome.error in BROKEN_ERRORS:
        return "broken", describe_error(outcome.error)
    if outcome.error:
        return "unverified", describe_error(outcome.error)
    return "unchecked", ""


@check(id="site.broken_links", title="链接可用性（错链、断链）", basis=INDICATORS_2019 + " 功能设计：链接可用性",
       family="site", remedy="按清单逐一修正或删除无法打开的链接和附件，并定期开展链接检测。")
def broken_links(snap: Snapshot, ctx: Context) -> Finding:
    home = require_home(snap)
    internal = {}
    for link in snap.links(internal=True):
        if link.tag in ("a", "area", "iframe", "frame"):
            internal.setdefault(link.target, link)
    silent = silent_hosts(snap, ctx.thresholds["site.broken_links"]["silent_host_share"])
    broken, unverified, unchecked = [], [], 0
    for target, link in sorted(internal.items()):
        judged = internal_link_outcome(snap, target, silent)
        if judged is None:
            continue
        verdict, why = judged
        if verdict == "broken":
            broken.append((link, why))
        elif verdict == "unverified":
            unverified.append((link, why))
        else:
            unchecked += 1
    checked = len(internal) - unchecked - len(unverified)
    external_broken, external_unverified, external_checked = external_link_outcomes(snap, ctx)
    unverified += external_unverified
    threshold = "站内链接、附件和首页外部链接均可正常打开"
    evidence = [Evidence(url=link.target, text=f"{why}；所在页面：{link.source}；链接文字：“{link.anchor or '（无）'}”")
                for link, why in broken + external_broken]
    details = {
        "broken": [{"url": link.target, "source": link.source, "anchor": link.anchor, "reason": why,
                    "external": not link.internal} for link, why in broken + external_broken],
        "unverified": [{"url": link.target, "reason": why} for link, why in unverified],
        "checked": checked + external_checked, "unchecked": unchecked,
    }
    notes = []
    if unverified:
        notes.append(f"另有{len(unverified)}个链接无法核验（如拒绝检测程序访问、受robots协议限制），未计为错链")
    if unchecked:
        notes.append(f"{unchecked}个链接超出本次抓取上限，未检查")
    note = ("；" + "；".join(notes)) if notes else ""
    counted = [f"{len(broken)}个无法打开的站内链接或附件"] if broken else []
    counted += [f"{len(external_broken)}个无法打开的外部链接"] if external_broken else []
    total = len(broken) + len(external_broken)
    value = f"{total}/{checked + external_checked}"
    if total:
        return Finding(Status.FAIL, f"发现{'、'.join(counted)}{note}。请在网站管理后台逐一修正。",
                       value=value, threshold=threshold, evidence=evidence,
                       score=max(0.0, 1 - total / 10), details=details)
    scope = f"{checked}个站内链接和附件" + (f"、{external_checked}个首页外部链接" if external_checked else "")
    return Finding(Status.PASS, f"已检查{scope}，均可正常打开{note}。", value=value, threshold=threshold,
                   evidence=[Evidence(url=home.url, text=f"检查起点：{home.title}")], details=details)


def _certificate_days_left(not_after: str | None, today) -> int | None:
    from datetime import datetime

    try:
        return (datetime.strptime(not_after, "%b %d %H:%M:%S %Y %Z").date() - today).days
    except (TypeError, ValueError):
        return None


@check(id="site.https", title="HTTPS安全访问（参考项，不计分）", basis="国办发〔2017〕47号《政府网站发展指引》；GB/T 31506-2022",
       family="site", remedy="部署由可信机构签发的有效证书，开启HTTPS访问，并将HTTP访问自动跳转至HTTPS；证书到期前及时续期。")
def https(snap: Snapshot, ctx: Context) -> Finding:
    import json

    require_home(snap)  # a site that is down tells nothing about its HTTPS
    threshold = "提供HTTPS访问，证书有效且可信，HTTP自动跳转HTTPS"
    tls_rows = snap.probes("https_tls")
    if not tls_rows:
        raise Unverifiable("未能完成HTTPS检测（域名未能解析），本项无法核验。")
    tls = json.loads(tls_rows[0]["detail"])
    evidence = [Evidence(url="https://" + tls_rows[0]["target"], text=tls.get("message") or tls.get("version", ""))]
    if not tls["ok"]:
        problem = {"connect": "网站未提供HTTPS访问", "certificate": f"HTTPS证书无效或不受信任（{tls.get('message')}）",
                   "tls": f"HTTPS握手失败（{tls.get('message')}）"}[tls["reason"]]
        return Finding(Status.WARN, problem + "。", value="不支持" if tls["reason"] == "connect" else "证书问题",
                       threshold=threshold, evidence=evidence, details=tls)
    problems = []
    days = _certificate_days_left(tls.get("not_after"), ctx.today)
    if days is not None and days < int(ctx.thresholds["site.https"]["certificate_warn_days"]):
        problems.append(f"证书将于{days}天后到期")
    redirect_rows = snap.probes("https_redirect")
    if redirect_rows and not redirect_rows[0]["ok"]:
        redirect = json.loads(redirect_rows[0]["detail"])
        problems.append(f"HTTP访问未跳转到HTTPS（HTTP {redirect.get('status') or '无响应'}）")
    details = {"tls": tls, "certificate_days_left": days}
    if problems:
        return Finding(Status.WARN, "；".join(problems) + "。", value=f"证书剩余{days}天", threshold=threshold,
                       evidence=evidence, details=details)
    return Finding(Status.PASS, f"支持HTTPS访问（{tls.get('version')}），证书有效" + (f"，剩余{days}天" if days is not None else "") + "。",
                   value=f"证书剩余{days}天", threshold=threshold, evidence=evidence, details=details)


# Failures that say nothing about the search itself: our side could not get there.
_SEARCH_UNREACHED = {"no_address", "timeout", "no_route", "network"}


@check(id="site.search", title="站内搜索可用", basis=INDICATORS_2019 + " 功能设计：站内搜索", family="site",
       remedy="提供覆盖全站的站内搜索，确保新发布的信息能及时被检索到，并按栏目、时间分类展示结果。")
def search(snap: Snapshot, ctx: Context) -> Finding:
    import json

    home = require_home(snap)
    rows = snap.probes("search")
    if not rows:
        raise Unverifiable("本次未进行站内搜索检测。")
    probe = json.loads(rows[0]["detail"])
    threshold = "用近期发布信息的完整标题检索，结果中能找到该信息"
    if not probe["forms"]:
        if home.metadata.get("needs_js") and not home.rendered:
            raise Unverifiable("首页由JavaScript生成且未渲染，无法确认是否提供站内搜索。")
        return Finding(Status.FAIL, "首页未提供站内搜索框。", value="无搜索", threshold=threshold,
                       evidence=[Evidence(url=home.url)])
    if not probe["query"]:
        raise Unverifiable("首页列表中未找到可用于检索的近期信息标题，无法检测站内搜索。")
    if probe["method"] != "get":
        raise Unverifiable(f"搜索表单以{probe['method'].upper()}方式提交，未自动检测：{probe['action']}")
    evidence = [Evidence(url=probe["url"], text=f"检索词：“{probe['query']}”（{probe['article']}）")]
    details = {key: probe.get(key) for key in ("query", "article", "action", "status", "error")}
    if rows[0]["ok"]:
        return Finding(Status.PASS, f"用近期信息标题“{probe['query']}”检索，搜索结果中找到了该信息。", value="可检索",
                       threshold=threshold, evidence=evidence, details=details)
    if probe.get("error") in _SEARCH_UNREACHED:
        raise Unverifiable(f"站内搜索服务无法访问（{probe.get('message') or probe['error']}），本项无法核验：{probe['action']}")
    if not probe.get("error") and probe.get("scripted") and (probe.get("status") or 500) < 400:
        raise Unverifiable(f"搜索结果由JavaScript加载，本次无法读取，请人工核验：{probe['url']}")
    problem = (f"搜索页面返回错误（HTTP {probe['status']}）" if probe.get("status") and probe["status"] >= 400
               else f"搜索服务访问失败（{probe.get('error')}）" if probe.get("error")
               else f"用近期信息标题“{probe['query']}”检索，结果中未找到该信息")
    return Finding(Status.FAIL, problem + "。", value="检索不到", threshold=threshold, evidence=evidence, details=details)

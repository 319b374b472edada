"""Every `site.*` check: site health from the 2019 检查指标 (国办秘函〔2019〕19号) and the 2017 发展指引
(国办发〔2017〕47号) — reachability, availability, identity, broken links, HTTPS, search; whether the site
is kept up to date (the home page and column vetoes V-HOME, V-COL: an item's date is the one its list
row shows, else its own page's publication date; undated items count as not updated — 普查2015: 未注明
信息发布时间的视为不更新); and signs of injected content (hidden link farms, spam keywords, blocklisted
outbound links), which go to manual review (`warn`): a keyword can be quoted in a crackdown notice, so
no automatic veto is drawn from it."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from checks.common import ACCESS_DENIED, ERROR_WORDS, describe_error
from checks.facts.footer import ID_CODE, read_footer
from checks.facts.freshness import CLASSES, column_newest, columns, home_newest, update_class, update_windows
from checks.facts.security_terms import blocked, terms
from checks.lexicon import BLANK_MARKERS, SOFT_404_MARKERS
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import check
from checks.snapshot import Link, Snapshot

INDICATORS_2019 = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）"
VETO_BASIS = INDICATORS_2019 + "单项否决"


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
        # a download error the crawler could not name may be the handshake the HTTPS probe saw fail
        tls = tls_failure(snap) if outcome.error == "tls" or outcome.error not in ERROR_WORDS else None
        if tls:
            reason = f"HTTPS（TLS）握手失败：{tls}"
        return Finding(Status.FAIL, f"本次检测时网站首页无法访问：{reason}。", value=reason, threshold=threshold,
                       evidence=evidence, details={"error": outcome.error, "message": outcome.message})
    if snap.home_moved_to:
        raise Unverifiable(f"网站首页跳转到了其他域名（{snap.home_moved_to}），本次未评估该域名下的内容；"
                           "如网站已迁址，请改用新地址评估。")
    home = snap.home()
    if home is None:  # an answer, but a file to download (application/octet-stream), not a page to show
        kind = (snap.attachment(snap.start_url) or {}).get("content_type") or "未知类型"
        return Finding(Status.FAIL, f"本次检测时网站首页返回的不是网页（{kind}），浏览器会下载文件而不显示首页。",
                       value=f"非网页（{kind}）", threshold=threshold, evidence=evidence,
                       details={"content_type": kind})
    if home.status in ACCESS_DENIED:
        # Government WAFs block scanners by User-Agent or rate; a visitor may still get through.
        raise Unverifiable(f"网站拒绝了检测程序的访问（HTTP {home.status}），可能为防火墙拦截，无法判断普通访客能否访问。")
    if not home.ok:
        return Finding(Status.FAIL, f"本次检测时网站首页返回错误状态 HTTP {home.status}。", value=f"HTTP {home.status}",
                       threshold=threshold, evidence=evidence)
    return Finding(Status.PASS, "本次检测时网站首页可正常访问。", value=f"HTTP {home.status}", threshold=threshold,
                   evidence=evidence)


def tls_failure(snap: Snapshot) -> str | None:
    """What the HTTPS probe found when the start URL's TLS handshake failed (it knows why; the crawl's
    download error often does not), e.g. an https:// address served by a plain-HTTP port."""
    import json

    for probe in snap.probes("https_tls"):
        detail = json.loads(probe["detail"] or "{}")
        if not probe["ok"] and detail.get("reason") == "tls":
            message = detail.get("message") or ""
            if "wrong version number" in message.lower():
                return f"{message}（该端口提供的是普通 HTTP，而不是 HTTPS）"
            return message or "握手失败"
    return None


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
    first, last = probes[0], probes[-1]
    watched = Evidence(url=last["target"], text=f"监测的首页：{first['at']} 至 {last['at']} 共{len(probes)}次")
    return Finding(Status.PASS, f"近{days}天{len(probes)}次监测中首页可用率{1 - share:.1%}。", value=value,
                   threshold=threshold, evidence=[watched, *evidence], details=details)


IDENTIFIERS = ("党政机关网站标识", "网站标识码", "ICP备案编号", "公安机关备案标识", "网站主办单位", "联系方式", "我为政府网站找错")


@check(id="site.identity", title="页面底部功能区标识", basis="国办发〔2017〕47号《政府网站发展指引》；" + INDICATORS_2019,
       family="site", remedy="在所有页面底部统一展示党政机关网站标识、网站标识码、ICP备案号、公安机关备案号、主办单位、联系方式和“我为政府网站找错”入口。",
       needs=("home",))
def identity(snap: Snapshot, ctx: Context) -> Finding:
    """Judged from the home page's own markup (and the frames it could read). Only a footer that is
    itself in a frame or a script the crawl could not read makes missing items unverifiable; an
    unrelated frame (a weather widget) does not."""
    home = snap.home()
    facts = read_footer(home.html, home.text, home.url)
    marks, text, unread = dict(facts.marks), home.text, []
    for url in facts.framed:
        framed = snap.page(url)
        if framed is not None and framed.ok:
            text += "\n" + framed.text
            marks = {**read_footer(framed.html, framed.text, framed.url).marks, **marks}
        else:
            unread.append(url)
    present = [name for name in IDENTIFIERS if name in marks]
    missing = [name for name in IDENTIFIERS if name not in marks]
    scripted = [name for name in present if marks[name].how == "script"]
    threshold = "页面底部展示：" + "、".join(IDENTIFIERS)
    evidence = [Evidence(url=home.url, text=f"{home.title}：" + "；".join(f"{name}：{marks[name].what}" for name in present))]
    if missing and unread:
        raise Unverifiable(f"首页底部信息由无法读取的内嵌框架或脚本提供，无法核验：{'、'.join(missing)}。地址：{unread[0]}")
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
    details = {"missing": missing, "present": present, "via_script": scripted, "codes": sorted(codes),
               "found": {name: marks[name].what for name in present}}
    value = f"{len(present)}/{len(IDENTIFIERS)}项"
    by_script = f"（其中{'、'.join(scripted)}由全国统一脚本在页面加载时生成，已识别其脚本）" if scripted else ""
    if not problems:
        return Finding(Status.PASS, "首页底部标识齐全：" + "、".join(present) + by_script + "。", value=value,
                       threshold=threshold, evidence=evidence, details=details)
    status = Status.FAIL if "网站标识码" in missing else Status.WARN
    return Finding(status, "；".join(problems) + by_script + "。", value=value, threshold=threshold, evidence=evidence,
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
        elif status in ACCESS_DENIED:
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
        if status in ACCESS_DENIED:
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
       family="site", remedy="按清单逐一修正或删除无法打开的链接和附件，并定期开展链接检测。",
       needs=("home",))
def broken_links(snap: Snapshot, ctx: Context) -> Finding:
    home = snap.home()
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


@check(id="site.https", title="HTTPS安全访问", basis="国办发〔2017〕47号《政府网站发展指引》；GB/T 31506-2022",
       family="site", remedy="部署由可信机构签发的有效证书，开启HTTPS访问，并将HTTP访问自动跳转至HTTPS；证书到期前及时续期。",
       needs=("home", "probes:https_tls"))
def https(snap: Snapshot, ctx: Context) -> Finding:
    import json

    threshold = "提供HTTPS访问，证书有效且可信，HTTP自动跳转HTTPS"
    tls_rows = snap.probes("https_tls")
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
       remedy="提供覆盖全站的站内搜索，确保新发布的信息能及时被检索到，并按栏目、时间分类展示结果。",
       needs=("home", "probes:search"))
def search(snap: Snapshot, ctx: Context) -> Finding:
    import json

    home = snap.home()
    rows = snap.probes("search")
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


MIN_OWN_TEXT = 40  # characters of its own a page needs to be content rather than an empty frame


@check(id="site.home_updated", title="首页信息更新", basis=VETO_BASIS + "：首页不更新", family="site",
       remedy="及时在首页发布本地区、本部门的动态和信息，并标注发布时间。",
       needs=("home",))
def home_updated(snap: Snapshot, ctx: Context) -> Finding:
    home = snap.home()
    limit = int(ctx.thresholds["site.home_updated"]["max_age_days"])
    threshold = f"首页最新信息发布时间距检测日不超过{limit}天"
    where, found = home_newest(snap, home, ctx.today)
    if found is None:
        return Finding(Status.FAIL, f"{where}的信息均未标注发布时间，按规定视为未更新。", value="无日期",
                       threshold=threshold, evidence=[Evidence(url=home.url)])
    newest, link = found
    age = (ctx.today - newest).days
    evidence = [Evidence(url=link.target, text=f"“{link.anchor}” {newest.isoformat()}")]
    details = {"newest": newest.isoformat(), "age_days": age}
    if age > limit:
        return Finding(Status.FAIL, f"{where}最新信息发布于{newest.isoformat()}，已{age}天未更新（超过{limit}天即触发单项否决）。",
                       value=f"{age}天", threshold=threshold, evidence=evidence, details=details)
    return Finding(Status.PASS, f"{where}最新信息发布于{newest.isoformat()}（{age}天前）。", value=f"{age}天",
                   threshold=threshold, evidence=evidence, details=details)


@check(id="site.columns_updated", title="栏目信息更新", basis=VETO_BASIS + "：栏目不更新", family="site",
       remedy="按栏目类别定期更新：动态要闻类2周内、通知公告和政策文件类6个月内、人事和规划计划类1年内应有新信息；确无内容的栏目应整合或撤销。",
       needs=("home",))
def columns_updated(snap: Snapshot, ctx: Context) -> Finding:
    limits = ctx.thresholds["site.columns_updated"]
    windows = update_windows(ctx.thresholds)
    stale, fresh, checked = [], [], 0
    for column in columns(snap):
        kind = update_class(column)
        if kind is None or not column.items:
            continue  # unclassified columns have no update rule; blank ones are site.blank_columns
        checked += 1
        newest = column_newest(snap, column, ctx.today)
        age = (ctx.today - newest).days if newest else None
        row = {"url": column.url, "name": column.name, "class": CLASSES[kind][0], "kind": kind,
               "newest": newest.isoformat() if newest else None, "age_days": age}
        (stale if newest is None or age > windows[kind] else fresh).append(row)
    threshold = (f"动态要闻类{windows['news']}天、通知公告政策文件类{windows['notice']}天、"
                 f"人事规划计划类{windows['plan']}天内有更新；前两类超期≥{int(limits['veto_stale'])}个或"
                 f"应更新未更新≥{int(limits['veto_overdue'])}个即单项否决")
    evidence = [Evidence(url=s["url"], text=f"“{s['name']}”（{s['class']}）最新信息："
                         + (f"{s['newest']}，{s['age_days']}天前" if s["newest"] else "无日期")) for s in stale]
    details = {"stale": stale, "checked": checked}
    if checked == 0:
        return Finding(Status.NOT_APPLICABLE, "未识别到有更新要求的栏目（动态要闻、通知公告、政策文件、人事、规划计划）。",
                       threshold=threshold, details=details)
    urgent = sum(1 for s in stale if s["kind"] in ("news", "notice"))
    value = f"{len(stale)}/{checked}个栏目未按期更新"
    if urgent >= limits["veto_stale"] or len(stale) >= limits["veto_overdue"]:
        return Finding(Status.FAIL, f"{len(stale)}个栏目未按期更新，达到单项否决标准。", value=value, threshold=threshold,
                       evidence=evidence, details=details)
    if stale:
        return Finding(Status.WARN, f"{len(stale)}个栏目未按期更新：" + "、".join(s["name"] for s in stale) + "。",
                       value=value, threshold=threshold, evidence=evidence, details=details,
                       score=1 - len(stale) / checked)
    return Finding(Status.PASS, f"已检查{checked}个有更新要求的栏目，均按期更新。", value=value, threshold=threshold,
                   evidence=[Evidence(url=c["url"], text=f"“{c['name']}”（{c['class']}）最新信息：{c['newest']}")
                             for c in fresh], details=details)


@check(id="site.blank_columns", title="空白栏目", basis=VETO_BASIS + "：空白栏目数量超过(含)5个", family="site",
       remedy="为空白栏目补充内容；确无内容可发布的栏目应予撤销或整合，不得保留“暂无信息”的空栏目。",
       needs=("home",))
def blank_columns(snap: Snapshot, ctx: Context) -> Finding:
    home = snap.home()
    veto = int(ctx.thresholds["site.blank_columns"]["veto_blank"])
    blank = []
    found = columns(snap)
    directories = [urlsplit(column.page.final_url).path.rsplit("/", 1)[0] + "/" for column in found]
    for column, directory in zip(found, directories):
        hub = any(other != directory and other.startswith(directory) for other in directories)
        if column.items or hub:  # a hub of sub-columns lists columns, not items
            continue
        own_text = snap.main_text(column.page).replace(column.name, "")
        marker = next((m for m in BLANK_MARKERS if m in own_text), "")
        # A guide, a contact page or a hub of sub-columns has no list items either, but is not blank.
        if marker or (not snap.content_links(column.url) and len(re.sub(r"\W", "", own_text)) < MIN_OWN_TEXT):
            blank.append({"url": column.url, "name": column.name, "marker": marker})
    threshold = f"不得有空白栏目；空白栏目≥{veto}个即单项否决"
    if not found:  # nothing examined is no pass
        return Finding(Status.NOT_APPLICABLE, "本次抓取未识别到栏目列表页，无法判断是否存在空白栏目。", threshold=threshold,
                       evidence=[Evidence(url=home.url)])
    evidence = [Evidence(url=b["url"], text=f"“{b['name']}”" + (f"显示“{b['marker']}”" if b["marker"] else "无任何信息"))
                for b in blank]
    details = {"blank": blank}
    if len(blank) >= veto:
        return Finding(Status.FAIL, f"发现{len(blank)}个空白栏目，达到单项否决标准。", value=f"{len(blank)}个",
                       threshold=threshold, evidence=evidence, details=details)
    if blank:
        return Finding(Status.WARN, f"发现{len(blank)}个空白栏目：" + "、".join(b["name"] for b in blank) + "。",
                       value=f"{len(blank)}个", threshold=threshold, evidence=evidence, details=details, score=0.5)
    return Finding(Status.PASS, f"已检查{len(found)}个栏目，未发现空白栏目。", value="0个", threshold=threshold,
                   evidence=[Evidence(url=column.url, text=f"“{column.name}”") for column in found], details=details)


@check(id="site.security_content", title="网站内容安全（暗链、违规内容）",
       basis=VETO_BASIS + "：安全、泄密事故等严重问题",
       family="site", remedy="逐条人工核实：确属被植入的暗链或违规内容应立即删除，排查网站后台和服务器安全漏洞，并留存处置记录。",
       needs=("home",))
def security_content(snap: Snapshot, ctx: Context) -> Finding:
    home = snap.home()
    pattern, domains, hidden_min = terms()
    hits: list[dict] = []
    for page in snap.pages():
        if not page.ok:
            continue
        outbound = [link for link in page.metadata.get("hidden_links", []) if not link.get("internal")]
        if len(outbound) >= hidden_min:
            hits.append({"url": page.url, "kind": "暗链", "text": f"隐藏的外部链接{len(outbound)}个："
                         + "、".join(f"{link['anchor'] or link['target']}（{link['target']}）" for link in outbound[:5])})
        for match in list(pattern.finditer(page.title + "\n" + page.text))[:1]:
            start = max(0, match.start() - 20)
            excerpt = (page.title + "\n" + page.text)[start:match.end() + 20].replace("\n", " ")
            hits.append({"url": page.url, "kind": "违规关键词", "text": f"“{match.group(0)}”：…{excerpt}…"})
    for link in snap.links(internal=False):
        host = (urlsplit(link.target).hostname or "").lower()
        if blocked(host, domains):  # spam anchors are already caught as page text
            hits.append({"url": link.source, "kind": "违规外链", "text": f"链接“{link.anchor}”指向 {link.target}"})
    threshold = "不得存在暗链、违规内容或违规外链"
    details = {"hits": hits, "pages": len(snap.pages())}
    if not hits:
        return Finding(Status.PASS, f"在{len(snap.pages())}个页面中未发现暗链、违规关键词或违规外链。", value="0处",
                       threshold=threshold, evidence=[Evidence(url=home.url, text=f"检查起点，共检查{len(snap.pages())}个页面")],
                       details=details)
    kinds = "、".join(sorted({hit["kind"] for hit in hits}))
    return Finding(Status.WARN, f"发现{len(hits)}处疑似问题（{kinds}），需人工核实并处置。", value=f"{len(hits)}处",
                   threshold=threshold, evidence=[Evidence(url=h["url"], text=f"{h['kind']}：{h['text']}") for h in hits],
                   details=details)

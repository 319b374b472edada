"""用权公开 (要点2020 (一), rulebook §8.1, §8.2): the 权责清单 published and kept up to date, and the
机构职能 of every department (条例第二十条（二）).

Guangdong districts often publish their lists on the province's service portal (广东政务服务网) and
link to it. The crawl records such outbound links but never fetches them, so a link to a known
service portal counts as published, and the finding says that its content and date were not seen.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from checks.columns import column_items, find_column, normalise
from checks.common import open_page, require_list_loaded, searched
from checks.facts.items import newest_listed
from checks.facts.portals import service_portal
from checks.lexicon import BLANK_MARKERS, COLUMNS, PHONE_PATTERN
from checks.model import Context, Evidence, Finding, Status
from checks.registry import check
from checks.snapshot import Link, Snapshot


def outbound_column(snap: Snapshot, concept_name: str) -> Link | None:
    """An external link named exactly as the column (standard name or synonym): a list kept on another
    site. Service portals first, then the shallowest source page."""
    concept = COLUMNS[concept_name]
    names = (concept.standard, *concept.synonyms)
    order = snap.crawl_order
    found = [link for link in snap.links(internal=False)
             if link.tag in ("a", "area") and normalise(link.anchor) in names and link.source in order]
    found.sort(key=lambda link: (service_portal(link.target) is None, order[link.source]))
    return found[0] if found else None


def _outbound_finding(link: Link, threshold: str) -> Finding:
    portal = service_portal(link.target)
    evidence = [Evidence(url=link.target, text=f"“{link.anchor}”（链接位于 {link.source}）")]
    details = {"source": "service_portal" if portal else "external", "url": link.target, "host": portal or
               urlsplit(link.target).hostname, "verified": False, "newest": None}
    if portal:
        return Finding(Status.PASS, f"权责清单链接至政务服务网（{portal}）公开；本次检测不访问外部网站，"
                       "清单内容和更新日期未核验。", value="链接至政务服务网（未核验）", threshold=threshold,
                       evidence=evidence, details=details)
    return Finding(Status.WARN, f"权责清单仅链接至外部网站（{details['host']}），该网站不是已知的政务服务网，"
                   "本次未核验清单内容和更新日期。", value="外部链接（未核验）", threshold=threshold,
                   evidence=evidence, details=details, score=0.5)


@check(id="power.responsibility_list", title="权责清单公开", family="power",
       basis="《2020年政务公开工作要点》（国办发〔2020〕17号）一：更新完善权责清单并按要求公开",
       remedy="在政府信息公开专栏设置“权责清单”栏目（或链接至广东政务服务网的本级权责清单），并在权责事项调整后及时更新，标注更新日期。",
       needs=("home",))
def responsibility_list(snap: Snapshot, ctx: Context) -> Finding:
    max_age = int(ctx.thresholds["power.responsibility_list"]["max_age_days"])
    threshold = f"公开权责清单（本站栏目或链接至政务服务网），{max_age}天内有更新"
    match = find_column(snap, "power_list")
    if match is None:
        outbound = outbound_column(snap, "power_list")
        if outbound is not None:
            return _outbound_finding(outbound, threshold)
        return Finding(Status.FAIL, "未找到权责清单（权力清单、责任清单）栏目，也没有链接至政务服务网的权责清单。",
                       value="未找到", threshold=threshold, evidence=searched(snap, "权责清单栏目或链接"))
    evidence = [Evidence(url=match.url, text=f"“{match.anchor}”（位于 {match.source}）")]
    page = open_page(snap, match, threshold)
    items = column_items(snap, page.url)
    portal_link = next((link for link in snap.content_links(page.url) if service_portal(link.target)), None)
    newest = newest_listed(snap, page, items, ctx.today)
    if newest is None and portal_link is not None:  # the column only sends visitors to the portal
        return _outbound_finding(portal_link, threshold)
    details = {"source": "site", "url": match.url, "items": len(items), "verified": True, "newest": None}
    if newest is None:
        if not items:
            require_list_loaded(snap, page, match.anchor)
            marker = next((m for m in BLANK_MARKERS if m in snap.main_text(page)), "")
            return Finding(Status.FAIL, f"权责清单栏目“{match.anchor}”没有任何内容" + (f"（页面显示“{marker}”）" if marker else "")
                           + "。", value="空栏目", threshold=threshold, evidence=evidence, details=details)
        return Finding(Status.WARN, f"权责清单栏目“{match.anchor}”列有{len(items)}条内容，但均未标注发布或更新日期，"
                       "无法判断是否及时更新。", value="无日期", threshold=threshold, evidence=evidence,
                       details=details, score=0.5)
    day, url, title = newest
    age = (ctx.today - day).days
    details.update(newest=day.isoformat(), age_days=age, newest_url=url)
    evidence.append(Evidence(url=url, text=f"“{title}” {day.isoformat()}"))
    if age > max_age:
        return Finding(Status.WARN, f"权责清单最近一次更新为{day.isoformat()}，已{age}天未更新（应在{max_age}天内）。",
                       value=f"{age}天", threshold=threshold, evidence=evidence, details=details, score=0.5)
    return Finding(Status.PASS, f"已公开权责清单，最近一次更新为{day.isoformat()}（{age}天前）。", value=f"{age}天",
                   threshold=threshold, evidence=evidence, details=details)


# The six items of 条例第二十条（二） as they are written on a department's page.
FUNCTION_FIELDS = {
    "职能": re.compile(r"职能|职责"),
    "内设机构": re.compile(r"内设机构|机构设置|内设[^。；\n]{0,6}[股科室处]"),
    "办公地址": re.compile(r"地\s*址\s*[:：]"),
    "办公时间": re.compile(r"办公时间|工作时间|受理时间"),
    "联系方式": re.compile(PHONE_PATTERN),
    "负责人": re.compile(r"(?:负责人|主要负责同志|局\s*长|主\s*任|党组书记)\s*[:：]\s*[\u4e00-\u9fa5]{2,4}"),
}
_DEPARTMENT = re.compile(r"(局|办公室|委员会)$")
_TITLE_TAIL = re.compile(r"(?:的)?(?:主要职责|机构职能|职能职责|职能|内设机构|机构设置|机构概况|简介).*$")
_PLACE = re.compile(r"[\u4e00-\u9fa5]{2,6}[省市县区]")


def _short(name: str, ctx: Context) -> str:
    """A department's name without the district prefix: 汕头市金平区财政局 and 区财政局 are one department."""
    head = ctx.site_name.split("人民政府")[0]
    place = re.match(r"(?:[\u4e00-\u9fa5]{2,7}?[省市])?[\u4e00-\u9fa5]{1,6}?[区县市旗]", head)
    prefix = place.group(0) if place else head
    for part in (prefix, prefix.rsplit("市", 1)[-1]):
        if part and name.startswith(part):
            name = name[len(part):]
            break
    return name[1:] if name[:1] in ("区", "县") and len(name) > 3 else name


def known_departments(snap: Snapshot, ctx: Context) -> dict[str, tuple[str, str]]:
    """Government departments the site itself names as the source or issuer of its pages (short name ->
    full name and a page naming it); Party bodies and the government itself are not 政府工作部门."""
    found: dict[str, tuple[str, str]] = {}
    for page in snap.pages():
        for name in (page.meta_tags.get("ContentSource"), page.document.get("发布机构"), page.document.get("发文机关")):
            name = (name or "").strip()
            short = _short(name, ctx)
            # still led by a place name after our own prefix is gone: another government's (a city repost)
            if _DEPARTMENT.search(name) and not _PLACE.match(short) and not re.search(r"^中共|区委|党", name):
                found.setdefault(short, (name, page.url))
    return found


@check(id="power.functions_catalog", title="机构职能公开", family="power",
       basis="《中华人民共和国政府信息公开条例》第二十条（二）；《2020年政务公开工作要点》一：机构职能目录",
       remedy="在“机构职能”栏目逐一公开各政府工作部门的职能、内设机构、办公地址、办公时间、联系电话和负责人姓名，并保持更新。",
       needs=("home",))
def functions_catalog(snap: Snapshot, ctx: Context) -> Finding:
    threshold = "各政府工作部门均公开职能、内设机构、办公地址、办公时间、联系方式、负责人6项"
    match = find_column(snap, "functions")
    known = known_departments(snap, ctx)
    if match is None:
        return Finding(Status.FAIL, "未找到机构职能栏目（机构职能目录）。", value="未找到", threshold=threshold,
                       evidence=searched(snap, "机构职能栏目"), details={"url": None, "departments": [], "not_listed": sorted(full for full, _ in known.values())})
    evidence = [Evidence(url=match.url, text=f"“{match.anchor}”（位于 {match.source}）")]
    page = open_page(snap, match, threshold)
    items = column_items(snap, page.url)
    if not items:
        require_list_loaded(snap, page, match.anchor)
    entries = []  # one per department page; a one-page catalogue is one entry
    for link in items or [None]:
        target = page if link is None else snap.page(link.target)
        if target is None or not target.ok:
            continue
        title = target.title.split("_")[0] if link is None else link.anchor.strip()
        text = title + "\n" + snap.main_text(target)
        department = next((short for short in known if short in title), None) or _short(_TITLE_TAIL.sub("", title), ctx)
        missing = [field for field, pattern in FUNCTION_FIELDS.items() if not pattern.search(text)]
        entries.append({"department": department, "title": title, "url": target.url, "missing": missing})
    listed = {entry["department"] for entry in entries}
    unlisted = sorted(known[short] for short in known if short not in listed)
    not_listed = [full for full, _ in unlisted]
    total = len(entries) + len(not_listed)
    complete = [entry for entry in entries if not entry["missing"]]
    filled = sum(len(FUNCTION_FIELDS) - len(entry["missing"]) for entry in entries)
    details = {"url": match.url, "departments": entries, "not_listed": not_listed, "complete": len(complete),
               "known": len(known)}
    evidence += [Evidence(url=entry["url"], text=f"“{entry['title']}”缺少：" + "、".join(entry["missing"]))
                 for entry in entries if entry["missing"]]
    evidence += [Evidence(url=url, text=f"“{full}”发布了信息，但机构职能栏目未列出该部门") for full, url in unlisted[:5]]
    value = f"{len(complete)}/{total}个部门信息完整" if total else "0个部门"
    if not entries:
        return Finding(Status.FAIL, f"机构职能栏目“{match.anchor}”没有任何部门的职能信息。", value=value,
                       threshold=threshold, evidence=evidence, details=details)
    problems = []
    if not_listed:
        problems.append(f"网站上发布信息的{len(not_listed)}个部门未公开机构职能（如{'、'.join(not_listed[:3])}）")
    if len(complete) < len(entries):
        problems.append(f"{len(entries) - len(complete)}个部门的机构职能信息不完整")
    if not problems:
        return Finding(Status.PASS, f"已公开{len(entries)}个部门的机构职能，6项信息齐全。", value=value,
                       threshold=threshold, evidence=evidence, details=details)
    return Finding(Status.WARN, "；".join(problems) + "。", value=value, threshold=threshold, evidence=evidence,
                   details=details, score=filled / (len(FUNCTION_FIELDS) * total))

"""依申请公开 (条例第二十七至二十九、三十三条; rulebook §3.2 OGI-27-29 and OGI-33, §8.5): a channel to
apply (an online form, or letters/数据电文 to a named office with its address and phone) and the
20 + 20 working-day limits stated where applicants read them (the 依申请公开 page or the 指南)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from checks.columns import find_column
from checks.common import column_page, searched
from checks.facts.forms import application_form
from checks.facts.platform import home_and_platform
from checks.facts.portals import service_portal
from checks.lexicon import PHONE_PATTERN
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import check
from checks.snapshot import Page, Snapshot

ONLINE_ANCHORS = ("在线申请", "网上申请", "我要申请", "申请表", "在线提交", "网上提交", "申请入口")
WRITTEN = re.compile(r"信函|信件|邮寄|数据电文")
ELEMENTS = {
    "受理机构": re.compile(r"受理(?:机构|单位|部门)|工作机构|机构名称"),
    "地址": re.compile(r"地\s*址\s*[:：]"),
    "联系电话": re.compile(PHONE_PATTERN),
    # the reply limit, never the 20 working days of proactive disclosure (条例第二十六条)
    "20个工作日内答复": re.compile(r"(?:20|二十)个工作日内?(?:予以|作出|给予)?答复|答复[^。；;]{0,10}(?:20|二十)个工作日"),
    "延长不超过20个工作日": re.compile(r"延长[^。；;]{0,60}?(?:20|二十)个工作日"),
}
CHANNEL = "申请渠道（在线或书面）"


def clause(text: str, hit: re.Match) -> str:
    """The clause around a match, as evidence a reader can recognise on the page."""
    start = max(text.rfind(mark, 0, hit.start()) for mark in "。；\n") + 1
    ends = [end for mark in "。；\n" if (end := text.find(mark, hit.end())) != -1]
    return text[start:min(ends, default=len(text))].strip()[:80]


def _guide(snap: Snapshot, sources: list[str]) -> tuple[str, list[Evidence], Unverifiable | None]:
    """The 指南's text (its column page and the guide article it lists), or why it could not be read."""
    match = find_column(snap, "guide", sources)
    if match is None:
        return "", [], None
    try:
        page = column_page(snap, match)
    except Unverifiable as reason:
        return "", [], reason
    if page is None:
        return "", [], None
    text, evidence = snap.main_text(page), [Evidence(url=page.url, text=f"“{match.anchor}”")]
    for link in snap.content_links(page.url):
        article = snap.page(link.target)
        if "指南" in link.anchor and article is not None and article.ok:
            text += "\n" + snap.main_text(article)
            evidence.append(Evidence(url=link.target, text=link.anchor))
    return text, evidence, None


@check(id="request.channel", title="依申请公开渠道与时限", family="request",
       basis="《中华人民共和国政府信息公开条例》第二十七至二十九条、第三十三条；《2020年政务公开工作要点》",
       remedy="在政府信息公开专栏设置“依申请公开”栏目，提供在线申请表或写明信函、数据电文等书面申请方式及受理机构、地址、电话，"
              "并在指南中载明20个工作日内答复、延长不超过20个工作日的时限。",
       needs=("home",))
def channel(snap: Snapshot, ctx: Context) -> Finding:
    sources = home_and_platform(snap)
    threshold = "提供在线申请或书面申请渠道，载明受理机构、地址、电话及20+20个工作日答复时限"
    match = find_column(snap, "request", sources)
    texts, evidence, online, broken = [], [], None, ""  # texts: (url, text) where applicants read about applying
    if match is not None:
        page = column_page(snap, match)
        evidence.append(Evidence(url=match.url, text=f"“{match.anchor}”（位于 {match.source}）"))
        if page is None:
            broken = f"依申请公开栏目“{match.anchor}”无法打开：{match.url}。"
        else:
            texts.append((page.url, snap.main_text(page)))
            online = _online(snap, page)
    guide_text, guide_evidence, guide_unread = _guide(snap, sources)
    if guide_text:
        texts.append((guide_evidence[0].url, guide_text))
    found, where = {}, {}
    for name, pattern in {CHANNEL: WRITTEN, **ELEMENTS}.items():
        hit = next(((url, clause(text, m)) for url, text in texts if (m := pattern.search(text))), None)
        if hit:
            where[name], found[name] = hit
    if CHANNEL in found:
        found[CHANNEL] = f"书面申请（{found[CHANNEL]}）"
    if online:
        where[CHANNEL], found[CHANNEL] = online["url"], online["how"]
    missing = [name for name in (CHANNEL, *ELEMENTS) if name not in found]
    if missing and guide_unread is not None:
        raise Unverifiable(f"未在依申请公开页面找到：{'、'.join(missing)}；{guide_unread}")
    shown = {**found, **({CHANNEL: online.get("text", online["how"])} if online else {})}
    evidence += guide_evidence + [Evidence(url=where[name], text=f"{name}：“{hit}”") for name, hit in shown.items()]
    details = {"url": match.url if match else None, "found": found, "missing": missing, "online": online,
               "written": any(WRITTEN.search(text) for _, text in texts), "broken": bool(broken)}
    value = f"{len(found)}/{len(ELEMENTS) + 1}项"
    if not texts:
        return Finding(Status.FAIL, "未找到依申请公开栏目，也未找到载明申请方式的政府信息公开指南。", value="未找到",
                       threshold=threshold, evidence=evidence or searched(snap, "依申请公开栏目或政府信息公开指南"),
                       details=details)
    if CHANNEL in missing:
        return Finding(Status.FAIL, broken + "未提供在线申请表，也未写明信函、数据电文等书面申请方式。", value=value,
                       threshold=threshold, evidence=evidence, details=details)
    unverified = "（该在线申请链接本次未访问，未核验其可用性）" if online and online["verified"] is False else ""
    if missing or broken:
        said = "依申请公开信息缺少：" + "、".join(missing) + "。" if missing else ""
        return Finding(Status.WARN, broken + said + unverified, value=value,
                       threshold=threshold, evidence=evidence, details=details,
                       score=len(found) / (len(ELEMENTS) + 1) * (0.5 if broken else 1))
    return Finding(Status.PASS, f"已提供{found[CHANNEL]}，载明受理机构、地址、电话和答复时限。" + unverified,
                   value=value, threshold=threshold, evidence=evidence, details=details)


def _online(snap: Snapshot, page: Page) -> dict | None:
    """How the page lets one apply online: its own form, a link to a form, or a service portal."""
    if application_form(snap, page):
        return {"how": "本站在线申请表", "url": page.url, "verified": True}
    # The header links the same portal on every page and the crawl keeps one link per source, target
    # and anchor, so the portal counts only where a sentence of the page's own sends applicants there.
    for anchor in BeautifulSoup(page.html, "lxml").find_all("a", href=True):
        portal = service_portal(urljoin(page.final_url, anchor["href"]))
        sentence = "".join(anchor.parent.find_all(string=True, recursive=False)) if portal else ""
        if "申请" in sentence:
            return {"how": f"链接至政务服务网在线申请（{portal}）", "url": urljoin(page.final_url, anchor["href"]),
                    "verified": False, "text": anchor.parent.get_text(strip=True)[:80]}
    for link in snap.content_links(page.url):
        target = snap.page(link.target) if link.internal else None
        if any(word in link.anchor for word in ONLINE_ANCHORS) and (target is None or target.ok):
            if target is not None and application_form(snap, target):
                return {"how": f"在线申请表“{link.anchor.strip()}”", "url": link.target, "verified": True}
            if target is None:
                return {"how": f"在线申请链接“{link.anchor.strip()}”（未访问）", "url": link.target, "verified": False}
    return None

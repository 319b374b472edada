"""The 政府信息公开 platform and its four sub-columns (条例第二十四条; 国办公开办函〔2019〕61号)."""

from __future__ import annotations

import re

from checks.columns import column_items, find_column
from checks.common import column_page, require_home
from checks.lexicon import BLANK_MARKERS
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import check
from checks.snapshot import Snapshot

PLATFORM_BASIS = "《中华人民共和国政府信息公开条例》第二十四条；国办公开办函〔2019〕61号"


def _platform_sources(snap: Snapshot) -> list[str]:
    platform = find_column(snap, "platform")
    return [snap.start_url] + ([platform.url] if platform else [])


@check(id="disclosure.platform", title="政府信息公开平台（专栏）设置", basis=PLATFORM_BASIS, family="disclosure",
       remedy="在首页显著位置设置名为“政府信息公开”的专栏入口，下设指南、制度、法定主动公开内容、年报四个子栏目。")
def platform(snap: Snapshot, ctx: Context) -> Finding:
    home = require_home(snap)
    match = find_column(snap, "platform")
    threshold = "首页设置名为“政府信息公开”的专栏入口"
    if match is None:
        if home.metadata.get("needs_js") and not home.rendered:
            raise Unverifiable("首页内容由JavaScript生成且本次未启用浏览器渲染，无法确认是否设置政府信息公开专栏。")
        return Finding(Status.FAIL, "网站未设置“政府信息公开”专栏，也未找到“政务公开”“信息公开”等同类栏目。",
                       value="未找到", threshold=threshold)
    evidence = [Evidence(url=match.url, text=f"“{match.anchor}”（位于 {match.source}）")]
    target = snap.page(match.url)
    if target is not None and not target.ok:
        return Finding(Status.FAIL, f"专栏入口“{match.anchor}”无法打开（HTTP {target.status}）。",
                       value=match.anchor, threshold=threshold, evidence=evidence)
    on_home = match.source in (home.url, home.final_url)
    if match.exact and on_home:
        return Finding(Status.PASS, "首页设有“政府信息公开”专栏入口，名称规范。", value=match.anchor,
                       threshold=threshold, evidence=evidence)
    problems = []
    if not match.exact:
        problems.append(f"专栏名称为“{match.anchor}”，按国办公开办函〔2019〕61号应统一规范为“政府信息公开”")
    if not on_home:
        problems.append("首页未设置专栏入口")
    return Finding(Status.WARN, "；".join(problems) + "。", value=match.anchor, threshold=threshold,
                   evidence=evidence, score=0.5, details={"label": match.anchor, "url": match.url})


GUIDE_ELEMENTS = {
    "分类": r"分类",
    "编排体系": r"编排",
    "获取方式": r"获取(方式|方法|途径)|依申请公开|主动公开的?(方式|形式|渠道)",
    "工作机构名称": r"工作机构|受理机构|机构名称|(人民政府|局|委员会|办)办公室",
    "办公地址": r"地址|地点",
    "办公时间": r"办公时间|受理时间|工作时间",
    "联系电话": r"电\s*话",
    "传真号码": r"传\s*真",
    "互联网联系方式": r"网址|邮箱|电子信箱|电子邮件|E-?mail|互联网联系",
}


@check(id="disclosure.guide", title="政府信息公开指南", basis="《中华人民共和国政府信息公开条例》第十二条",
       family="disclosure", remedy="按2019年修订的条例更新指南，补齐分类、编排体系、获取方式及工作机构名称、地址、办公时间、电话、传真、网址等要素。")
def guide(snap: Snapshot, ctx: Context) -> Finding:
    require_home(snap)
    match = find_column(snap, "guide", _platform_sources(snap))
    threshold = "指南载明条例第十二条规定的9项要素，并按2019年修订的条例更新"
    if match is None:
        return Finding(Status.FAIL, "未找到政府信息公开指南。", value="未找到", threshold=threshold)
    page = column_page(snap, match)
    evidence = [Evidence(url=match.url, text=match.anchor)]
    if page is None:
        return Finding(Status.FAIL, f"政府信息公开指南页面无法打开：{match.url}", value="无法打开",
                       threshold=threshold, evidence=evidence)
    text = snap.main_text(page)
    # A guide column may list the guide as one article: read that article too.
    for link in snap.content_links(page.url):
        if "指南" in link.anchor and snap.page(link.target) is not None:
            text += "\n" + snap.main_text(snap.page(link.target))
            evidence.append(Evidence(url=link.target, text=link.anchor))
    found = [name for name, pattern in GUIDE_ELEMENTS.items() if re.search(pattern, text, re.I)]
    missing = [name for name in GUIDE_ELEMENTS if name not in found]
    revised = bool(re.search(r"2019", text)) and "修订" in text or "第711号" in text
    value = f"{len(found)}/{len(GUIDE_ELEMENTS)}项要素"
    details = {"missing": missing, "found": found, "revision_2019": revised}
    if not missing and revised:
        return Finding(Status.PASS, "政府信息公开指南要素齐全，已按2019年修订的条例更新。", value=value,
                       threshold=threshold, evidence=evidence, details=details)
    problems = []
    if missing:
        problems.append("指南缺少以下要素：" + "、".join(missing))
    if not revised:
        problems.append("指南未体现2019年修订的《政府信息公开条例》")
    status = Status.FAIL if len(missing) >= 5 else Status.WARN
    return Finding(status, "；".join(problems) + "。", value=value, threshold=threshold, evidence=evidence,
                   score=len(found) / len(GUIDE_ELEMENTS), details=details)




@check(id="disclosure.rules", title="政府信息公开制度栏目", basis="国办公开办函〔2019〕61号", family="disclosure",
       remedy="在政府信息公开专栏下设置“政府信息公开制度”子栏目，发布本机关政府信息公开相关工作制度。")
def rules(snap: Snapshot, ctx: Context) -> Finding:
    require_home(snap)
    match = find_column(snap, "rules", _platform_sources(snap))
    threshold = "设置“政府信息公开制度”子栏目且有内容"
    if match is None:
        return Finding(Status.FAIL, "政府信息公开专栏中未设置“政府信息公开制度”子栏目。", value="未找到",
                       threshold=threshold)
    page = column_page(snap, match)
    evidence = [Evidence(url=match.url, text=match.anchor)]
    if page is None:
        return Finding(Status.FAIL, f"“{match.anchor}”栏目页面无法打开：{match.url}", value="无法打开",
                       threshold=threshold, evidence=evidence)
    count = len(column_items(snap, page.url))
    if not count:
        marker = next((m for m in BLANK_MARKERS if m in snap.main_text(page)), "")
        shown = f"（页面显示“{marker}”）" if marker else ""
        return Finding(Status.FAIL, f"“{match.anchor}”栏目为空栏目{shown}，未发布任何制度文件。", value="空栏目",
                       threshold=threshold, evidence=evidence)
    return Finding(Status.PASS, f"“{match.anchor}”栏目已设置，列有{count}条内容。", value=f"{count}条",
                   threshold=threshold, evidence=evidence)


REPORT_TITLE = re.compile(r"(20\d\d)\s*年?度?.{0,30}(政府信息公开|信息公开|政务公开).{0,10}(年度报告|年报)")


@check(id="disclosure.annual_report_column", title="政府信息公开年报栏目",
       basis="国办公开办函〔2019〕61号；《中华人民共和国政府信息公开条例》第四十九条", family="disclosure",
       remedy="在政府信息公开专栏下设置年报子栏目，集中发布历年政府信息公开工作年度报告。")
def annual_report_column(snap: Snapshot, ctx: Context) -> Finding:
    require_home(snap)
    match = find_column(snap, "annual_report", _platform_sources(snap))
    threshold = "设置年报专栏，集中列出历年政府信息公开工作年度报告"
    if match is None:
        return Finding(Status.FAIL, "未设置政府信息公开工作年度报告（年报）栏目。", value="未找到", threshold=threshold)
    page = column_page(snap, match)
    evidence = [Evidence(url=match.url, text=match.anchor)]
    if page is None:
        return Finding(Status.FAIL, f"年报栏目页面无法打开：{match.url}", value="无法打开", threshold=threshold,
                       evidence=evidence)
    reports = {}
    for link in column_items(snap, page.url):
        title = REPORT_TITLE.search(link.anchor)
        if title:
            reports.setdefault(int(title.group(1)), link)
    if not reports:
        return Finding(Status.FAIL, f"“{match.anchor}”栏目中未列出任何政府信息公开工作年度报告。", value="0份",
                       threshold=threshold, evidence=evidence)
    years = sorted(reports)
    evidence += [Evidence(url=reports[year].target, text=reports[year].anchor) for year in years]
    return Finding(Status.PASS, f"年报栏目列出{len(years)}个年度的报告（{years[0]}—{years[-1]}年）。",
                   value=f"{len(years)}个年度", threshold=threshold, evidence=evidence, details={"years": years})

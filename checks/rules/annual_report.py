"""政府信息公开工作年度报告: published, on time, in the national format (条例第四十九、五十条;
国办公开办函〔2019〕60号 and 〔2021〕30号; rulebook §3.3, §3.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from checks.columns import find_column
from checks.common import column_page, publication_date, require_list_loaded, searched
from checks.dates import date_from_url, parse_date
from checks.facts.annual_reports import ABOUT_A_REPORT, GOVERNMENT_LEVELS, REPORT_TITLE, deadline, is_government
from checks.facts.report_tables import balance_mismatches, compact as _compact, review_mismatches, table_four, table_three
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import check
from checks.snapshot import Link, Snapshot

BASIS = "《中华人民共和国政府信息公开条例》第四十九条、第五十条"
FORMAT_BASIS = "国办公开办函〔2019〕60号（2019、2020年度报告）；国办公开办函〔2021〕30号（2021年度起）"


@dataclass
class Report:
    year: int
    title: str
    url: str
    listed_on: str
    issuer: str
    government: bool        # the people's government itself (31 March) rather than a department (31 January)
    text: str
    published: date | None
    published_how: str
    deadline: date
    attached: tuple[str, ...] = ()  # attachments whose text is this report's (the page only points to them)
    html: str = ""                  # the report page's markup, where its tables keep their cells

    @property
    def rule(self) -> str:
        due = f"应于次年{self.deadline.month}月{self.deadline.day}日前发布"
        return f"本级人民政府年度报告，{due}" if self.government else f"政府部门（含办公室、街道乡镇）年度报告，{due}"

    def evidence(self, note: str = "") -> Evidence:
        return Evidence(url=self.url, text=self.title + (f"（{note}）" if note else ""))


def _listed_date(snap: Snapshot, link: Link) -> tuple[date | None, str]:
    """The date a list shows next to the link: the only date an attachment-only report carries."""
    found = parse_date(link.context)
    if found:
        return found, f"栏目列表所示日期“{link.context}”（{link.source}）"
    listing = snap.page(link.source)
    if listing is not None and link.anchor:
        at = listing.text.find(link.anchor)
        if at >= 0:
            after = listing.text[at + len(link.anchor): at + len(link.anchor) + 30]
            found = parse_date(after)
            if found:
                return found, f"栏目列表所示日期（{link.source}）"
    found = date_from_url(link.target)
    return (found, f"网址中的日期 {link.target}") if found else (None, "")


def _report_from(snap: Snapshot, ctx: Context, url: str, title: str, link: Link | None) -> Report | None:
    heading = REPORT_TITLE.search(title)
    if not heading or ABOUT_A_REPORT.search(title):
        return None
    page = snap.page(url)
    attachment = snap.attachment(url)
    issuer = title[: heading.start(1)].strip(" ：:　")
    if page is not None:
        if not page.ok:
            return None
        issuer = issuer or page.document.get("发布机构", "")
        text, attached = page.text, []
        if not has_sections(text):
            # The page may only introduce the report and attach it as PDF/DOCX.
            for link_out in snap.links_from(page.url):
                extracted = (snap.attachment(link_out.target) or {}).get("text") or ""
                if has_sections(extracted):
                    text += "\n" + extracted
                    attached.append(link_out.target)
        when = publication_date(page)
        published, how = when if when else (None, "")
    elif attachment is not None and (attachment.get("status") or 0) < 400:
        text, attached = attachment.get("text") or "", []
        published, how = _listed_date(snap, link) if link else (None, "")
    else:
        return None
    issuer = issuer or ctx.site_name
    year, government = int(heading.group(1)), is_government(issuer)
    return Report(year, title, url, link.source if link else url, issuer, government, text, published, how,
                  deadline(year, government, ctx), tuple(attached),
                  page.html if page is not None and not attached else "")


def find_reports(snap: Snapshot, ctx: Context) -> list[Report]:
    """Every annual report the crawl saw, linked by a title-like anchor or carrying such a page title."""
    return snap.memo(("annual_reports", ctx.site_name), lambda: _find_reports(snap, ctx))


def _find_reports(snap: Snapshot, ctx: Context) -> list[Report]:
    reports: dict[str, Report] = {}
    for anchor, links in snap.links_by_anchor.items():
        if not REPORT_TITLE.search(anchor):
            continue
        for link in links:
            if link.internal and link.tag in ("a", "area") and link.target not in reports:
                report = _report_from(snap, ctx, link.target, anchor, link)
                if report:
                    reports[link.target] = report
    for page in snap.pages():
        if page.url not in reports and REPORT_TITLE.search(page.title):
            report = _report_from(snap, ctx, page.url, page.title, None)
            if report:
                reports[page.url] = report
    parts = {url for report in reports.values() for url in report.attached}
    return sorted((r for r in reports.values() if r.url not in parts), key=lambda r: (-r.year, not r.government, r.url))


def _no_reports(snap: Snapshot) -> None:
    """When nothing was found: make sure the 年报 column could be read before calling it missing."""
    match = find_column(snap, "annual_report")
    if match is not None:
        page = column_page(snap, match)
        if page is not None:
            require_list_loaded(snap, page, match.anchor)


@check(id="annual_report.latest_present", title="上一年度政府信息公开工作年度报告", basis=BASIS,
       family="annual_report", remedy="按条例第四十九条在法定时限前发布上一年度政府信息公开工作年度报告，并在年报栏目集中展示。",
       needs=("home",))
def latest_present(snap: Snapshot, ctx: Context) -> Finding:
    year = ctx.today.year - 1
    government = ctx.level in GOVERNMENT_LEVELS  # the site is a people's government's, not a department's
    due = deadline(year, government, ctx)
    rule = f"{'本级人民政府' if government else '政府部门'}年度报告，{due.month}月{due.day}日前发布"
    threshold = f"{year}年度报告于{due.isoformat()}前发布（{rule}）"
    reports = find_reports(snap, ctx)
    own = [r for r in reports if r.year == year and r.government == government]
    details = {"year": year, "deadline": due.isoformat(), "rule": rule,
               "years_found": sorted({r.year for r in reports if r.government == government})}
    if own:
        return Finding(Status.PASS, f"已发布{year}年度政府信息公开工作年度报告。", value=f"{year}年度",
                       threshold=threshold, evidence=[own[0].evidence()], details=details)
    if not reports:
        _no_reports(snap)
    if ctx.today <= due:
        return Finding(Status.NOT_APPLICABLE,
                       f"尚未到{year}年度报告的发布时限（{due.year}年{due.month}月{due.day}日，{rule}），"
                       f"目前未发布；请注意按时发布。", value="未到时限", threshold=threshold, details=details)
    earlier = [r for r in reports if r.government == government]
    shown = f"最近一份为{earlier[0].year}年度" if earlier else "未找到任何本机关的年度报告"
    return Finding(Status.FAIL, f"已过发布时限，仍未找到{year}年度政府信息公开工作年度报告（{shown}）。",
                   value="未发布", threshold=threshold,
                   evidence=([r.evidence() for r in earlier[:1]] + [r.evidence("其他单位") for r in reports if r.year == year][:3]
                             or searched(snap, "政府信息公开工作年度报告")),
                   details=details)


@check(id="annual_report.on_time", title="年度报告按时发布", basis=BASIS, family="annual_report",
       remedy="本级政府年度报告于每年3月31日前、部门年度报告于每年1月31日前发布，发布日期以网页发布信息为准。",
       needs=("home",))
def on_time(snap: Snapshot, ctx: Context) -> Finding:
    reports = find_reports(snap, ctx)
    government, department = deadline(0, True, ctx), deadline(0, False, ctx)
    threshold = (f"本级政府年报次年{government.month}月{government.day}日前、"
                 f"部门年报次年{department.month}月{department.day}日前发布")
    if not reports:
        _no_reports(snap)
        return Finding(Status.NOT_APPLICABLE, "未找到年度报告，无法判断是否按时发布（见“上一年度年度报告”一项）。",
                       threshold=threshold)
    dated = [r for r in reports if r.published]
    undated = [r for r in reports if not r.published]
    rows = [{"year": r.year, "title": r.title, "url": r.url, "listed_on": r.listed_on, "issuer": r.issuer,
             "rule": r.rule, "deadline": r.deadline.isoformat(), "published": r.published.isoformat() if r.published else None,
             "date_source": r.published_how, "late": bool(r.published and r.published > r.deadline)}
            for r in reports]
    details = {"reports": rows, "undated": [r.url for r in undated]}
    if not dated:
        raise Unverifiable("年度报告页面均未标明发布日期，无法判断是否按时发布：" + "、".join(r.url for r in undated[:3]))
    late = [r for r in dated if r.published > r.deadline]
    value = f"{len(dated) - len(late)}/{len(dated)}份按时"
    if not late:
        return Finding(Status.PASS, f"已核对{len(dated)}份年度报告的发布日期，均在法定时限内发布。", value=value,
                       threshold=threshold, evidence=[r.evidence(f"{r.published.isoformat()}发布；{r.rule}")
                                                      for r in dated[:3]], details=details)
    newest = max(r.year for r in dated)
    evidence = [r.evidence(f"{r.published.isoformat()}发布，{r.rule}，逾期{(r.published - r.deadline).days}天；"
                           f"日期依据：{r.published_how}") for r in late]
    listed = "；".join(f"{r.title}于{r.published.isoformat()}发布（时限{r.deadline.isoformat()}，适用{r.rule}）"
                      for r in late)
    status = Status.FAIL if any(r.year == newest for r in late) else Status.WARN
    return Finding(status, f"{len(late)}份年度报告逾期发布：{listed}。", value=value, threshold=threshold,
                   evidence=evidence, score=1 - len(late) / len(dated), details=details)


# -- the national format ------------------------------------------------------------------------

# The six parts by meaning, in order: a heading is the numeral and, within a few words, what the
# part is about — so "五、存在的问题和改进措施" (2019 trial wording) is part 五 as much as the template's
# "五、存在的主要问题及改进情况".
SECTIONS = [
    ("一、总体情况", "一", r"总体|概述|概况|基本情况"),
    ("二、主动公开政府信息情况", "二", r"主动公开"),
    ("三、收到和处理政府信息公开申请情况", "三", r"申请"),
    ("四、政府信息公开行政复议、行政诉讼情况", "四", r"复议|诉讼"),
    ("五、存在的主要问题及改进情况", "五", r"问题|不足|改进"),
    ("六、其他需要报告的事项", "六", r"其他"),
]
_SECTION_RE = [re.compile(numeral + r"\s*[、.．]\s*[^\n。；]{0,16}?(?:" + words + ")") for _, numeral, words in SECTIONS]

TABLE_LABELS_COMMON = [
    "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
    "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "本年度办理结果", "予以公开", "部分公开",
    "不予公开", "无法提供", "不予处理", "其他处理", "总计", "结转下年度继续办理",
    "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结",
    "行政许可", "行政处罚", "行政强制",
]
TABLE_LABELS = {
    "2019": TABLE_LABELS_COMMON + ["本年新制作数量", "本年新公开数量", "对外公开总数量", "规范性文件",
                                   "其他对外管理服务事项", "行政事业性收费", "政府集中采购", "采购总金额"],
    "2021": TABLE_LABELS_COMMON + ["本年制发件数", "本年废止件数", "现行有效件数", "行政规范性文件",
                                   "本年处理决定数量", "本年收费金额"],
}
# Totals the narrative states, to cross-check with the tables (a mismatch warns, never fails).
_NARRATIVE = {
    "requests": re.compile(r"(?:收到|受理|新收)[^。；，,]{0,15}?申请\s*(\d+)\s*件"),
    "reviews": re.compile(r"行政复议(?:案件)?\s*(\d+)\s*件"),
    "suits": re.compile(r"行政诉讼(?:案件)?\s*(\d+)\s*件"),
}


def has_sections(text: str) -> bool:
    return sum(1 for pattern in _SECTION_RE if pattern.search(text)) >= 3


def section_problems(text: str) -> tuple[list[str], list[str]]:
    """(missing sections, sections out of order)."""
    missing, disordered, position = [], [], 0
    for (name, _, _), pattern in zip(SECTIONS, _SECTION_RE):
        found = pattern.search(text, position)
        if found:
            position = found.end()
        elif pattern.search(text):
            disordered.append(name)
        else:
            missing.append(name)
    return missing, disordered


def label_present(label: str, compact: str) -> bool:
    """The label in the compacted text, or cut by a PDF page break: a cell spanning two pages comes
    out as its head, the rest of the row, the page number ("- 5 -") and its tail ("无 … - 5 - 法提供")."""
    if label in compact:
        return True
    return any(re.search(re.escape(label[:cut]) + r".{0,200}?-\d{1,3}-" + re.escape(label[cut:]), compact)
               for cut in range(1, len(label)))


def narrative_mismatches(text: str, three: dict[str, list[int]], four: list[int] | None) -> list[str]:
    """Totals the text states that the tables contradict: new requests (表三 一, or 一 + 二 where the
    text counts the carried-over ones too), 复议 and 诉讼 cases (表四)."""
    tables = {}
    if three.get("一") and three.get("二"):
        tables["requests"] = ({three["一"][-1], three["一"][-1] + three["二"][-1]}, f"表三第一项总计为{three['一'][-1]}")
    if four:
        tables["reviews"] = ({four[4]}, f"表四行政复议总计为{four[4]}")
        tables["suits"] = ({four[9] + four[14]}, f"表四行政诉讼总计为{four[9] + four[14]}")
    problems = []
    for key, (allowed, said) in tables.items():
        stated = _NARRATIVE[key].search(text)
        if stated and int(stated.group(1)) not in allowed:
            problems.append(f"正文称“{stated.group(0)}”，而{said}")
    return problems


def examine(report: Report) -> dict:
    """What the format check finds in one report: problems that fail it and problems that only warn."""
    edition = "2019" if report.year <= 2020 else "2021"
    result = {"year": report.year, "title": report.title, "url": report.url, "edition": edition,
              "failures": [], "warnings": [], "mismatches": []}
    if len(re.sub(r"\s", "", report.text)) < 200:
        result["unreadable"] = True
        return result
    missing, disordered = section_problems(report.text)
    compact = _compact(report.text)
    labels = [label for label in TABLE_LABELS[edition] if not label_present(_compact(label), compact)]
    result.update(missing_sections=missing, disordered_sections=disordered, missing_labels=labels)
    if missing:
        result["failures"].append("缺少" + "、".join(missing))
    if disordered:
        result["warnings"].append("顺序不符：" + "、".join(disordered))
    own = [label for label in labels if label not in TABLE_LABELS_COMMON]  # table 二 differs between editions
    if len(labels) > len(TABLE_LABELS[edition]) // 2:
        result["failures"].append(f"未按{edition}年格式列出统计表格")
    elif len(own) > (len(TABLE_LABELS[edition]) - len(TABLE_LABELS_COMMON)) // 2:
        result["failures"].append(f"表二未采用{edition}年格式（缺少：{'、'.join(own)}）")
    elif labels:
        result["warnings"].append("表格缺少：" + "、".join(labels))
    three = table_three(report.text, report.html)
    mismatches = balance_mismatches(three)
    if mismatches is None:
        result["balance"] = "unread"
    elif mismatches:
        result["balance"] = "mismatch"
        result["mismatches"] = mismatches
        result["failures"].append("表三勾稽关系不符（" + "；".join(m["text"] for m in mismatches) + "）")
    else:
        result["balance"] = "ok"
    four = table_four(report.text, report.html)
    review = review_mismatches(four) if four else None
    result["review"] = "unread" if review is None else "mismatch" if review else "ok"
    if review:
        result["review_mismatches"] = review
        result["failures"].append("表四合计不符（" + "；".join(m["text"] for m in review) + "）")
    narrative = narrative_mismatches(report.text, three, four)
    if narrative:
        result["narrative_mismatches"] = narrative
        result["warnings"].append("正文数字与统计表不一致：" + "；".join(narrative))
    return result


@check(id="annual_report.format", title="年度报告格式与数据勾稽", basis=BASIS + "；" + FORMAT_BASIS,
       family="annual_report",
       remedy="按国家统一格式编写年度报告：一至六部分齐全、顺序一致，使用规定表格，并核对表三“第一项加第二项之和等于第三项加第四项之和”。",
       needs=("home",))
def report_format(snap: Snapshot, ctx: Context) -> Finding:
    reports = find_reports(snap, ctx)
    threshold = "一至六部分齐全有序；统计表格符合对应年度格式；表三勾稽关系成立"
    if not reports:
        _no_reports(snap)
        return Finding(Status.NOT_APPLICABLE, "未找到年度报告，无法检查格式（见“上一年度年度报告”一项）。",
                       threshold=threshold)
    results = [(report, examine(report)) for report in reports]
    read = [(r, x) for r, x in results if not x.get("unreadable")]
    unreadable = [r for r, x in results if x.get("unreadable")]
    details = {"reports": [x for _, x in results], "unreadable": [r.url for r in unreadable]}
    if not read:
        raise Unverifiable("年度报告均无可读取的文字（可能为扫描图片或附件无法解析），无法检查格式："
                           + "、".join(r.url for r in unreadable[:3]))
    failing = [(r, x) for r, x in read if x["failures"]]
    warning = [(r, x) for r, x in read if not x["failures"] and x["warnings"]]
    good = len(read) - len(failing) - len(warning)
    value = f"{good}/{len(read)}份符合格式"
    note = f"；另有{len(unreadable)}份报告无可读取文字（如扫描件），未检查" if unreadable else ""
    evidence = [r.evidence("；".join(x["failures"] + x["warnings"])) for r, x in failing + warning]
    if not failing and not warning:
        balanced = sum(1 for _, x in read if x.get("balance") == "ok")
        reviewed = sum(1 for _, x in read if x.get("review") == "ok")
        unread_tables = [r for r, x in read if x.get("balance") == "unread" or x.get("review") == "unread"]
        details["tables_unread"] = [r.url for r in unread_tables]
        verdict = "结构和表格项目符合国家格式" if unread_tables else "结构和表格符合国家格式"
        caveat = (f"；但{len(unread_tables)}份报告的统计表数字未能读取，勾稽关系未核对，请人工核对"
                  f"（如{unread_tables[0].title}）") if unread_tables else ""
        return Finding(Status.PASS, f"已检查{len(read)}份年度报告，{verdict}，其中{balanced}份核对了表三勾稽关系、"
                                    f"{reviewed}份核对了表四合计{caveat}{note}。", value=value, threshold=threshold,
                       evidence=[r.evidence() for r, _ in read[:3]], details=details)
    listed = "；".join(f"{r.title}：" + "；".join(x["failures"] + x["warnings"]) for r, x in failing + warning)
    status = Status.FAIL if failing else Status.WARN
    return Finding(status, f"{len(failing) + len(warning)}份年度报告不符合国家格式要求：{listed}{note}。", value=value,
                   threshold=threshold, evidence=evidence, score=(good + 0.5 * len(warning)) / len(read),
                   details=details)

"""Every `disclosure.*` check: the 政府信息公开 platform and its four sub-columns (条例第二十四条;
国办公开办函〔2019〕61号), the standard catalogue, and the key areas of 条例第二十、二十一条 with a column of
their own and recent items (issue 9; rulebook §3.1 rows 7, 9, 10, 13, 14 and Art 21's 公共企事业单位): the
covered share, each area with its page or why not. 财政预决算 is covered by the current year's budget and
the last year's final accounts, not by any item."""

from __future__ import annotations

import re

from checks.columns import column_items, find_column
from checks.common import column_page, open_column, require_home, require_list_loaded, searched
from checks.facts.annual_reports import REPORT_TITLE
from checks.facts.items import item_date
from checks.facts.platform import home_and_platform, platform_column
from checks.lexicon import ART20_CATEGORIES, ART21_CATEGORIES, BLANK_MARKERS, CATALOGUE_ELEMENTS, COLUMNS, STANDARD_AREAS
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import check
from checks.snapshot import Page, Snapshot

PLATFORM_BASIS = "《中华人民共和国政府信息公开条例》第二十四条；国办公开办函〔2019〕61号"


@check(id="disclosure.platform", title="政府信息公开平台（专栏）设置", basis=PLATFORM_BASIS, family="disclosure",
       remedy="在首页显著位置设置名为“政府信息公开”的专栏入口，下设指南、制度、法定主动公开内容、年报四个子栏目。",
       needs=("home",))
def platform(snap: Snapshot, ctx: Context) -> Finding:
    home = snap.home()
    match = platform_column(snap)
    threshold = "首页设置名为“政府信息公开”的专栏入口"
    if match is None:
        if home.metadata.get("needs_js") and not home.rendered:
            raise Unverifiable("首页内容由JavaScript生成且本次未启用浏览器渲染，无法确认是否设置政府信息公开专栏。")
        return Finding(Status.FAIL, "网站未设置“政府信息公开”专栏，也未找到“政务公开”“信息公开”等同类栏目。",
                       value="未找到", threshold=threshold, evidence=searched(snap, "“政府信息公开”专栏入口"))
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
       family="disclosure", remedy="按2019年修订的条例更新指南，补齐分类、编排体系、获取方式及工作机构名称、地址、办公时间、电话、传真、网址等要素。",
       needs=("home",))
def guide(snap: Snapshot, ctx: Context) -> Finding:
    threshold = "指南载明条例第十二条规定的9项要素，并按2019年修订的条例更新"
    match, page = open_column(snap, "guide", threshold, "未找到政府信息公开指南。",
                              home_and_platform(snap))
    evidence = [Evidence(url=match.url, text=match.anchor)]
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
       remedy="在政府信息公开专栏下设置“政府信息公开制度”子栏目，发布本机关政府信息公开相关工作制度。",
       needs=("home",))
def rules(snap: Snapshot, ctx: Context) -> Finding:
    threshold = "设置“政府信息公开制度”子栏目且有内容"
    match, page = open_column(snap, "rules", threshold, "政府信息公开专栏中未设置“政府信息公开制度”子栏目。",
                              home_and_platform(snap))
    evidence = [Evidence(url=match.url, text=match.anchor)]
    count = len(column_items(snap, page.url))
    if not count:
        require_list_loaded(snap, page, match.anchor)
        marker = next((m for m in BLANK_MARKERS if m in snap.main_text(page)), "")
        shown = f"（页面显示“{marker}”）" if marker else ""
        return Finding(Status.FAIL, f"“{match.anchor}”栏目为空栏目{shown}，未发布任何制度文件。", value="空栏目",
                       threshold=threshold, evidence=evidence)
    return Finding(Status.PASS, f"“{match.anchor}”栏目已设置，列有{count}条内容。", value=f"{count}条",
                   threshold=threshold, evidence=evidence)


@check(id="disclosure.annual_report_column", title="政府信息公开年报栏目",
       basis="国办公开办函〔2019〕61号；《中华人民共和国政府信息公开条例》第四十九条", family="disclosure",
       remedy="在政府信息公开专栏下设置年报子栏目，集中发布历年政府信息公开工作年度报告。",
       needs=("home",))
def annual_report_column(snap: Snapshot, ctx: Context) -> Finding:
    threshold = "设置年报专栏，集中列出历年政府信息公开工作年度报告"
    match, page = open_column(snap, "annual_report", threshold, "未设置政府信息公开工作年度报告（年报）栏目。",
                              home_and_platform(snap))
    evidence = [Evidence(url=match.url, text=match.anchor)]
    reports = {}
    for link in column_items(snap, page.url):
        title = REPORT_TITLE.search(link.anchor)
        if title:
            reports.setdefault(int(title.group(1)), link)
    if not reports:
        require_list_loaded(snap, page, match.anchor)
        return Finding(Status.FAIL, f"“{match.anchor}”栏目中未列出任何政府信息公开工作年度报告。", value="0份",
                       threshold=threshold, evidence=evidence)
    years = sorted(reports)
    evidence += [Evidence(url=reports[year].target, text=reports[year].anchor) for year in years]
    return Finding(Status.PASS, f"年报栏目列出{len(years)}个年度的报告（{years[0]}—{years[-1]}年）。",
                   value=f"{len(years)}个年度", threshold=threshold, evidence=evidence, details={"years": years})


def _shown_names(snap: Snapshot, page: Page) -> list[tuple[str, str, str]]:
    """(name, url, shown on) for what a column page lists: every link on the page, then the titles
    and list items of the pages it leads to (sub-columns one level down). Site-wide navigation is
    read on the column page itself but never followed, so a news list does not count as a category;
    links to other sites (the province's 规章库) are not this site's content."""
    names = [(link.anchor, link.target, page.url) for link in snap.links_from(page.url)
             if link.internal and link.tag in ("a", "area") and link.anchor]
    chrome = snap.chrome_targets
    for link in snap.content_links(page.url):
        child = snap.page(link.target)
        if child is None or not child.ok or link.target in chrome:
            continue
        names.append((child.title, child.url, child.url))
        names += [(item.anchor, item.target, child.url) for item in snap.content_links(child.url) if item.anchor]
    return names


def _coverage(names: list[tuple[str, str, str]], categories: dict) -> dict[str, tuple[str, str, str] | None]:
    return {category: next((n for n in names if any(word in n[0] for word in words)), None)
            for category, words in categories.items()}


@check(id="disclosure.statutory_content", title="法定主动公开内容", basis="《中华人民共和国政府信息公开条例》第二十条、第二十一条",
       family="disclosure", remedy="在“法定主动公开内容”子栏目下按条例第二十条（设区的市、县级还包括第二十一条）逐类设置栏目并发布相应信息。",
       needs=("home",))
def statutory_content(snap: Snapshot, ctx: Context) -> Finding:
    categories = dict(ART20_CATEGORIES)
    art21 = ctx.level in ("city", "district")
    if art21:
        categories.update({f"第二十一条：{name}": words for name, words in ART21_CATEGORIES.items()})
    threshold = f"覆盖条例第二十条{'及第二十一条' if art21 else ''}规定的{len(categories)}类主动公开内容"
    match, page = open_column(snap, "statutory", threshold, "政府信息公开专栏中未设置“法定主动公开内容”子栏目。",
                              home_and_platform(snap))
    evidence = [Evidence(url=match.url, text=match.anchor)]
    if not snap.content_links(page.url):
        require_list_loaded(snap, page, match.anchor)
    coverage = _coverage(_shown_names(snap, page), categories)
    found = {c: n for c, n in coverage.items() if n}
    missing = [c for c, n in coverage.items() if not n]
    share = len(found) / len(categories)
    evidence += [Evidence(url=url, text=f"{category}：“{name}”（见 {shown_on}）")
                 for category, (name, url, shown_on) in found.items()]
    details = {"share": round(share, 3), "found": {c: {"name": n[0], "url": n[1], "page": n[2]} for c, n in found.items()},
               "missing": missing, "article21": art21}
    value = f"{len(found)}/{len(categories)}类"
    if not missing:
        return Finding(Status.PASS, f"“{match.anchor}”栏目覆盖全部{len(categories)}类法定主动公开内容。", value=value,
                       threshold=threshold, evidence=evidence, score=share, details=details)
    status = Status.FAIL if not found else Status.WARN
    return Finding(status, f"“{match.anchor}”栏目未见以下法定主动公开内容：" + "；".join(missing) + "。", value=value,
                   threshold=threshold, evidence=evidence, score=share, details=details)


def _catalogue_tables(snap: Snapshot, pages: list[Page]) -> list[dict]:
    """Pages holding a catalogue table (three or more element headers as table cells), with the
    elements each lacks. Header cells are short lines of their own in the page text."""
    tables = []
    for page in pages:
        cells = [line for line in snap.main_text(page).split("\n") if len(line) <= 16]
        present = [name for name, words in CATALOGUE_ELEMENTS.items() if any(w in c for c in cells for w in words)]
        if len(present) >= 3:
            tables.append({"url": page.url, "title": page.title,
                           "missing": [name for name in CATALOGUE_ELEMENTS if name not in present]})
    return tables


@check(id="disclosure.standard_catalog", title="基层政务公开标准目录", basis="国办发〔2019〕54号；国办发〔2017〕42号",
       family="disclosure", remedy="设置基层政务公开专栏，按26个试点领域编制并发布公开事项标准目录，目录载明事项、内容、依据、时限、主体、方式、渠道、对象等要素。")
def standard_catalog(snap: Snapshot, ctx: Context) -> Finding:
    threshold = "26个试点领域均有标准目录，目录载明事项、内容、依据、时限、主体、方式、渠道、对象8项要素"
    if ctx.level not in ("district", "street"):
        return Finding(Status.NOT_APPLICABLE, "基层政务公开标准目录由县（区）、乡镇（街道）编制，本网站不适用。",
                       threshold=threshold)
    require_home(snap)  # after the level: a city's site is not_applicable even when it is down
    match, page = open_column(snap, "standard_catalog", threshold, "未找到基层政务公开标准目录栏目。",
                              home_and_platform(snap))
    evidence = [Evidence(url=match.url, text=match.anchor)]
    if not snap.content_links(page.url):
        require_list_loaded(snap, page, match.anchor)
    pages = [page] + [snap.page(link.target) for link in snap.content_links(page.url)
                      if snap.page(link.target) is not None and snap.page(link.target).ok]
    # An area counts when a list entry, a page title or a heading line names it with 目录/领域.
    names = [(name, url, shown) for name, url, shown in _shown_names(snap, page)]
    names += [(line, p.url, p.url) for p in pages for line in snap.main_text(p).split("\n")
              if len(line) <= 40 and ("目录" in line or "领域" in line)]
    areas = _coverage(names, STANDARD_AREAS)
    found = {a: n for a, n in areas.items() if n}
    missing = [a for a, n in areas.items() if not n]
    tables = _catalogue_tables(snap, pages)
    incomplete = [t for t in tables if t["missing"]]
    evidence += [Evidence(url=url, text=f"{area}：“{name}”") for area, (name, url, _) in found.items()]
    evidence += [Evidence(url=t["url"], text="目录缺少要素：" + "、".join(t["missing"])) for t in incomplete]
    details = {"areas": len(found), "found": sorted(found), "missing_areas": missing, "tables": tables}
    value = f"{len(found)}/{len(STANDARD_AREAS)}个领域"
    expected = len(STANDARD_AREAS) if ctx.level == "district" else 1  # streets cover a subset of the 26
    problems = []
    if len(found) < expected:
        problems.append(f"未找到以下领域的标准目录：{'、'.join(missing)}")
    if not tables:
        problems.append("未找到目录表格，无法核对公开要素")
    for t in incomplete:
        problems.append(f"“{t['title']}”缺少{'、'.join(t['missing'])}")
    if not problems:
        return Finding(Status.PASS, f"已发布{len(found)}个领域的基层政务公开标准目录，目录要素齐全。", value=value,
                       threshold=threshold, evidence=evidence, details=details)
    status = Status.FAIL if not found else Status.WARN
    return Finding(status, "；".join(problems) + "。", value=value, threshold=threshold, evidence=evidence,
                   score=len(found) / len(STANDARD_AREAS) * (0.5 if incomplete or not tables else 1), details=details)


AREAS = ("area_finance", "area_health", "area_procurement", "area_projects", "area_civil_service",
         "area_public_enterprises")
STATES = {"current": "近期有更新", "stale": "长期未更新", "empty": "栏目无内容", "broken": "栏目无法打开",
          "not_found": "未找到栏目", "incomplete": "缺少本年度预算或上年度决算", "unverifiable": "无法核验"}


def _year_documents(snap: Snapshot, year: int, kind: str) -> list[tuple[str, str]]:
    """(url, title) of the site's pages and links naming the year's budget (预算) or final accounts
    (决算, not 预决算, which names both and usually means the budget)."""
    word = "预算" if kind == "budget" else "(?<!预)决算"
    pattern = re.compile(rf"{year}\s*年度?[^。；\n]{{0,30}}?{word}")
    found = [(page.url, page.title.split("_")[0]) for page in snap.pages() if page.ok and pattern.search(page.title)]
    found += [(link.target, link.anchor) for link in snap.links(internal=True) if pattern.search(link.anchor)]
    return found


def _finance_years(ctx: Context) -> tuple[int, int]:
    """The budget and final-accounts years due by today: budgets are approved in spring, final
    accounts in late summer (thresholds say from which month)."""
    limits = ctx.thresholds["disclosure.key_areas"]
    today = ctx.today
    budget = today.year if today.month >= limits["budget_from_month"] else today.year - 1
    final = today.year - 1 if today.month >= limits["final_accounts_from_month"] else today.year - 2
    return budget, final


def _area(snap: Snapshot, ctx: Context, concept: str, sources: list[str]) -> dict:
    label = COLUMNS[concept].standard
    match = find_column(snap, concept, sources)
    if match is None:
        return {"area": label, "state": "not_found", "url": None}
    area = {"area": label, "url": match.url, "anchor": match.anchor}
    try:
        page = column_page(snap, match)
        if page is None:
            return {**area, "state": "broken"}
        items = column_items(snap, page.url)
        if not items:
            require_list_loaded(snap, page, match.anchor)
    except Unverifiable as reason:
        return {**area, "state": "unverifiable", "reason": str(reason)}
    if concept == "area_finance":
        return _finance(snap, ctx, area)
    if not items:
        return {**area, "state": "empty"}
    dated = [(day, link) for link in items if (day := item_date(snap, link)) and day <= ctx.today]
    if not dated:
        return {**area, "state": "stale", "newest": None, "age_days": None}
    newest, link = max(dated, key=lambda pair: pair[0])
    age = (ctx.today - newest).days
    state = "current" if age <= ctx.thresholds["disclosure.key_areas"]["max_age_days"] else "stale"
    return {**area, "state": state, "newest": newest.isoformat(), "age_days": age, "item": link.target,
            "item_title": link.anchor}


def _finance(snap: Snapshot, ctx: Context, area: dict) -> dict:
    budget_year, final_year = _finance_years(ctx)
    budget = _year_documents(snap, budget_year, "budget")
    final = _year_documents(snap, final_year, "final")
    missing = ([f"{budget_year}年预算"] if not budget else []) + ([f"{final_year}年决算"] if not final else [])
    documents = [{"url": url, "title": title} for url, title in (budget[:1] + final[:1])]
    return {**area, "state": "incomplete" if missing else "current", "missing": missing, "documents": documents}


def _evidence(area: dict) -> list[Evidence]:
    if area["url"] is None:
        return []
    said = f"“{area['anchor']}”：{STATES[area['state']]}"
    if area.get("newest"):
        said += f"，最新“{area['item_title']}” {area['newest']}"
    if area.get("missing"):
        said += "（缺少" + "、".join(area["missing"]) + "）"
    return [Evidence(url=area["url"], text=said)] + [Evidence(url=d["url"], text=f"“{d['title']}”")
                                                      for d in area.get("documents", [])]


@check(id="disclosure.key_areas", title="重点领域信息公开", family="disclosure",
       basis="《中华人民共和国政府信息公开条例》第二十、二十一条；《2020年政务公开工作要点》",
       remedy="为财政预决算、公共卫生、政府采购、重大建设项目、公务员招考、公共企事业单位信息公开分别设置栏目，"
              "及时发布本年度预算、上年度决算和各领域最新信息。",
       needs=("home",))
def key_areas(snap: Snapshot, ctx: Context) -> Finding:
    home = snap.home()
    max_age = int(ctx.thresholds["disclosure.key_areas"]["max_age_days"])
    budget_year, final_year = _finance_years(ctx)
    threshold = (f"{len(AREAS)}个重点领域各有栏目且{max_age}天内有更新；财政预决算含{budget_year}年预算和{final_year}年决算")
    sources = [home.url] + [match.url for name in ("platform", "statutory") if (match := find_column(snap, name))]
    areas = [_area(snap, ctx, concept, sources) for concept in AREAS]
    assessed = [area for area in areas if area["state"] != "unverifiable"]
    if not assessed:
        raise Unverifiable("重点领域栏目均无法读取，本项无法核验：" + "；".join(area["reason"] for area in areas))
    covered = [area["area"] for area in assessed if area["state"] == "current"]
    gaps = [area for area in assessed if area["state"] != "current"]
    details = {"areas": areas, "covered": covered, "missing": [area["area"] for area in gaps]}
    evidence = [item for area in areas for item in _evidence(area)] or searched(snap, "重点领域栏目", sources)
    value = f"{len(covered)}/{len(assessed)}个领域"
    said = "；".join(f"{area['area']}：{STATES[area['state']]}" for area in gaps)
    skipped = [area["area"] for area in areas if area["state"] == "unverifiable"]
    note = f"（{'、'.join(skipped)}栏目无法读取，未计入）" if skipped else ""
    if not gaps:
        return Finding(Status.PASS, f"{len(covered)}个重点领域均设有栏目并及时更新。{note}", value=value,
                       threshold=threshold, evidence=evidence, details=details)
    status = Status.FAIL if not covered else Status.WARN
    return Finding(status, f"重点领域公开不完整：{said}。{note}", value=value, threshold=threshold,
                   evidence=evidence, details=details, score=len(covered) / len(assessed))

"""Key areas of 条例第二十、二十一条 with a column of their own and recent items (issue 9; rulebook §3.1
rows 7, 9, 10, 13, 14 and Art 21's 公共企事业单位): the covered share, each area with its page or why not.
财政预决算 is covered by the current year's budget and the last year's final accounts, not by any item."""

from __future__ import annotations

import re

from checks.columns import column_items, find_column
from checks.common import column_page, require_home, require_list_loaded
from checks.freshness import item_date
from checks.lexicon import COLUMNS
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import check
from checks.snapshot import Snapshot

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
              "及时发布本年度预算、上年度决算和各领域最新信息。")
def key_areas(snap: Snapshot, ctx: Context) -> Finding:
    home = require_home(snap)
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
    evidence = [item for area in areas for item in _evidence(area)]
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

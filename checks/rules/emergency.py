"""应急预案: the site publishes its own 总体预案 and 专项预案 (条例第二十条第十二项; rulebook §8.3).

A plan is a page whose title names one (…应急预案, 关于印发…应急预案的通知), wherever it sits on the site.
A higher level's plan reposted here (a city plan on a district site) is listed but is not the site's
own; a plan page carrying injected gambling or spam text does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checks.common import published_on
from checks.dates import parse_date
from checks.facts.documents import is_repost, page_title
from checks.facts.security_terms import terms as injected_terms
from checks.model import Context, Evidence, Finding, Status
from checks.registry import check
from checks.snapshot import Page, Snapshot

BASIS = "《中华人民共和国政府信息公开条例》第二十条第十二项；国办发〔2020〕17号"

PLAN_TYPES = {
    "自然灾害": ("防汛", "防旱", "防风", "防台", "台风", "地震", "地质灾害", "森林火灾", "森林防火", "草原火灾", "气象灾害",
              "自然灾害", "洪涝", "干旱", "海洋灾害", "低温雨雪", "冰冻", "寒潮", "救灾"),
    "事故灾难": ("生产安全", "安全生产", "危险化学品", "火灾", "交通事故", "道路交通", "燃气", "停电", "供水", "环境事件",
              "环境污染", "特种设备", "建筑施工", "矿山", "事故", "核应急", "水上搜救", "通信保障"),
    "公共卫生事件": ("公共卫生", "传染病", "食品安全", "动物疫情", "疫情", "药品", "中毒", "医疗", "疫苗"),
    "社会安全事件": ("社会安全", "群体性", "恐怖", "网络安全", "网络与信息安全", "粮食", "能源", "金融", "涉外", "民族宗教",
                "舆情", "踩踏", "治安", "油气供应", "生活必需品"),
}
_ISSUED = re.compile(r"印发(.+?)的(?:通知|函|决定)$")
_EDITION = re.compile(r"[（(][^（）()]{0,15}[)）]$")  # （2025年修订）, （试行）
# Administrative units at the start of a name: 广东省, 汕头市, 金平区, 某某自治县 …
_UNIT = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|州|盟|地区|区|县|旗)")
_SOURCE = re.compile(r"来源[:：]\s*(\S+)")
_GOVERNMENT_SUFFIX = re.compile(r"(人民政府|政府)?(办公室|办公厅)?$")


def plan_name(title: str) -> str | None:
    """The plan a title names, or None when the title is about something else (演练, 编制工作 …)."""
    issued = _ISSUED.search(title)
    name = (issued.group(1) if issued else title).strip("《》“”")
    name = _EDITION.sub("", name).strip("《》“”")
    return name if name.endswith("应急预案") and len(name) > len("应急预案") + 1 else None


def leading_units(text: str) -> list[str]:
    if text.startswith(("国家", "国务院")):
        return ["国家"]
    units = []
    while found := _UNIT.match(text):
        units.append(found.group(0))
        text = text[found.end():]
    return units


def plan_type(name: str) -> str:
    if "总体应急预案" in name:
        return "总体预案"
    return next((kind for kind, words in PLAN_TYPES.items() if any(word in name for word in words)), "其他")


@dataclass
class Plan:
    page: Page
    name: str
    kind: str
    owner: str            # own, higher (a higher level's plan reposted), other (another region's)
    units: list[str]
    spam: str             # the injected text found, if any

    def row(self) -> dict:
        written = parse_date(self.page.document.get("成文日期"))
        published = published_on(self.page)
        return {"url": self.page.url, "name": self.name, "type": self.kind, "owner": self.owner,
                "region": "".join(self.units), "written": written.isoformat() if written else "",
                "published": published.isoformat() if published else "", "reposted": is_repost(written, published), "spam": self.spam}


def own_unit(ctx: Context) -> str:
    if ctx.level == "national":
        return "国家"
    units = leading_units(_GOVERNMENT_SUFFIX.sub("", ctx.site_name))
    return units[-1] if units else ""


def find_plans(snap: Snapshot, ctx: Context) -> list[Plan]:
    mine = own_unit(ctx)
    site_units = set(leading_units(ctx.site_name))
    plans = []
    for page in snap.pages():
        name = plan_name(page_title(page)) if page.ok else None
        if not name:
            continue
        units = leading_units(name)
        if not units:  # "防汛防旱防风应急预案": whose it is, the issuer says
            issuer = page.document.get("发布机构") or page.meta_tags.get("ContentSource") or ""
            source = _SOURCE.search(snap.main_text(page))
            units = leading_units(issuer or (source.group(1) if source else ""))
        if not units or not mine or mine in units:
            owner = "own"
        else:
            owner = "higher" if set(units) <= site_units | {"国家"} else "other"
        spam = injected_terms()[0].search(snap.main_text(page))
        plans.append(Plan(page, name, plan_type(name), owner, units, spam.group(0) if spam else ""))
    return plans


@check(id="emergency.plans", title="应急预案公开", basis=BASIS, family="emergency",
       remedy="在政府信息公开专栏“应急管理”栏目公开本级突发事件总体应急预案和各类专项应急预案，注明制定机关和日期；转载上级预案时另行标注，不替代本级预案。",
       needs=("home",))
def plans(snap: Snapshot, ctx: Context) -> Finding:
    home = snap.home()
    found = find_plans(snap, ctx)
    minimum = int(ctx.thresholds["emergency.plans"]["min_special_plans"])
    threshold = f"公开本级总体应急预案及不少于{minimum}个专项应急预案"
    counted = [plan for plan in found if plan.owner == "own" and not plan.spam]
    spam = [plan for plan in found if plan.spam]
    not_own = [plan for plan in found if plan.owner != "own" and not plan.spam]
    total = {plan.name for plan in counted if plan.kind == "总体预案"}
    special = {plan.name for plan in counted if plan.kind != "总体预案"}
    details = {"plans": [plan.row() for plan in found], "own_total": len(total), "own_special": len(special),
               "types": sorted({plan.kind for plan in counted if plan.kind != "总体预案"}),
               "not_own": [plan.page.url for plan in not_own], "spam": [plan.page.url for plan in spam]}
    evidence = [Evidence(url=plan.page.url, text=f"{plan.name}（{plan.kind}）") for plan in counted[:10]]
    evidence += [Evidence(url=plan.page.url, text=f"{plan.name}：上级或其他地区预案，不计为本级预案") for plan in not_own[:5]]
    evidence += [Evidence(url=plan.page.url, text=f"{plan.name}：页面含违规信息“{plan.spam}”，不计入") for plan in spam]
    notes = ""
    if not_own:
        notes += f"另有{len(not_own)}个上级或其他地区的预案，不计为本级预案。"
    if spam:
        notes += f"{len(spam)}个预案页面含博彩等违规信息（疑似被篡改），未计入，请立即核查处理。"
    value = f"总体预案{len(total)}个，专项预案{len(special)}个"
    score = 0.5 * bool(total) + 0.5 * min(1.0, len(special) / minimum)
    if score == 1:
        return Finding(Status.PASS, f"已公开本级总体应急预案和{len(special)}个专项应急预案。{notes}", value=value,
                       threshold=threshold, evidence=evidence, details=details)
    if not counted:
        return Finding(Status.FAIL, f"未找到本级应急预案。{notes}", value=value, threshold=threshold,
                       evidence=evidence or [Evidence(url=home.url, text="全站未找到标题为“…应急预案”的页面")],
                       details=details)
    problems = ([] if total else ["未公开本级总体应急预案"]) + \
        ([f"专项应急预案仅{len(special)}个"] if len(special) < minimum else [])
    return Finding(Status.WARN, "；".join(problems) + f"。{notes}", value=value, threshold=threshold,
                   evidence=evidence, score=round(score, 3), details=details)

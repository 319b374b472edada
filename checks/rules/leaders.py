"""领导信息 (条例第二十条（二）负责人姓名; 要点2020 六(一)): the government's leaders named with their
分工, and one of them named as in charge of 政务公开. Read from the 领导信息 column (a page per leader)
and from 分工 notices (a title naming 领导 and 分工). A role without a name is not a named leader."""

from __future__ import annotations

import re
from dataclasses import dataclass

from checks.columns import column_items, find_column
from checks.common import column_page, require_list_loaded, searched
from checks.model import Context, Evidence, Finding, Status
from checks.registry import check
from checks.snapshot import Page, Snapshot

ROLES = ("常务副区长", "常务副县长", "常务副市长", "副区长", "副县长", "副市长", "区长", "县长", "市长", "副局长", "局长",
         "副主任", "主任", "副书记", "书记", "党组成员", "秘书长")
DUTY_VERBS = ("主持", "负责", "分管", "协助", "联系")
DISCLOSURE = ("政务公开", "政府信息公开")
_NAME = r"[\u4e00-\u9fa5]{2,3}"
# "常务副区长林志强：负责…", "林志强（常务副区长）：负责…", "林志强同志：负责…"
_ENTRY = re.compile(rf"(?:(?P<role>{'|'.join(ROLES)})\s*)?(?P<name>{_NAME})(?:同志)?\s*(?:[（(](?P<role2>[^）)]{{1,20}})[）)])?"
                    rf"\s*[:：]\s*(?P<duty>(?:{'|'.join(DUTY_VERBS)})[^\n]*)")
_DUTY_LINE = re.compile(rf"^\s*(?:工作)?分工\s*[:：]\s*(?P<duty>.+)|^\s*(?P<verb>(?:{'|'.join(DUTY_VERBS)}).+)")
_ROLE_LINE = re.compile(r"^\s*(?:职\s*务|现任)\s*[:：]\s*(?P<role>.+)")


@dataclass
class Leader:
    name: str
    role: str
    duty: str
    url: str

    @property
    def in_charge_of_disclosure(self) -> bool:
        return any(word in self.duty for word in DISCLOSURE)

    def as_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "duty": self.duty[:120], "url": self.url}


def _is_name(text: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fa5]{2,4}", text)) and not any(text.endswith(role[-2:]) for role in ROLES)


def leaders_in_text(page: Page, text: str) -> list[Leader]:
    """Entries of a 分工 text: a name (with or without role) followed by a duty."""
    found = []
    for hit in _ENTRY.finditer(text):
        name = hit.group("name")
        if _is_name(name):
            found.append(Leader(name, hit.group("role") or hit.group("role2") or "", hit.group("duty"), page.url))
    return found


def leader_page(page: Page, text: str, anchor: str) -> Leader | None:
    """A page about one leader: the name is its title in the list, the duty a 分工 line."""
    name = anchor.strip()
    if not _is_name(name):
        return None
    duty = role = ""
    for line in text.split("\n"):
        if not duty and (hit := _DUTY_LINE.match(line)):
            duty = (hit.group("duty") or hit.group("verb")).strip()
        if not role and (hit := _ROLE_LINE.match(line)):
            role = hit.group("role").strip()
    return Leader(name, role, duty, page.url) if duty else None


def _division_pages(snap: Snapshot) -> list[Page]:
    """分工 notices: pages whose title says they set out the leaders' division of work."""
    return [page for page in snap.pages() if page.ok and "领导" in page.title and "分工" in page.title]


@check(id="leaders.named", title="领导信息与政务公开分管领导", family="leaders",
       basis="《中华人民共和国政府信息公开条例》第二十条（二）；《2020年政务公开工作要点》六（一）",
       remedy="设置“领导信息”栏目，公开每位领导的姓名、职务和工作分工；明确一名负责同志分管政务公开工作，并写入工作分工对外公布。",
       needs=("home",))
def named(snap: Snapshot, ctx: Context) -> Finding:
    threshold = "公开领导姓名及工作分工，并明确分管政务公开工作的负责同志"
    match = find_column(snap, "leaders")
    leaders, evidence, looked = [], [], []
    if match is not None:
        evidence.append(Evidence(url=match.url, text=f"“{match.anchor}”（位于 {match.source}）"))
        page = column_page(snap, match)
        if page is not None:
            looked.append(page.url)
            items = column_items(snap, page.url)
            if not items:
                require_list_loaded(snap, page, match.anchor)
            leaders += leaders_in_text(page, snap.main_text(page))
            for link in items:
                item = snap.page(link.target)
                if item is not None and item.ok and (leader := leader_page(item, snap.main_text(item), link.anchor)):
                    leaders.append(leader)
    for page in _division_pages(snap):
        looked.append(page.url)
        evidence.append(Evidence(url=page.url, text=f"“{page.title.split('_')[0]}”"))
        leaders += leaders_in_text(page, snap.main_text(page))
    unique = list({leader.name: leader for leader in leaders}.values())
    in_charge = [leader for leader in unique if leader.in_charge_of_disclosure]
    details = {"leaders": [leader.as_dict() for leader in unique], "pages": looked,
               "disclosure_leader": in_charge[0].name if in_charge else None}
    evidence += [Evidence(url=leader.url, text=f"{leader.name}（{leader.role or '职务未注明'}）：{leader.duty[:60]}")
                 for leader in in_charge or unique[:3]]
    value = f"{len(unique)}名领导"
    if not looked:
        return Finding(Status.FAIL, "未找到领导信息栏目或领导工作分工文件。", value="未找到", threshold=threshold,
                       evidence=searched(snap, "领导信息栏目或领导工作分工文件"), details=details)
    if not unique:
        return Finding(Status.FAIL, "领导信息或工作分工中未列明领导姓名及其分工（仅有职务不能视为公开负责人姓名）。",
                       value="未列明姓名", threshold=threshold, evidence=evidence, details=details)
    if not in_charge:
        return Finding(Status.WARN, f"已公开{len(unique)}名领导的姓名和分工，但未明确由哪位负责同志分管政务公开工作。",
                       value=value, threshold=threshold, evidence=evidence, details=details, score=0.5)
    return Finding(Status.PASS, f"已公开{len(unique)}名领导的姓名和分工，{in_charge[0].name}分管政务公开工作。",
                   value=value, threshold=threshold, evidence=evidence, details=details)

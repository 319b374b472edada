"""政策解读: every policy of the last 12 months has its interpretation, linked both ways and published
with it (rulebook §7: JD-COVER, JD-LINK, JD-PUBSYNC; 国办发〔2016〕80号).

Pairing is by link (policy page → 解读, 解读 → policy page), by title (《X》解读, 关于《X》的解读, 图解：X)
and by 文号, each through a dictionary, so it stays linear in the number of pages. The word 解读 in a
policy's body is never an interpretation: only a page whose title is one counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from checks.common import published_on, require_home
from checks.dates import calendar_note, working_days_between
from checks.facts.documents import Document, documents, normalise_doc_no, page_title
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import check
from checks.snapshot import Page, Snapshot

BASIS = "国办发〔2016〕80号《〈关于全面推进政务公开工作的意见〉实施细则》；国办发〔2020〕17号"
MIN_NAME = 6  # shorter names ("政策解读", "通知") would pair unrelated pages
MAX_LINKING_POLICIES = 2  # a 解读 linked from more policies than this sits in a shared sidebar

_SUBJECT = [
    re.compile(r"^(?:图解|一图读懂|一图看懂|图说|解读)[:：]?(?P<s>.+)$"),
    re.compile(r"^关于(?P<s>.+?)的(?:政策)?解读(?:材料|稿)?$"),
    re.compile(r"^(?P<s>.+?)(?:政策)?解读(?:材料|稿)?$"),
    re.compile(r"^.{0,20}?就(?P<s>《.+》)(?:答记者问|答问|问答)$"),
]
_QUOTED = re.compile(r"《([^《》]+)》")
_ISSUED = re.compile(r"印发(.+?)的(?:通知|函|决定|批复)$")
_DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,12}〔(?:19|20)\d{2}〕\d{1,4}号")
_PUNCT = re.compile(r"[《》“”\"'‘’·、，,。:：\s\u3000()（）]")


def _key(name: str) -> str:
    return _PUNCT.sub("", name)


def interpretation_names(title: str) -> set[str]:
    """What a 解读 title says it interprets; empty when the title is not an interpretation's."""
    for pattern in _SUBJECT:
        found = pattern.match(title)
        if found and len(_key(found.group("s"))) >= MIN_NAME:
            subject = found.group("s")
            names = {_key(subject)} | {_key(quoted) for quoted in _QUOTED.findall(subject)}
            return {name for name in names if len(name) >= MIN_NAME}
    return set()


def policy_names(title: str) -> set[str]:
    names = {_key(title)} | {_key(quoted) for quoted in _QUOTED.findall(title)}
    issued = _ISSUED.search(title)
    if issued:
        names.add(_key(issued.group(1)))
    if "关于" in title:
        names.add(_key(title[title.index("关于"):]))
    return {name for name in names if len(name) >= MIN_NAME}


@dataclass
class Pair:
    policy: Document
    url: str                      # the 解读 page
    page: Page | None             # None: linked from the policy but not fetched
    forward: bool = False         # the policy page (or its sidebar frame) links to the 解读
    back: bool = False            # the 解读 links back to the policy
    by_title: bool = False        # paired by title or 文号 only

    @property
    def published(self) -> date | None:
        return published_on(self.page) if self.page else None


@dataclass
class Analysis:
    policies: list[Document]                                   # in the window, not re-posts
    reposts: list[Document]
    pairs: dict[str, list[Pair]] = field(default_factory=dict)  # policy url -> its 解读
    unread_frames: dict[str, str] = field(default_factory=dict)  # policy url -> sidebar frame not fetched

    @property
    def unverifiable(self) -> list[Document]:
        return [doc for doc in self.policies if doc.url in self.unread_frames and doc.url not in self.pairs]

    @property
    def verifiable(self) -> list[Document]:
        return [doc for doc in self.policies if doc.url in self.pairs or doc.url not in self.unread_frames]


class _Pairing:
    def __init__(self, policies: list[Document]):
        self.pairs: dict[tuple[str, str], Pair] = {}
        self.by_url: dict[str, Document] = {}
        self.by_name: dict[str, list[Document]] = {}
        self.by_doc_no: dict[str, list[Document]] = {}
        for doc in policies:
            self.by_url[doc.page.url] = self.by_url[doc.page.final_url] = doc
            for name in policy_names(doc.title):
                self.by_name.setdefault(name, []).append(doc)
            self.by_doc_no.setdefault(doc.doc_no, []).append(doc)

    def pair(self, policy: Document, url: str, page: Page | None) -> Pair:
        key = (policy.url, page.url if page else url)
        if key not in self.pairs:
            self.pairs[key] = Pair(policy, page.url if page else url, page)
        return self.pairs[key]

    def unique(self, index: dict[str, list[Document]], keys) -> list[Document]:
        # a name shared by several policies says nothing about which one is meant
        return [index[key][0] for key in keys if len(index.get(key, ())) == 1]


def _interpretation_pages(snap: Snapshot) -> dict[str, tuple[Page, set[str]]]:
    found = {}
    for page in snap.pages():
        names = interpretation_names(page_title(page)) if page.ok else set()
        if names:
            found[page.url] = found[page.final_url] = (page, names)
    return found


def analyse(snap: Snapshot, ctx: Context) -> Analysis:
    """One pairing for the three interpretation checks, kept with the snapshot it came from."""
    return snap.memo(("interpretation", ctx.today), lambda: _analyse(snap, ctx))


def _analyse(snap: Snapshot, ctx: Context) -> Analysis:
    interpretations = _interpretation_pages(snap)
    recent = [doc for doc in documents(snap) if doc.url not in interpretations and doc.in_window(ctx)]
    analysis = Analysis(policies=[doc for doc in recent if not doc.reposted],
                        reposts=[doc for doc in recent if doc.reposted])
    pairing = _Pairing(analysis.policies)
    chrome = snap.chrome_targets

    forward: dict[str, list[tuple[Document, Page | None, set[str]]]] = {}  # 解读 url -> policies linking it
    for policy in analysis.policies:
        links = snap.content_links(policy.url)
        for frame in snap.links_from(policy.url):
            if frame.tag not in ("iframe", "frame") or frame.target in chrome:
                continue
            if snap.page(frame.target) is None:
                analysis.unread_frames[policy.url] = frame.target
            else:
                links += snap.content_links(frame.target)
        for link in links:
            target = interpretations.get(link.target)
            if target:
                forward.setdefault(target[0].url, []).append((policy, target[0], target[1]))
            elif snap.page(link.target) is None:
                names = interpretation_names(re.sub(r"[\s\u3000]", "", link.anchor))
                if names:
                    forward.setdefault(link.target, []).append((policy, None, names))
    for url, linking in forward.items():
        for policy, page, names in linking:
            # a "latest interpretations" sidebar links one 解读 from many policies: only its own counts there
            if len(linking) <= MAX_LINKING_POLICIES or names & policy_names(policy.title):
                pairing.pair(policy, url, page).forward = True

    for url, (page, names) in interpretations.items():
        if url != page.url:
            continue
        for link in snap.content_links(page.url):
            policy = pairing.by_url.get(link.target)
            if policy:
                pairing.pair(policy, page.url, page).back = True
        doc_nos = set(_DOC_NO.findall(normalise_doc_no(page_title(page))))
        doc_nos.add(normalise_doc_no(page.document.get("文号", "")))
        for policy in pairing.unique(pairing.by_name, names) + pairing.unique(pairing.by_doc_no, doc_nos - {""}):
            found = pairing.pair(policy, page.url, page)
            found.by_title = not (found.forward or found.back)

    for pair in pairing.pairs.values():
        analysis.pairs.setdefault(pair.policy.url, []).append(pair)
    return analysis


def _listing(docs: list[Document]) -> list[dict]:
    return [{"url": doc.url, "title": doc.title, "doc_no": doc.doc_no,
             "published": doc.published.isoformat() if doc.published else ""} for doc in docs]


def _analysis_or_raise(snap: Snapshot, ctx: Context) -> Analysis:
    require_home(snap)
    analysis = analyse(snap, ctx)
    if not analysis.policies and any(p.metadata.get("needs_js") and not p.rendered for p in snap.pages()):
        raise Unverifiable("部分信息公开目录页面由JavaScript生成且本次未渲染，无法找全近12个月的政策文件。")
    return analysis


@check(id="interpretation.coverage", title="政策文件解读覆盖率", basis=BASIS, family="interpretation",
       remedy="按照“谁起草、谁解读”原则，对近一年发布的规范性文件和重要政策文件逐件发布政策解读，并在文件页面关联解读。")
def coverage(snap: Snapshot, ctx: Context) -> Finding:
    analysis = _analysis_or_raise(snap, ctx)
    threshold = "近12个月发布的政策文件（含规范性文件）均有对应的政策解读"
    details = {"policies": len(analysis.policies), "reposts": _listing(analysis.reposts),
               "unverifiable": [{"url": doc.url, "title": doc.title, "frame": analysis.unread_frames[doc.url]}
                                for doc in analysis.unverifiable]}
    if not analysis.policies:
        return Finding(Status.NOT_APPLICABLE, "近12个月未发现带文号的政策文件，本项不适用。", value="0件",
                       threshold=threshold, details=details)
    verifiable = analysis.verifiable
    if not verifiable:
        raise Unverifiable(f"近12个月的{len(analysis.policies)}件政策文件的“相关解读”位于未能获取的内嵌框架中，"
                           f"无法核验是否发布解读（如 {analysis.unverifiable[0].url}）。")
    missing = [doc for doc in verifiable if doc.url not in analysis.pairs]
    covered = len(verifiable) - len(missing)
    details |= {"covered": covered, "missing": _listing(missing)}
    evidence = [Evidence(url=doc.url, text=f"{doc.title}（{doc.doc_no or '无文号'}）未找到政策解读") for doc in missing[:20]]
    value = f"{covered}/{len(verifiable)}"
    unread = f"另有{len(analysis.unverifiable)}件的解读栏位于未能获取的内嵌框架中，未计入。" if analysis.unverifiable else ""
    if not missing:
        return Finding(Status.PASS, f"近12个月的{covered}件政策文件均有政策解读。{unread}", value=value,
                       threshold=threshold, evidence=evidence, details=details)
    status = Status.FAIL if not covered else Status.WARN
    return Finding(status, f"近12个月的{len(verifiable)}件政策文件中有{len(missing)}件未发布政策解读。{unread}",
                   value=value, threshold=threshold, evidence=evidence, score=round(covered / len(verifiable), 3),
                   details=details)


@check(id="interpretation.linked", title="政策文件与解读双向关联", basis=BASIS + "；国办发〔2017〕47号《政府网站发展指引》",
       family="interpretation", remedy="在政策文件页面设置“相关解读”链接，在解读页面设置“原文链接”或“相关文件”链接，实现双向关联。")
def linked(snap: Snapshot, ctx: Context) -> Finding:
    analysis = _analysis_or_raise(snap, ctx)
    threshold = "政策文件页面链接到解读，解读页面链接回政策原文"
    pairs = [pair for pairs in analysis.pairs.values() for pair in pairs if pair.page is not None]
    if not pairs:
        if analysis.unverifiable or any(analysis.pairs.values()):
            raise Unverifiable("找到的政策解读页面未能获取，无法核验文件与解读是否双向关联。")
        return Finding(Status.NOT_APPLICABLE, "未找到可配对的政策文件和解读，本项不适用（见“政策文件解读覆盖率”）。",
                       threshold=threshold)
    rows, evidence = [], []
    for pair in pairs:
        rows.append({"policy": pair.policy.url, "interpretation": pair.url, "policy_to_interpretation": pair.forward,
                     "interpretation_to_policy": pair.back, "by_title": pair.by_title})
        if not (pair.forward and pair.back):
            lacking = "、".join(name for name, ok in (("文件页未链接解读", pair.forward), ("解读页未链接原文", pair.back))
                               if not ok)
            evidence.append(Evidence(url=pair.policy.url, text=f"{pair.policy.title}：{lacking}（解读：{pair.url}）"))
    score = sum(pair.forward + pair.back for pair in pairs) / (2 * len(pairs))
    both = sum(pair.forward and pair.back for pair in pairs)
    details = {"pairs": rows, "both_ways": both}
    value = f"{both}/{len(pairs)}对双向关联"
    if both == len(pairs):
        return Finding(Status.PASS, f"{len(pairs)}对政策文件与解读均双向关联。", value=value, threshold=threshold,
                       evidence=[Evidence(url=pairs[0].policy.url, text=f"相关解读：{pairs[0].url}")], details=details)
    status = Status.FAIL if score == 0 else Status.WARN
    return Finding(status, f"{len(pairs)}对政策文件与解读中有{len(pairs) - both}对未双向关联。", value=value,
                   threshold=threshold, evidence=evidence[:20], score=round(score, 3), details=details)


@check(id="interpretation.timeliness", title="政策解读同步发布", basis=BASIS, family="interpretation",
       remedy="政策解读应与政策文件同步发布，最迟不超过文件发布后3个工作日。")
def timeliness(snap: Snapshot, ctx: Context) -> Finding:
    analysis = _analysis_or_raise(snap, ctx)
    partial = int(ctx.thresholds["interpretation.timeliness"]["partial_working_days"])
    threshold = f"解读与文件同日发布（得满分），{partial}个工作日内（得半分），更晚不得分"
    rows = []
    for policy in analysis.policies:
        dated = [pair for pair in analysis.pairs.get(policy.url, ()) if pair.published and policy.published]
        if not dated:
            continue
        first = min(dated, key=lambda pair: pair.published)
        days = working_days_between(policy.published, first.published)
        credit = 1.0 if first.published <= policy.published else 0.5 if days <= partial else 0.0
        rows.append({"policy": policy.url, "title": policy.title, "interpretation": first.url,
                     "policy_published": policy.published.isoformat(),
                     "interpretation_published": first.published.isoformat(), "working_days": days, "credit": credit})
    if not rows:
        if any(analysis.pairs.values()) or analysis.unverifiable:
            raise Unverifiable("找到的政策解读缺少可识别的发布日期或未能获取，无法核验发布时间。")
        return Finding(Status.NOT_APPLICABLE, "未找到可配对的政策文件和解读，本项不适用（见“政策文件解读覆盖率”）。",
                       threshold=threshold)
    score = sum(row["credit"] for row in rows) / len(rows)
    late = [row for row in rows if row["credit"] < 1]
    evidence = [Evidence(url=row["interpretation"], text=f"{row['title']}：文件{row['policy_published']}发布，"
                         f"解读{row['interpretation_published']}发布，相隔{row['working_days']}个工作日") for row in late[:20]]
    note = calendar_note(*(date.fromisoformat(row[key]) for row in late
                           for key in ("policy_published", "interpretation_published")))
    details = {"pairs": rows, "same_day": len(rows) - len(late),
               "late": sum(row["credit"] == 0 for row in rows), "calendar_note": note}
    value = f"{len(rows) - len(late)}/{len(rows)}件同步发布"
    if not late:
        return Finding(Status.PASS, f"{len(rows)}件政策文件的解读均与文件同日发布。", value=value, threshold=threshold,
                       evidence=[Evidence(url=rows[0]["interpretation"], text=rows[0]["interpretation_published"])],
                       details=details)
    status = Status.FAIL if score == 0 else Status.WARN
    return Finding(status, f"{len(rows)}件有解读的政策文件中，{len(late)}件的解读未与文件同日发布"
                   f"（其中{details['late']}件超过{partial}个工作日）" + (f"；{note}" if note else "") + "。", value=value, threshold=threshold,
                   evidence=evidence, score=round(score, 3), details=details)

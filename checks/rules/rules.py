"""Every `rules.*` check: 规章 and 行政规范性文件, their central list and validity marking (rulebook §3.6;
国办发〔2020〕17号 要点; 《政府信息公开条例》第二十四条). The documents themselves are checks/facts/documents.py."""

from __future__ import annotations



from checks.columns import column_items, find_column
from checks.common import open_page
from checks.facts.forms import own_search
from checks.facts.documents import documents, validity_of
from checks.facts.platform import platform_column
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import check
from checks.snapshot import Snapshot

CENTRAL_BASIS = "国办发〔2020〕17号（2020年政务公开工作要点）；《中华人民共和国政府信息公开条例》第二十四条"


def _downloads(snap: Snapshot, items: list) -> list[str]:
    """Originals that could be downloaded: attachments linked from the list or from its items' pages."""
    found = []
    for item in items:
        candidates = [item.target] + [link.target for link in snap.content_links(item.target)]
        for target in candidates:
            outcome = snap.outcome(target)
            if outcome.kind == "attachment" and outcome.fetched and outcome.status == 200:
                found.append(target)
    return list(dict.fromkeys(found))


@check(id="rules.central_list", title="规章和行政规范性文件集中公开", basis=CENTRAL_BASIS, family="rules",
       remedy="在政府信息公开专栏设置“规范性文件”栏目，集中发布现行有效的规章和行政规范性文件，提供按标题、文号检索，并提供原文下载。",
       needs=("home",))
def central_list(snap: Snapshot, ctx: Context) -> Finding:
    home = snap.home()
    platform = platform_column(snap)
    match = find_column(snap, "normative", [snap.start_url] + ([platform.url] if platform else []))
    threshold = "设置规章、行政规范性文件集中公开栏目，可检索，可下载原文"
    if match is None:
        if any(page.metadata.get("needs_js") and not page.rendered for page in snap.pages()):
            raise Unverifiable("未找到规范性文件栏目，且部分目录页面由JavaScript生成、本次未渲染，无法确认。")
        searched = platform.url if platform else home.url
        return Finding(Status.FAIL, "未找到集中公开规章和行政规范性文件的栏目（如“规范性文件”）。", value="未找到",
                       threshold=threshold, evidence=[Evidence(url=searched, text="本页及全站均未找到“规范性文件”栏目")])
    evidence = [Evidence(url=match.url, text=f"“{match.anchor}”（位于 {match.source}）")]
    page = open_page(snap, match, threshold)
    items = column_items(snap, page.url)
    if not items:
        return Finding(Status.FAIL, f"“{match.anchor}”栏目未列出任何文件。", value="空栏目", threshold=threshold,
                       evidence=evidence)
    search = own_search(snap, page, home)
    downloads = _downloads(snap, items)
    evidence += [Evidence(url=url, text="原文下载") for url in downloads[:3]]
    missing = [name for name, present in (("检索功能", search), ("原文下载", bool(downloads))) if not present]
    credit = ctx.thresholds["rules.central_list"]
    score = credit["list_credit"] + credit["search_credit"] * search + credit["download_credit"] * bool(downloads)
    details = {"url": match.url, "items": len(items), "search": search, "downloads": len(downloads),
               "missing": missing}
    value = f"{len(items)}条"
    if not missing:
        return Finding(Status.PASS, f"“{match.anchor}”栏目集中公开{len(items)}个文件，提供检索和原文下载。",
                       value=value, threshold=threshold, evidence=evidence, details=details)
    return Finding(Status.WARN, f"“{match.anchor}”栏目列出{len(items)}个文件，但缺少" + "、".join(missing) + "。",
                   value=value, threshold=threshold, evidence=evidence, score=round(score, 2), details=details)


@check(id="rules.validity_marked", title="规范性文件有效性标注", basis="国办发〔2017〕47号《政府网站发展指引》；" + CENTRAL_BASIS,
       family="rules", remedy="在每件规章、行政规范性文件页面标注有效性（有效、失效、废止、已修改）或有效期，文件修改、废止后及时更新原文标注。",
       needs=("home",))
def validity_marked(snap: Snapshot, ctx: Context) -> Finding:
    normative = [doc for doc in documents(snap) if doc.normative]
    threshold = "每件规范性文件标注有效性（有效/失效/废止/已修改）或有效期"
    if not normative:
        return Finding(Status.NOT_APPLICABLE, "本次抓取未发现规章或行政规范性文件，本项不适用。", value="0件",
                       threshold=threshold)
    marked, unmarked = [], []
    for doc in normative:
        shown = validity_of(snap, doc)
        (marked if shown else unmarked).append((doc, shown))
    share = len(marked) / len(normative)
    details = {"documents": len(normative), "marked": len(marked),
               "unmarked": [{"url": doc.url, "title": doc.title, "doc_no": doc.doc_no} for doc, _ in unmarked]}
    evidence = [Evidence(url=doc.url, text=f"{doc.title}（{doc.doc_no}）未标注有效性") for doc, _ in unmarked[:20]]
    evidence += [Evidence(url=doc.url, text=f"有效性：{shown}") for doc, shown in marked[:3]]
    value = f"{len(marked)}/{len(normative)}"
    if not unmarked:
        return Finding(Status.PASS, f"{len(normative)}件规范性文件均标注了有效性。", value=value, threshold=threshold,
                       evidence=evidence, details=details)
    status = Status.FAIL if not marked else Status.WARN
    return Finding(status, f"{len(normative)}件规范性文件中有{len(unmarked)}件未标注有效性或有效期。", value=value,
                   threshold=threshold, evidence=evidence, score=round(share, 3), details=details)

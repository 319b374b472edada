"""Personal information exposed on the portal (《个人信息保护法》; 国办发〔2020〕17号 四(三); 检查指标2019
V-SEC): 身份证号, mobile numbers and bank card numbers published beside people's names in 公示 pages
and their attachments. Every number in the finding is masked; the raw text stays in the snapshot."""

from __future__ import annotations

from checks.facts.personal_data import DocumentScan, personal_data
from checks.model import Context, Evidence, Finding, Status
from checks.registry import check
from checks.snapshot import Snapshot

KIND_LABELS = {"id_number": "身份证号", "id_number_undermasked": "身份证号（遮盖不足）", "mobile": "手机号码",
               "bank_card": "银行卡号"}


def _describe(doc: DocumentScan) -> str:
    counts: dict[str, int] = {}
    for item in doc.items:
        counts[KIND_LABELS[item.kind]] = counts.get(KIND_LABELS[item.kind], 0) + 1
    first = doc.items[0]
    who = f"{first.surname}某" if first.surname else "未标姓名"
    where = "附件" if doc.kind == "attachment" else "页面"
    return (f"{where}“{doc.title}”：" + "、".join(f"{label}{n}处" for label, n in counts.items())
            + f"（如第{first.row}行 {who} {first.masked}）")


def _item_details(doc: DocumentScan) -> dict:
    return {"url": doc.url, "kind": doc.kind, "title": doc.title,
            "items": [{"kind": item.kind, "masked": item.masked, "surname": item.surname, "row": item.row,
                       "beside_name": item.beside_name} for item in doc.items]}


@check(id="privacy.personal_data", title="个人信息保护（身份证号、手机号、银行卡号）", family="privacy", screenshots=False,
       basis="《中华人民共和国个人信息保护法》；国办发〔2020〕17号 四(三)；国办秘函〔2019〕19号 检查指标 单项否决：安全（泄露个人信息）",
       remedy="立即核实所列页面和附件，撤下或遮盖其中的身份证号、手机号、银行卡号（身份证号至少遮盖8位，"
              "如4405**********123X），公示名单只保留必要信息，并排查同类栏目的其他公示。",
       needs=("home",))
def personal_data_exposed(snap: Snapshot, ctx: Context) -> Finding:
    limits = ctx.thresholds["privacy.personal_data"]
    found = personal_data(snap, ctx.today, limits)
    leaking = [doc for doc in found.documents if doc.items]
    many = [doc for doc in leaking if len(doc.named_items) >= int(limits["fail_items"])]
    unread = found.unread_attachments
    unread_said = f"另有{len(unread)}个附件无法读取，未能检查。" if unread else ""
    threshold = f"公示信息不得含完整身份证号（至少遮盖{limits['min_hidden_id_digits']}位）及个人手机号、银行卡号"
    details = {"scanned_pages": found.scanned_pages, "scanned_attachments": found.scanned_attachments,
               "unread_attachments": unread, "documents": [_item_details(doc) for doc in leaking]}
    evidence = [Evidence(url=doc.url, text=_describe(doc)) for doc in many + [d for d in leaking if d not in many]]
    if many:
        return Finding(Status.FAIL, f"疑似泄露个人信息，请立即核实处理：{len(many)}个页面或附件列出多人的"
                       f"身份证号、手机号或银行卡号（以下均已遮盖）。" + unread_said,
                       value=f"{len(many)}处", threshold=threshold, evidence=evidence, details=details)
    if leaking:
        return Finding(Status.WARN, f"发现{sum(len(doc.items) for doc in leaking)}处个人信息（以下均已遮盖），"
                       "请核实是否应当公开。" + unread_said,
                       value=f"{len(leaking)}处", threshold=threshold, evidence=evidence, details=details)
    masked = [doc for doc in found.documents if doc.masked_ids]
    rests_on = ([Evidence(url=doc.url, text=f"“{doc.title}”中的身份证号已按要求遮盖（{doc.masked_ids}处）")
                 for doc in masked] or [Evidence(url=snap.start_url, text="检查范围起点（首页）")])
    return Finding(Status.PASS, f"检查了{found.scanned_pages}个页面和{found.scanned_attachments}个附件，未发现完整的"
                   f"身份证号、个人手机号或银行卡号。" + unread_said,
                   value="0处", threshold=threshold, evidence=rests_on, details=details)

"""What a page's own markup says about its footer identifiers (国办发〔2017〕47号 页面底部功能区): which
are written in the page, which a national script writes at load time, and whether the footer
itself lives in a frame or a script the crawl could not read. Facts only; site.identity judges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin

from bs4 import BeautifulSoup

ID_CODE = re.compile(r"网站标识码\s*[:：]?\s*(bm\d{8}|\d{10})", re.I)
ICP = re.compile(r"ICP\s*备\s*[:：]?\s*\d{6,}", re.I)
# 粤公网安备 44030702000715号, 粤公网安备:44030702000715, 粤公网安备号44030402003007, 公安备案号：…
PSB = re.compile(r"公网安备\s*号?\s*[:：]?\s*\d{6,}|公安(?:机关)?备案号?\s*[:：]?\s*[\u4e00-\u9fa5]?\s*\d{6,}")
OWNER = re.compile(r"主办(?:单位)?\s*[:：]|(?:政府|委员会|办公厅|办公室|局|厅)\s*版权所有|版权所有\s*[:：]?\s*\S*(?:政府|委员会|办公厅|办公室|局|厅)")
CONTACT = re.compile(r"联系(?:电话|方式|我们)|(?:咨询|投诉|服务|值班|办公|举报)电话\s*[:：]|(?:电子)?邮箱\s*[:：]|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
# The national 找错 service: a link to …/exposure/jiucuo.html?site_code=…, or its script and placeholder.
JIUCUO_LINK = re.compile(r"/exposure/jiucuo\.html|zfwzzc\.www\.gov\.cn|/fuwu/jiucuopage", re.I)
JIUCUO_WORDS = re.compile(r"找错|纠错")
CONAC_LINK = re.compile(r"bszs\.conac\.cn|conac\.cn/sitename", re.I)
# Containers and frame/script addresses that carry a footer.
FOOTERISH = re.compile(r"foot|bottom|copyright|banquan|dibu", re.I)


@dataclass(frozen=True)
class Mark:
    how: str   # "page": written in the markup; "script": written by the national script at load time
    what: str  # the words or address it was recognised by


@dataclass
class FooterFacts:
    marks: dict[str, Mark]
    framed: list[str]      # frames or scripts that carry the footer (their content is not in this page)


def _scripts(soup) -> list[tuple[str, str, str]]:
    """(src, id, inline code) of every script, with document.write(unescape(…)) decoded."""
    found = []
    for script in soup.find_all("script"):
        code = script.string or ""
        code += " ".join(unquote(part) for part in re.findall(r"unescape\(\s*[\"']([^\"']*)[\"']", code))
        found.append((script.get("src") or "", script.get("id") or "", code))
    return found


def _footerish(element) -> bool:
    for node in [element, *element.parents]:
        classes = node.get("class") or []
        if FOOTERISH.search(" ".join([node.get("id") or "", *(classes if isinstance(classes, list) else [classes])])):
            return True
    return False


def read_footer(html: str, text: str, base_url: str) -> FooterFacts:
    marks: dict[str, Mark] = {}
    soup = BeautifulSoup(html, "lxml")  # bs4 keeps what real pages put after </html>
    anchors = []
    for link in soup.find_all(["a", "area"]):
        words = " ".join([link.get_text(" "), link.get("title") or ""]
                         + [image.get("alt") or image.get("title") or "" for image in link.find_all("img")])
        anchors.append((link.get("href") or "", words))
    scripts = _scripts(soup)
    placeholders = {element.get("id") for element in soup.find_all(id=True)}
    framed = [urljoin(base_url, frame["src"]) for frame in soup.find_all(["iframe", "frame"], src=True)
              if FOOTERISH.search(frame["src"]) or _footerish(frame)]
    framed += [urljoin(base_url, src) for src, _, _ in scripts if src and FOOTERISH.search(src.rsplit("/", 1)[-1])]

    # 党政机关网站标识: the badge link, or the conac script (often written by document.write(unescape(…))).
    badge = next((href for href, _ in anchors if CONAC_LINK.search(href)), None)
    if badge:
        marks["党政机关网站标识"] = Mark("page", badge)
    elif any("conac.cn" in src or "conac.cn" in code for src, _, code in scripts):
        marks["党政机关网站标识"] = Mark("script", "conac.cn 标识脚本")
    elif "党政机关" in text and "标识" in text:
        marks["党政机关网站标识"] = Mark("page", "党政机关网站标识")
    for name, pattern in (("网站标识码", ID_CODE), ("ICP备案编号", ICP), ("公安机关备案标识", PSB),
                          ("网站主办单位", OWNER), ("联系方式", CONTACT)):
        found = pattern.search(text)
        if found:
            marks[name] = Mark("page", found.group(0))
    if "公安机关备案标识" not in marks:
        beian = next((href for href, _ in anchors if "beian.gov.cn/portal" in href), None)
        if beian:
            marks["公安机关备案标识"] = Mark("page", beian)
    # 我为政府网站找错: a link to the national service or named so (text, title, image alt), or the
    # national script / its placeholder that the script fills at load time.
    entry = next((href or words for href, words in anchors if JIUCUO_LINK.search(href) or JIUCUO_WORDS.search(words)), None)
    if entry:
        marks["我为政府网站找错"] = Mark("page", entry)
    elif any(script_id == "_jiucuo_" or "exposure/jiucuo.js" in src for src, script_id, _ in scripts):
        marks["我为政府网站找错"] = Mark("script", "jiucuo.js 找错脚本")
    elif "_span_jiucuo" in placeholders:
        marks["我为政府网站找错"] = Mark("script", "_span_jiucuo 占位（由找错脚本填充）")
    elif "我为政府网站找错" in text:
        marks["我为政府网站找错"] = Mark("page", "我为政府网站找错")
    return FooterFacts(marks=marks, framed=framed)

"""Build a snapshot.sqlite from HTML in the test, through the crawler's own parser and writer."""

from __future__ import annotations

from pathlib import Path

from checks.snapshot import Snapshot
from crawler.extract import parse_html
from crawler.snapshot import SnapshotWriter

SHELL = "<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


def links_to(snap: Snapshot, url: str) -> list:
    """The links pointing at `url` (no check needs this lookup; tests of the link index do)."""
    return [link for link in snap.links() if link.target == url]


def page_html(body: str, title: str = "页面") -> str:
    return SHELL.format(title=title, body=body)


def make_snapshot(path: Path, pages: dict, start_url: str | None = None, errors: dict | None = None,
                  attachments: dict | None = None, probes: list[dict] | None = None) -> Snapshot:
    """pages: {url: html | (status, html)}; errors: {url: kind}; attachments: {url: status}."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    writer = SnapshotWriter(path)
    start_url = start_url or next(iter(pages))
    writer.set_meta(start_url=start_url, complete="1", duration_s="1.0")
    for depth, (url, spec) in enumerate(pages.items()):
        status, html = spec if isinstance(spec, tuple) else (200, spec)
        parsed = parse_html(html, url)
        for hidden in parsed.metadata["hidden_links"]:  # as the spider marks them
            hidden["internal"] = hidden["target"].split("/")[2] == start_url.split("/")[2]
        writer.page({"url": url, "final_url": url, "status": status, "title": parsed.title, "text": parsed.text,
                     "html": html, "depth": min(depth, 1), "metadata": parsed.metadata, "rendered": 0,
                     "charset": "utf-8"})
        writer.links([{"source": url, "target": link.target, "anchor": link.anchor, "tag": link.tag, "context": link.context,
                       "internal": int(link.target.split("/")[2] == start_url.split("/")[2])}
                      for link in parsed.links])
    for url, kind in (errors or {}).items():
        writer.error({"url": url, "kind": kind, "message": kind, "referrer": start_url, "at": ""})
    for row in probes or []:
        writer.probe({"family": "", "elapsed_ms": 0, "at": "", "detail": "{}", **row})
    for url, status in (attachments or {}).items():
        writer.attachment({"url": url, "status": status, "type": "pdf", "size": 10})
    writer.close()
    return Snapshot(path)

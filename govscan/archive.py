"""The run's WARC as evidence: digests on result.json's evidence, replay of an archived page, pruning.

The crawl writes `archive.warc.gz` and the snapshot's `captures` table (crawler/warc.py). Here each
evidence URL gets the SHA-256, WARC record id and capture time of the response it rests on; an
archived page is shown again as it was served (`govscan replay`), scripts disabled; old runs'
archives are deleted by age, except those of runs with a 单项否决 (the verdicts that get disputed)
and those a kept run's carried pages still refer to.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin

from warcio.archiveiterator import ArchiveIterator

from crawler.snapshot import ARCHIVE
from reports.render import local_time

# Nothing of the archived page may run or fetch: no scripts, no requests to the live site.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'"
# A CSP does not stop <meta http-equiv="refresh">, which would leave the archive for the live site.
_REFRESH = re.compile(rb"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[^>]*>", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_COLUMNS = 'url, record_id, sha256, captured_at, status, rendered, content_type, size, warc, "offset", length, kind'


@dataclass
class Capture:
    url: str
    record_id: str
    sha256: str
    captured_at: str
    status: int
    rendered: bool
    content_type: str
    size: int
    warc: str        # '' = the run's own archive; else another run's, relative to the run directory
    offset: int
    length: int
    kind: str

    def archive(self, run_dir: Path) -> Path:
        return Path(run_dir) / (self.warc or ARCHIVE)

    @classmethod
    def from_row(cls, row: tuple) -> "Capture":  # a row of _COLUMNS
        return cls(*row[:5], bool(row[5]), *row[6:])


class Captures:
    """The captures of one run, read from its snapshot (none for a run made before archives)."""

    def __init__(self, snapshot: Path):
        self.db = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
        self.available = self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'captures'").fetchone() is not None

    def close(self) -> None:
        self.db.close()

    def _latest(self, url: str) -> Capture | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM captures WHERE url = ? ORDER BY rowid DESC LIMIT 1",
                              (url,)).fetchone()
        return Capture.from_row(row) if row else None

    def find(self, url: str) -> Capture | None:
        """The record a URL's content rests on: that of the address it ended at (after redirects, as the
        snapshot says), its latest (the rendered DOM when the page was rendered: what the checks read)."""
        if not self.available:
            return None
        final = self.db.execute("SELECT final_url FROM pages WHERE url = ? UNION ALL "
                                "SELECT final_url FROM attachments WHERE url = ?", (url, url)).fetchone()
        return (self._latest(final[0]) if final and final[0] else None) or self._latest(url)

    def all(self) -> list[Capture]:
        if not self.available:
            return []
        return [Capture.from_row(row) for row in self.db.execute(f"SELECT {_COLUMNS} FROM captures ORDER BY rowid")]

    def archives_referred(self, run_dir: Path) -> set[Path]:
        """Other runs' archives this run's carried pages refer to."""
        if not self.available:
            return set()
        return {(Path(run_dir) / warc).resolve()
                for (warc,) in self.db.execute("SELECT DISTINCT warc FROM captures WHERE warc != ''")}


def attach_captures(entries: list[dict], snapshot: Path) -> None:
    """Each evidence URL of the findings (and warnings) gets the digest, record id and capture time
    of the response it rests on."""
    with closing(Captures(snapshot)) as captures:
        if not captures.available:
            return
        found: dict[str, Capture | None] = {}
        for entry in entries:
            for evidence in entry["evidence"]:
                url = evidence.get("url") or ""
                if not url.startswith(("http://", "https://")):
                    continue
                if url not in found:
                    found[url] = captures.find(url)
                capture = found[url]
                if capture is not None:
                    evidence.update(sha256=capture.sha256, warc_record_id=capture.record_id,
                                    captured_at=capture.captured_at, rendered=capture.rendered)


def read_payload(run_dir: Path, capture: Capture, decoded: bool = False) -> tuple[bytes, dict[str, str]]:
    """(the payload exactly as served, or with its content-encoding undone for display; its HTTP
    headers) of one record; OSError when the archive is gone."""
    with capture.archive(run_dir).open("rb") as stream:
        stream.seek(capture.offset)
        for record in ArchiveIterator(stream):
            if record.rec_headers.get_header("WARC-Record-ID") != capture.record_id:
                break
            headers = {name.lower(): value for name, value in record.http_headers.headers} if record.http_headers else {}
            return (record.content_stream() if decoded else record.raw_stream).read(), headers
    raise LookupError(f"{capture.archive(run_dir)}: record {capture.record_id} not at offset {capture.offset}")


def _charset(headers: dict[str, str], body: bytes) -> str:
    declared = re.search(r"charset=([A-Za-z0-9_-]+)", headers.get("content-type", ""))
    meta = None if declared else _META_CHARSET.search(body[:4096])
    found = declared.group(1) if declared else meta.group(1).decode("ascii") if meta else "utf-8"
    return "gb18030" if found.lower() in ("gb2312", "gbk") else found


def replay_page(capture: Capture, body: bytes, headers: dict[str, str]) -> str:
    """The archived page (its body decoded: read_payload(decoded=True)) for a browser: marked as archived, its scripts, requests and redirects disabled."""
    body = _REFRESH.sub(b"", body)
    try:
        text = body.decode(_charset(headers, body), errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    kind = "Chromium渲染后的页面" if capture.rendered else f"服务器原始响应（HTTP {capture.status}）"
    banner = (f'<div style="all:initial;display:block;background:#fff3cd;border-bottom:2px solid #b26a00;'
              f'padding:8px 12px;font:14px sans-serif;color:#202124">存档页面 — 采集于 '
              f'{html.escape(local_time(capture.captured_at))}（北京时间）｜{kind}｜SHA-256 {capture.sha256}｜'
              f'WARC记录 {html.escape(capture.record_id)}｜{html.escape(capture.url)}｜脚本已禁用</div>')
    return (f'<!DOCTYPE html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{CSP}">'
            + banner + text)


def find_capture(run_dir: Path, url: str) -> Capture:
    """The capture of an archived URL; LookupError (one line, for the clerk) when there is none."""
    snapshot = Path(run_dir) / "snapshot.sqlite"
    if not snapshot.exists():
        raise LookupError(f"{run_dir}: 不是govscan运行目录（没有snapshot.sqlite）")
    with closing(Captures(snapshot)) as captures:
        capture, seen = captures.find(url), set()
        while capture is not None and 300 <= capture.status < 400 and capture.url not in seen and len(seen) < 10:
            seen.add(capture.url)  # a redirect the snapshot kept no page for: follow it inside the archive
            _archived(run_dir, capture)
            location = read_payload(run_dir, capture)[1].get("location")
            capture = (captures.find(urljoin(capture.url, location)) if location else None) or capture
    if capture is None:
        raise LookupError(f"{url}: 本次运行没有该地址的存档")
    _archived(run_dir, capture)
    return capture


def archived(run_dir: Path, url: str, raw: bool = False) -> tuple[Capture, bytes]:
    """What `govscan replay` and the workbench show of an archived URL: its capture and either the body
    byte for byte as served (`raw`) or the marked page for a browser (UTF-8). LookupError or OSError
    (one line, for the clerk) when it was not archived or the archive is gone."""
    capture = find_capture(run_dir, url)
    body, headers = read_payload(run_dir, capture, decoded=not raw)
    return capture, body if raw else replay_page(capture, body, headers).encode("utf-8")


def _archived(run_dir: Path, capture: Capture) -> None:
    if not capture.archive(run_dir).exists():
        raise LookupError(f"{capture.archive(run_dir)}: 存档文件已清理（govscan prune）或不存在")


def has_veto(run_dir: Path) -> bool | None:
    """Whether the run's result names a 单项否决; None when it has no readable result."""
    try:
        result = json.loads((run_dir / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return bool(result.get("score", {}).get("vetoes"))


def prune(runs_root: Path, older_than_days: int, now: datetime | None = None) -> tuple[list[Path], list[Path]]:
    """Delete the archives of runs older than the given age (by the archive's time), keeping those of
    runs with a veto, those whose result cannot be read (nothing is deleted on a guess) and those a
    kept run still refers to. Returns (run directories whose archive was deleted, those kept for a veto)."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=older_than_days)
    archives = sorted(Path(runs_root).glob(f"**/{ARCHIVE}"))
    old, kept_for_veto, keep = [], [], []
    for warc in archives:
        run_dir = warc.parent
        if datetime.fromtimestamp(warc.stat().st_mtime, timezone.utc) >= cutoff:
            keep.append(run_dir)
        elif has_veto(run_dir) is not False:
            kept_for_veto.append(run_dir)
            keep.append(run_dir)
        else:
            old.append(warc)
    referred: set[Path] = set()
    for run_dir in keep:
        snapshot = run_dir / "snapshot.sqlite"
        if snapshot.exists():
            with closing(Captures(snapshot)) as captures:
                referred |= captures.archives_referred(run_dir)
    deleted = []
    for warc in old:
        if warc.resolve() not in referred:
            warc.unlink()
            deleted.append(warc.parent)
    return deleted, kept_for_veto

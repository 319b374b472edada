"""Every response the crawl receives, kept as served: one WARC file per run (warcio), for disputes.

`WarcMiddleware` sits next to the download handler (priority 960, beside the distributed nights'
host slots at 950), so it sees each response before Scrapy decompresses or follows it: every
redirect hop, robots.txt, platform API answers, attachments within DOWNLOAD_MAXSIZE (a larger one
is aborted, so never received). Each exchange becomes a
`response` record (the payload as served: content-encoding kept, transfer-encoding undone) and its
`request` record. A DOM that Chromium rendered is not what the server sent: it is a `conversion`
record marked `WARC-Govscan-Rendered`. Payload digests are SHA-256 (WARC form `sha256:BASE32`; the
snapshot and result.json carry the hex form). Records are gzip members of their own, written as
they arrive from the body Scrapy already holds (no copy), so the memory per page stays flat.

The snapshot's `captures` table refers to each record (id, digest, time, offset). A page carried
over unchanged by a 304 (incremental re-crawl) has no body this time: the run's WARC gets a
`revisit` record (profile server-not-modified) naming the previous record, and the capture row
refers to that record in the previous run's archive (`warc`, relative to this run's directory),
so the evidence stays traceable; `govscan prune` keeps an archive while a kept run refers to it.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import zlib
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import GzippingWrapper, WARCWriter

from crawler.snapshot import SnapshotWriter

log = logging.getLogger(__name__)
RENDERED_HEADER = "WARC-Govscan-Rendered"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# The body Scrapy hands over is already de-chunked: the header would describe bytes not stored.
_TRANSFER_HEADERS = {b"transfer-encoding"}


def payload_digest(body: bytes) -> tuple[str, str]:
    """(hex SHA-256, for people and the snapshot; the WARC header form "sha256:BASE32")."""
    digest = hashlib.sha256(body).digest()
    return digest.hex(), "sha256:" + base64.b32encode(digest).decode("ascii")


class _FastGzip(GzippingWrapper):
    """One gzip member per record at level 1: warcio's level 9 costs the crawl's reactor thread
    several times the CPU for a few per cent of disk."""

    def __init__(self, out):
        super().__init__(out)
        self.compressor = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS + 16)


class _Writer(WARCWriter):
    def __init__(self, out):
        super().__init__(out, gzip=False, warc_version="1.1")

    def _write_warc_record(self, out, record):
        member = _FastGzip(out)
        super()._write_warc_record(member, record)  # ends with member.flush(): the member is complete


def _http_headers(headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items()
            if name.lower() not in _TRANSFER_HEADERS for value in values]


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class WarcMiddleware:
    """Downloader middleware writing the run's WARC (`GOVSCAN_WARC`) and the snapshot's captures."""

    def __init__(self, crawler, path: str, snapshot: str):
        self.crawler = crawler
        self.path = Path(path)
        self.stream = self.path.open("ab")
        self.writer = _Writer(self.stream)
        self.captures = SnapshotWriter(snapshot)  # its own batched connection to the snapshot
        if self.stream.tell() == 0:
            self.writer.write_record(self.writer.create_warcinfo_record(self.path.name, {
                "software": "govscan crawler (Scrapy, warcio)", "format": "WARC File Format 1.1",
                "isPartOf": crawler.settings.get("GOVSCAN_SITE", "")}))

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("GOVSCAN_WARC")
        if not path:
            raise NotConfigured("no WARC requested for this crawl")
        middleware = cls(crawler, path, crawler.settings["GOVSCAN_SNAPSHOT"])
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def process_response(self, request, response, spider=None):
        try:
            previous = self._previous_capture(request.url) if response.status == 304 else None
            if previous is not None:
                self.revisit(request, response, previous)
            else:
                self.archive(request, response, rendered=bool(request.meta.get("playwright")))
        except OSError:  # a full disk costs the archive its record, not the assessment its page
            log.exception("%s: not archived", request.url)
        return response

    def _previous_capture(self, url: str) -> dict | None:
        previous = getattr(self.crawler.spider, "previous", None)
        return previous.capture(url, self.path.parent) if previous is not None else None

    def _request_record(self, request, concurrent_to: str):
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        body = request.body or b""
        record = self.writer.create_warc_record(
            request.url, "request", payload=BytesIO(body), length=len(body),
            http_headers=StatusAndHeaders(f"{request.method} {target} HTTP/1.1",
                                          [("Host", parts.netloc)] + _http_headers(request.headers),
                                          is_http_request=True))
        record.rec_headers.add_header("WARC-Concurrent-To", concurrent_to)
        return record

    def _write(self, record) -> tuple[int, int]:
        offset = self.stream.tell()
        self.writer.write_record(record)
        return offset, self.stream.tell() - offset

    def archive(self, request, response, rendered: bool) -> None:
        body = response.body
        sha256, warc_digest = payload_digest(body)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        extra = {"WARC-Payload-Digest": warc_digest}
        if rendered:
            extra[RENDERED_HEADER] = "chromium-dom"  # the page after its scripts ran, not the server's bytes
            record = self.writer.create_warc_record(
                request.url, "conversion", payload=BytesIO(body), length=len(body),
                warc_content_type=content_type or "text/html", warc_headers_dict=extra)
        else:
            headers = [(n, v) for n, v in _http_headers(response.headers) if n.lower() != "content-length"]
            record = self.writer.create_warc_record(
                request.url, "response", payload=BytesIO(body), length=len(body), warc_headers_dict=extra,
                http_headers=StatusAndHeaders(_status_line(response.status),
                                              headers + [("Content-Length", str(len(body)))], protocol="HTTP/1.1"))
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        offset, length = self._write(record)
        self._write(self._request_record(request, record_id))
        self.captures.capture({
            "url": request.url, "record_id": record_id, "sha256": sha256,
            "captured_at": record.rec_headers.get_header("WARC-Date"), "status": response.status,
            "rendered": int(rendered), "content_type": content_type, "size": len(body),
            "warc": "", "offset": offset, "length": length, "kind": record.rec_type})

    def revisit(self, request, response, previous: dict) -> None:
        """A 304: the body is the previous run's record; say so here and point the capture at it."""
        record = self.writer.create_revisit_record(
            request.url, digest="sha256:" + base64.b32encode(bytes.fromhex(previous["sha256"])).decode("ascii"),
            refers_to_uri=request.url, refers_to_date=previous["captured_at"],
            http_headers=StatusAndHeaders(_status_line(response.status), _http_headers(response.headers),
                                          protocol="HTTP/1.1"))
        record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
        record.rec_headers.add_header("WARC-Refers-To", previous["record_id"])
        self._write(record)
        self._write(self._request_record(request, record.rec_headers.get_header("WARC-Record-ID")))
        self.captures.capture({**previous, "kind": "revisit"})

    def close(self, spider=None) -> None:
        self.stream.close()
        self.captures.close()

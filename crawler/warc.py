"""Every response the crawl receives, kept as served: one WARC file per run (warcio), for disputes.

`WarcMiddleware` sits next to the download handler (priority 960, beside the distributed nights'
host slots at 950), so it sees each response before Scrapy decompresses or follows it: every
redirect hop, robots.txt, platform API answers, attachments within DOWNLOAD_MAXSIZE (a larger one
is aborted, so never received). It only hands each exchange over a pipe to a writer process of its
own (`python -m crawler.warc`): building and compressing records costs the crawl's reactor thread
nothing but the copy, and the pipe's bounded buffer keeps memory flat (a writer that falls behind
slows the crawl down rather than piling bodies up). The writer dies with the crawl (end of input).

Each exchange becomes a `response` record (the payload as served: content-encoding kept,
transfer-encoding undone) and its `request` record; a DOM that Chromium rendered is not what the
server sent: it is a `conversion` record marked `WARC-Govscan-Rendered`. Payload digests are
SHA-256 (WARC form `sha256:BASE32`; the snapshot and result.json carry the hex form); every record
is a gzip member of its own (level 1), and one `captures` row per record goes into the snapshot
(when the crawl ends, so the writer never holds the database lock the crawl's own writes need).

A page carried over unchanged by a 304 (incremental re-crawl) has no body this time: the WARC gets a
`revisit` record (profile server-not-modified) naming the previous record, and the capture row
refers to that record in the previous run's archive (`warc`, relative to this run's directory), so
the evidence stays traceable; `govscan prune` keeps an archive while a kept run refers to it.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import logging
import struct
import subprocess
import sys
import zlib
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import GzippingWrapper, WARCWriter

from crawler.snapshot import SnapshotWriter

log = logging.getLogger(__name__)
RENDERED_HEADER = "WARC-Govscan-Rendered"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# The body Scrapy hands over is already de-chunked: the header would describe bytes not stored.
_TRANSFER_HEADERS = {b"transfer-encoding"}
_FRAME = struct.Struct("!III")  # lengths of the exchange's JSON, the request body and the response body
PIPE_BUFFER = 1 << 20           # bytes the crawl may run ahead of the writer (Linux's default pipe-max-size)


def payload_digest(body: bytes) -> tuple[str, str]:
    """(hex SHA-256, for people and the snapshot; the WARC header form "sha256:BASE32")."""
    digest = hashlib.sha256(body).digest()
    return digest.hex(), warc_digest(digest)


def warc_digest(digest: bytes) -> str:
    return "sha256:" + base64.b32encode(digest).decode("ascii")


class _FastGzip(GzippingWrapper):
    """One gzip member per record at level 1: warcio's level 9 costs several times the CPU for a few
    per cent of disk."""

    def __init__(self, out):
        super().__init__(out)
        self.compressor = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS + 16)


class _Writer(WARCWriter):
    def __init__(self, out):
        super().__init__(out, gzip=False, warc_version="1.1")

    def _write_warc_record(self, out, record):
        member = _FastGzip(out)
        super()._write_warc_record(member, record)  # ends with member.flush(): the member is complete


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


# -- the crawl's side ----------------------------------------------------------------------------

def _http_headers(headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items()
            if name.lower() not in _TRANSFER_HEADERS for value in values]


class WarcMiddleware:
    """Downloader middleware handing every exchange to the run's WARC writer (`GOVSCAN_WARC`)."""

    def __init__(self, crawler, path: str, snapshot: str):
        self.crawler = crawler
        self.run_dir = Path(path).parent
        self.writer = subprocess.Popen([sys.executable, "-m", "crawler.warc", path, snapshot,
                                        crawler.settings.get("GOVSCAN_SITE", "")], stdin=subprocess.PIPE)
        # The slack lives in the pipe itself, not in a buffer of ours: a write blocks only when the
        # writer is a whole PIPE_BUFFER behind. (A large user-space buffer instead made every flush
        # wait while the writer worked through most of it: about 15 % of the crawl's time.)
        try:
            fcntl.fcntl(self.writer.stdin.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BUFFER)
        except (AttributeError, OSError):  # not Linux, or a lower pipe-max-size: the default 64 KiB pipe
            pass

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        path = crawler.settings.get("GOVSCAN_WARC")
        if not path:
            raise NotConfigured("no WARC requested for this crawl")
        middleware = cls(crawler, path, crawler.settings["GOVSCAN_SNAPSHOT"])
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def process_response(self, request, response, spider=None):
        if self.writer.stdin is None or self.writer.stdin.closed:
            return response
        exchange = {"url": request.url, "method": request.method, "request_headers": _http_headers(request.headers),
                    "status": response.status, "headers": _http_headers(response.headers),
                    "rendered": bool(request.meta.get("playwright")),
                    "at": datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")}
        if response.status == 304:
            exchange["previous"] = self._previous_capture(request.url)
        header = json.dumps(exchange, ensure_ascii=False).encode("utf-8")
        body, sent = response.body, request.body or b""
        try:
            self.writer.stdin.write(_FRAME.pack(len(header), len(sent), len(body)) + header + sent + body)
        except OSError:  # the writer is gone (a full disk): the archive loses its records, not the crawl its pages
            log.exception("WARC writer gone: %s and later responses not archived", request.url)
            self.writer.stdin.close()
        return response

    def _previous_capture(self, url: str) -> dict | None:
        previous = getattr(self.crawler.spider, "previous", None)
        return previous.capture(url, self.run_dir) if previous is not None else None

    def close(self, spider=None) -> None:
        try:
            self.writer.stdin.close()  # end of input: the writer finishes its records and exits
        except OSError:
            pass
        if self.writer.wait() != 0:
            log.error("WARC writer ended with status %s", self.writer.returncode)


# -- the writer's side ---------------------------------------------------------------------------

class WarcArchive:
    """The run's archive.warc.gz and its captures rows, written from exchanges."""

    def __init__(self, path: Path, snapshot: str, site: str):
        self.stream = Path(path).open("ab")
        self.writer = _Writer(self.stream)
        self.snapshot = snapshot
        # Captures wait in a file beside the archive until the crawl ends: writing them into the
        # snapshot meanwhile would make the crawl's own snapshot writes wait for the database lock.
        self.pending = Path(str(path) + ".captures")
        self.captures = self.pending.open("w", encoding="utf-8")
        if self.stream.tell() == 0:
            self.writer.write_record(self.writer.create_warcinfo_record(Path(path).name, {
                "software": "govscan crawler (Scrapy, warcio)", "format": "WARC File Format 1.1", "isPartOf": site}))

    def close(self) -> None:
        self.stream.close()
        self.captures.close()
        writer = SnapshotWriter(self.snapshot)
        with self.pending.open(encoding="utf-8") as lines:
            for line in lines:
                writer.capture(json.loads(line))
        writer.close()
        self.pending.unlink()

    def _capture(self, row: dict) -> None:
        self.captures.write(json.dumps(row, ensure_ascii=False) + "\n")

    def add(self, exchange: dict, sent: bytes, body: bytes) -> None:
        if exchange.get("previous"):
            self.revisit(exchange, sent, exchange["previous"])
        else:
            self.archive(exchange, sent, body)

    def _write(self, record) -> tuple[int, int]:
        offset = self.stream.tell()
        self.writer.write_record(record)
        return offset, self.stream.tell() - offset

    def _request_record(self, exchange: dict, sent: bytes, concurrent_to: str):
        parts = urlsplit(exchange["url"])
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return self.writer.create_warc_record(
            exchange["url"], "request", payload=BytesIO(sent), length=len(sent),
            warc_headers_dict={"WARC-Date": exchange["at"], "WARC-Concurrent-To": concurrent_to},
            http_headers=StatusAndHeaders(f"{exchange['method']} {target} HTTP/1.1",
                                          [("Host", parts.netloc)] + exchange["request_headers"], is_http_request=True))

    def archive(self, exchange: dict, sent: bytes, body: bytes) -> None:
        sha256, warc_digest = payload_digest(body)
        headers = [(name, value) for name, value in exchange["headers"] if name.lower() != "content-length"]
        content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
        extra = {"WARC-Date": exchange["at"], "WARC-Payload-Digest": warc_digest}
        if exchange["rendered"]:
            extra[RENDERED_HEADER] = "chromium-dom"  # the page after its scripts ran, not the server's bytes
            record = self.writer.create_warc_record(exchange["url"], "conversion", payload=BytesIO(body), length=len(body),
                                                    warc_content_type=content_type or "text/html", warc_headers_dict=extra)
        else:
            record = self.writer.create_warc_record(
                exchange["url"], "response", payload=BytesIO(body), length=len(body), warc_headers_dict=extra,
                http_headers=StatusAndHeaders(_status_line(exchange["status"]),
                                              headers + [("Content-Length", str(len(body)))], protocol="HTTP/1.1"))
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        offset, length = self._write(record)
        self._write(self._request_record(exchange, sent, record_id))
        self._capture({
            "url": exchange["url"], "record_id": record_id, "sha256": sha256, "captured_at": exchange["at"],
            "status": exchange["status"], "rendered": int(exchange["rendered"]), "content_type": content_type,
            "size": len(body), "warc": "", "offset": offset, "length": length, "kind": record.rec_type})

    def revisit(self, exchange: dict, sent: bytes, previous: dict) -> None:
        """A 304: the body is the previous run's record; say so here and point the capture at it."""
        record = self.writer.create_revisit_record(
            exchange["url"], digest=warc_digest(bytes.fromhex(previous["sha256"])),
            refers_to_uri=exchange["url"], refers_to_date=previous["captured_at"],
            http_headers=StatusAndHeaders(_status_line(exchange["status"]), exchange["headers"], protocol="HTTP/1.1"))
        record.rec_headers.replace_header("WARC-Date", exchange["at"])
        record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
        record.rec_headers.add_header("WARC-Refers-To", previous["record_id"])
        self._write(record)
        self._write(self._request_record(exchange, sent, record.rec_headers.get_header("WARC-Record-ID")))
        self._capture({**previous, "kind": "revisit"})


def _read_exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("the crawl ended mid-exchange")
    return data


def main() -> None:
    """`python -m crawler.warc WARC SNAPSHOT SITE`: exchanges from standard input until it ends."""
    path, snapshot, site = sys.argv[1:4]
    archive = WarcArchive(Path(path), snapshot, site)
    source = sys.stdin.buffer
    try:
        while frame := source.read(_FRAME.size):
            sizes = _FRAME.unpack(frame)
            exchange = json.loads(_read_exactly(source, sizes[0]))
            archive.add(exchange, _read_exactly(source, sizes[1]), _read_exactly(source, sizes[2]))
    except EOFError:  # a crawl killed mid-write: keep every complete record
        pass
    finally:
        archive.close()


if __name__ == "__main__":
    main()

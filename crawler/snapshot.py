"""The snapshot file: one SQLite database per run. This module owns its schema and writes it.

The audit stage reads it through checks/snapshot.py; the schema below is the contract between the two.
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from contextlib import closing
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

SCHEMA_VERSION = "1"
ARCHIVE = "archive.warc.gz"  # the run's WARC (crawler/warc.py), beside the snapshot

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,          -- the URL as requested (before redirects)
    final_url TEXT,
    status INTEGER,
    headers TEXT,                  -- JSON {name: value}
    content_type TEXT,
    charset TEXT,
    fetched_at TEXT,
    elapsed_ms INTEGER,
    depth INTEGER,
    referrer TEXT,
    title TEXT,
    text TEXT,                     -- visible text, whitespace folded
    html BLOB,                     -- zlib-compressed decoded HTML (UTF-8)
    size INTEGER,                  -- body bytes as served
    rendered INTEGER DEFAULT 0,    -- 1 when the HTML is Chromium's DOM after scripts ran
    render_reason TEXT,            -- why it was rendered (crawler/render_policy.py); NULL when not
    metadata TEXT,                 -- JSON: <meta> tags and the document metadata block (发布日期, 文号 …)
    body_hash TEXT,                -- blake2b of the body as served: unchanged next time → carried over
    carried INTEGER DEFAULT 0      -- 1 when unchanged since the previous snapshot and copied from it
);
CREATE TABLE IF NOT EXISTS links (
    source TEXT, target TEXT, anchor TEXT, tag TEXT,
    internal INTEGER,
    context TEXT,                  -- text beside the link in its list row (dates, categories)
    PRIMARY KEY (source, target, anchor, tag)
);
CREATE TABLE IF NOT EXISTS attachments (
    url TEXT PRIMARY KEY, final_url TEXT, status INTEGER, content_type TEXT, type TEXT,
    size INTEGER, text TEXT, referrer TEXT, fetched_at TEXT, note TEXT
);
CREATE TABLE IF NOT EXISTS probes (
    kind TEXT, target TEXT, family TEXT, ok INTEGER, elapsed_ms INTEGER, detail TEXT, at TEXT
);
CREATE TABLE IF NOT EXISTS errors (
    url TEXT, kind TEXT, message TEXT, referrer TEXT, at TEXT
);
CREATE TABLE IF NOT EXISTS captures (  -- the run's WARC records of responses (crawler/warc.py), one per response
    url TEXT,                      -- the URL requested (each redirect hop has its own)
    record_id TEXT,                -- WARC-Record-ID of the response (or conversion) record
    sha256 TEXT,                   -- hex SHA-256 of the payload as served (Chromium's DOM when rendered)
    captured_at TEXT,              -- WARC-Date (UTC)
    status INTEGER, rendered INTEGER, content_type TEXT, size INTEGER,
    warc TEXT,                     -- '' = this run's archive.warc.gz; else another run's, relative to this run
    "offset" INTEGER, length INTEGER,  -- the record's gzip member in that file
    kind TEXT                      -- response, conversion (rendered), revisit (a 304 pointing at the record above)
);
CREATE INDEX IF NOT EXISTS captures_url ON captures (url);
CREATE TABLE IF NOT EXISTS columns (   -- per list (directory): how much of it the crawl's budget covered
    key TEXT PRIMARY KEY,          -- the list's directory path, e.g. /xwzx/gzdt/
    url TEXT,                      -- the first page of it the crawl found
    named INTEGER,                 -- 1 when a link naming a column the checks look for led there
    items_seen INTEGER,            -- item links (and further list pages) found in it
    items_fetched INTEGER          -- of those, fetched
);
"""


def connect(path: str | Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path))
    conn.executescript(SCHEMA)
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    return conn


class SnapshotWriter:
    """Writes observations in batches (one executemany per run of like rows, one commit per batch), so
    an interrupted crawl keeps all but its last batch and SQLite is not the crawl's bottleneck."""

    BATCH = 200  # rows held before they are written

    def __init__(self, path: str | Path):
        self.conn = connect(path)
        # no fsync per batch: a killed crawler still leaves every committed batch (the OS holds them);
        # only a power cut mid-crawl could cost the file, and such a crawl is repeated anyway
        self.conn.commit()
        self.conn.execute("PRAGMA synchronous = OFF")
        self._rows: list[tuple[str, dict]] = []   # (statement, row) in arrival order

    def set_meta(self, **values) -> None:
        for key, value in values.items():
            self._add("INSERT OR REPLACE INTO meta VALUES (:key, :value)",
                      {"key": key, "value": value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)})
        self.flush()

    def page(self, row: dict) -> None:
        row = dict(row)
        row["headers"] = json.dumps(row.get("headers") or {}, ensure_ascii=False)
        row["metadata"] = json.dumps(row.get("metadata") or {}, ensure_ascii=False)
        html = row.get("html")
        row["html"] = zlib.compress(html.encode("utf-8")) if html is not None else None
        self._add(_statement("INSERT OR REPLACE", "pages", row), row)

    def carried_page(self, row: dict) -> None:
        """A page row copied from the previous snapshot (HTML still compressed, JSON still text)."""
        self._add(_statement("INSERT OR REPLACE", "pages", row), row)

    def links(self, rows: list[dict]) -> None:
        for row in rows:
            self._add("INSERT OR IGNORE INTO links (source, target, anchor, tag, internal, context) "
                      "VALUES (:source, :target, :anchor, :tag, :internal, :context)", {"context": "", **row})

    def links_from(self, source: str) -> list[tuple[str, str]]:
        """(target, anchor) of the links recorded on a page so far."""
        self.flush()
        return self.conn.execute("SELECT target, anchor FROM links WHERE source = ?", (source,)).fetchall()

    def attachment(self, row: dict) -> None:
        self._add(_statement("INSERT OR REPLACE", "attachments", row), row)

    def probe(self, row: dict) -> None:
        self._add(_statement("INSERT", "probes", row), row)

    def error(self, row: dict) -> None:
        self._add(_statement("INSERT", "errors", row), row)

    def capture(self, row: dict) -> None:
        self._add(_statement("INSERT", "captures", row), row)

    def columns(self, rows: list[dict]) -> None:
        for row in rows:
            self._add(_statement("INSERT OR REPLACE", "columns", row), row)
        self.flush()

    def recompute_depths(self, start_url: str) -> None:
        """Each page's depth: links from the start page along the shortest recorded path, breadth-first
        over the link graph, so neither fetch order nor a render's re-fetch can distort it."""
        self.flush()
        conn = self.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS bfs (url TEXT PRIMARY KEY, depth INTEGER)")
        conn.execute("DELETE FROM bfs")
        conn.execute("INSERT INTO bfs SELECT url, 0 FROM pages WHERE url = ?", (start_url,))
        level = 0
        while True:
            added = conn.execute(
                "INSERT OR IGNORE INTO bfs SELECT DISTINCT l.target, ? FROM bfs b JOIN links l ON l.source = b.url "
                "WHERE b.depth = ? AND EXISTS (SELECT 1 FROM pages p WHERE p.url = l.target)", (level + 1, level)).rowcount
            if not added:
                break
            level += 1
        conn.execute("UPDATE pages SET depth = (SELECT depth FROM bfs WHERE bfs.url = pages.url) "
                     "WHERE url IN (SELECT url FROM bfs)")
        conn.execute("DROP TABLE bfs")
        conn.commit()

    def close(self) -> None:
        self.flush()
        self.conn.close()

    def _add(self, statement: str, row: dict) -> None:
        self._rows.append((statement, row))
        if len(self._rows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        rows, self._rows = self._rows, []
        start = 0
        for end in range(1, len(rows) + 1):
            if end == len(rows) or rows[end][0] != rows[start][0]:
                self.conn.executemany(rows[start][0], [row for _, row in rows[start:end]])
                start = end
        self.conn.commit()


def _statement(verb: str, table: str, row: dict) -> str:
    return f"{verb} INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + key for key in row)})"


def strong_date(last_modified: str, served: str | None) -> bool:
    """A Last-Modified is a safe validator only when it lies at least a second before the response's
    Date (RFC 9110 8.8.2.2): a page changed again within that second would otherwise look unchanged."""
    try:
        return parsedate_to_datetime(served) - parsedate_to_datetime(last_modified) >= timedelta(seconds=1)
    except (TypeError, ValueError, IndexError):
        return False


class PreviousSnapshot:
    """The site's previous complete snapshot, read to re-assess it incrementally: conditional request
    headers per page, and the rows of a page that has not changed since."""

    def __init__(self, path: str | Path, start_url: str):
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.run_dir = Path(path).parent
        self.has_captures = self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'captures'").fetchone() is not None
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(pages)")}
        if meta.get("complete") != "1" or meta.get("start_url") != start_url or "body_hash" not in columns:
            self.db.close()
            raise ValueError(f"{path}: not a complete snapshot of {start_url} with body hashes")

    def close(self) -> None:
        self.db.close()

    def conditional_headers(self, url: str) -> dict:
        """If-None-Match / If-Modified-Since from the validators the page was served with last time."""
        row = self.db.execute("SELECT headers FROM pages WHERE url = ? AND status = 200", (url,)).fetchone()
        if not row:
            return {}
        headers = {name.lower(): value for name, value in json.loads(row[0] or "{}").items()}
        if headers.get("etag"):
            return {"If-None-Match": headers["etag"]}
        if headers.get("last-modified") and strong_date(headers["last-modified"], headers.get("date")):
            return {"If-Modified-Since": headers["last-modified"]}
        return {}

    def body_hash(self, url: str) -> str | None:
        row = self.db.execute("SELECT body_hash FROM pages WHERE url = ? AND status = 200", (url,)).fetchone()
        return row[0] if row else None

    def capture(self, url: str, run_dir: Path) -> dict | None:
        """The previous run's record of the page's body (crawler/warc.py), its archive given relative to
        `run_dir`; None when that run kept no archive."""
        if not self.has_captures:
            return None
        cursor = self.db.execute("SELECT * FROM captures WHERE url = ? AND status BETWEEN 200 AND 299 AND rendered = 0 "
                                 "ORDER BY rowid DESC LIMIT 1", (url,))
        row = cursor.fetchone()
        if row is None:
            return None
        found = dict(zip((column[0] for column in cursor.description), row))
        archive = self.run_dir / (found["warc"] or ARCHIVE)
        found["warc"] = os.path.relpath(archive, run_dir)
        return found

    def page(self, url: str) -> dict | None:
        cursor = self.db.execute("SELECT * FROM pages WHERE url = ? AND status = 200", (url,))
        row = cursor.fetchone()
        return dict(zip((column[0] for column in cursor.description), row)) if row else None

    def links_from(self, url: str) -> list[dict]:
        cursor = self.db.execute("SELECT source, target, anchor, tag, internal, context FROM links WHERE source = ? "
                                 "ORDER BY rowid", (url,))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor]


class CrawlReader:
    """What the after-crawl probes read of the crawl they follow: pages that loaded and their links
    in page order. (The audit stage has its own reader, checks/snapshot.py.)"""

    def __init__(self, path: str | Path):
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def close(self) -> None:
        self.db.close()

    def loaded(self, url: str) -> tuple[str, dict] | None:
        """(the page's URL as requested, its metadata) when the URL was fetched with a status below 400."""
        row = self.db.execute("SELECT url, metadata FROM pages WHERE (url = ? OR final_url = ?) AND status < 400 "
                              "LIMIT 1", (url, url)).fetchone()
        return (row[0], json.loads(row[1] or "{}")) if row else None

    def links_from(self, url: str) -> list[tuple[str, str, str, bool, str]]:
        """(target, anchor, tag, internal, context) of the links on a page, in page order."""
        return [(target, anchor or "", tag, bool(internal), context or "") for target, anchor, tag, internal, context in
                self.db.execute("SELECT target, anchor, tag, internal, context FROM links WHERE source = ? "
                                "ORDER BY rowid", (url,))]


def pages_so_far(snapshot: Path) -> int:
    """Pages the crawler has written so far (for the progress bar); 0 while it cannot be read."""
    try:
        with closing(sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True, timeout=0.2)) as db:  # closed each time
            return db.execute("SELECT count(*) FROM pages").fetchone()[0]
    except sqlite3.Error:
        return 0

"""Probe rows of the snapshot with their JSON detail decoded: the crawler's DNS, HTTPS, IPv6,
search, availability and outbound-link measurements."""

from __future__ import annotations

import json

from checks.snapshot import Snapshot


def probe_details(snap: Snapshot, kind: str) -> list[dict]:
    """Each probe of this kind as one dict: its detail plus url, ok and elapsed_ms."""
    return [{**json.loads(row["detail"] or "{}"), "url": row["target"], "ok": bool(row["ok"]),
             "elapsed_ms": row["elapsed_ms"]} for row in snap.probes(kind)]

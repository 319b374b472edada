"""Bundled sample portal for govscan: a realistic Chinese district government site
(modelled on 汕头市金平区人民政府) with planted defects listed in defects.yaml.

    with demo.running() as d:       # builds, serves HTTP on 127.0.0.1 and ::1, serves DNS
        print(d.url, d.nameserver)
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .dns import ZONE, DemoDNS, zone_records
from .portal import RunningDemo, running
from .server import DemoServer
from .site import HOST, SITE_NAME, build_site

DEFECTS_FILE = Path(__file__).resolve().parent / "defects.yaml"


def defects() -> dict:
    """The ground truth of planted defects (parsed demo/defects.yaml)."""
    return yaml.safe_load(DEFECTS_FILE.read_text(encoding="utf-8"))


__all__ = [
    "DEFECTS_FILE", "HOST", "SITE_NAME", "ZONE", "DemoDNS", "DemoServer", "RunningDemo",
    "build_site", "defects", "running", "zone_records",
]

"""Render result.json into the zh-CN scorecard (self-contained HTML) and the 整改清单 (CSV, XLSX).

Crawled text is untrusted: Jinja2 autoescapes everything, and only http(s) URLs become links.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import os
from datetime import datetime
from urllib.parse import quote
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from checks.model import BEIJING
from reports.result import write_atomic
from reports.review import counted_status
from reports.statuses import COLOURS, LABELS, NEEDS_ACTION, NOT_CHECKED

TEMPLATES = Path(__file__).with_name("templates")


def safe_url(url: str) -> str | None:
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def local_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return iso or ""


def days_left(days: int) -> str:
    """How far a warning's due date is, as the office reads it."""
    return "今天到期" if days == 0 else f"还有{days}天" if days > 0 else f"已过{-days}天"


def inline_image(relative: str, base_dir: Path | None) -> str | None:
    """A screenshot as a data: URI, so the scorecard stays one self-contained file."""
    if not relative or base_dir is None:
        return None
    path = (base_dir / relative).resolve()
    if base_dir.resolve() not in path.parents or not path.is_file():
        return None
    return "data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def finding_url(result: dict, check: str) -> str | None:
    """The finding's page in the workbench (`govscan serve`), when GOVSCAN_BASE_URL says where it runs."""
    base = os.environ.get("GOVSCAN_BASE_URL", "").strip().rstrip("/")
    if not safe_url(base + "/"):
        return None
    return (f"{base}/sites/{quote(result['site']['id'], safe='')}/findings/{quote(check, safe='')}"
            f"?run={quote(result['run']['id'], safe='')}")


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["local_time"] = local_time
    env.globals["STATUS_LABELS"] = LABELS
    env.globals["STATUS_COLOURS"] = COLOURS
    env.globals["finding_url"] = finding_url
    env.filters["days_left"] = days_left
    return env


TREND_WIDTH = 300  # drawing width inside the 360-unit viewBox; labels take the rest


def trend_scale(values: list[float]) -> tuple[float, float]:
    """A y range in whole tens around the values, so a few points of change are visible."""
    low, high = min(values), max(values)
    low, high = max(0.0, math.floor(low / 10) * 10), min(100.0, math.ceil(high / 10) * 10)
    return (low, high) if high > low else (max(0.0, low - 10), max(high, 10.0))


def polyline(xs: list[float], values: list[float | None], low: float, high: float, top: float, height: float) -> str:
    """SVG points of a line; runs without a value (module not assessed then) are left out."""
    return " ".join(f"{x:.1f},{top + height * (1 - (min(max(v, low), high) - low) / (high - low)):.1f}"
                    for x, v in zip(xs, values) if v is not None)


def trend_chart(result: dict) -> dict | None:
    """Geometry of the trend (x by time, y by score) for the template, or None before the second run."""
    points = (result.get("history") or {}).get("trend") or []
    totals = [p["total"] for p in points if p["total"] is not None]
    if len(points) < 2 or not totals:
        return None
    times = [datetime.fromisoformat(p["at"]).timestamp() for p in points]
    span = (times[-1] - times[0]) or 1.0
    xs = [TREND_WIDTH * (t - times[0]) / span for t in times]
    low, high = trend_scale(totals)
    step = 10 if high - low <= 40 else 20
    modules = []
    for module in result["score"]["modules"]:
        values = [p["modules"].get(module["id"]) for p in points]
        if any(v is not None for v in values) and module["points"]:
            modules.append({"module": module, "line": polyline(xs, values, 0, module["points"], 0, 16)})
    return {
        "first": points[0]["date"], "last": points[-1]["date"], "runs": len(points),
        "total": polyline(xs, [p["total"] for p in points], low, high, 0, 120),
        "grid": [(value, 120 * (1 - (value - low) / (high - low))) for value in range(int(low), int(high) + 1, step)],
        "modules": modules,
    }


def scorecard_html(result: dict, base_dir: Path | None = None) -> str:
    findings = {finding["check"]: finding for finding in result["findings"]}
    grouped = []
    placed = set()
    for module in result["score"]["modules"]:
        items = [findings[c] for c in module.get("checks", []) if c in findings]
        placed.update(f["check"] for f in items)
        grouped.append((module, items))
    unscored = [f for f in result["findings"] if f["check"] not in placed]
    counts = {status: sum(1 for f in result["findings"] if f["status"] == status) for status in LABELS}
    return environment().get_template("scorecard.html.j2").render(
        r=result, image=lambda relative: inline_image(relative, base_dir), grouped=grouped, unscored=unscored, counts=counts,
        # failures first: they are what an inspector counts
        actions=sorted((f for f in result["findings"] if counted_status(f) in NEEDS_ACTION),
                       key=lambda f: counted_status(f) != "fail"),
        excepted=[f for f in result["findings"] if (f.get("review") or {}).get("effect") == "excepted"],
        lapsed=[f for f in result["findings"] if (f.get("review") or {}).get("expired")],
        not_checked=[f for f in result["findings"] if f["status"] in NOT_CHECKED],
        history=result.get("history"), trend=trend_chart(result),
    )


def cell(text: str) -> str:
    """Spreadsheet cells from crawled text must not start a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def rectification_rows(result: dict) -> list[dict]:
    rows = []
    for finding in result["findings"]:
        if counted_status(finding) not in NEEDS_ACTION:  # an explained exception is not to be fixed yet
            continue
        pages = [e["url"] for e in finding["evidence"] if e.get("url")] or [result["site"]["url"]]
        rows.append({
            "序号": len(rows) + 1,
            "检查项": finding["title"],
            "结论": LABELS[counted_status(finding)],
            "问题描述": cell(finding["message"]),
            "涉及页面": cell("\n".join(pages[:20])),
            "依据": finding["basis"],
            "整改建议": finding.get("remedy", ""),
        })
    for warning in result.get("warnings", []):  # 预警: not yet wrong, due on the day named
        pages = [e["url"] for e in warning["evidence"] if e.get("url")] or [result["site"]["url"]]
        rows.append({
            "序号": len(rows) + 1,
            "检查项": warning["title"],
            "结论": f"预警：{warning['due']}到期（{days_left(warning['days_left'])}）",
            "问题描述": cell(warning["message"]),
            "涉及页面": cell("\n".join(pages[:20])),
            "依据": warning["basis"],
            "整改建议": warning.get("remedy", ""),
        })
    return rows


def write_outputs(result: dict, out_dir: Path) -> dict[str, Path]:
    out_dir = Path(out_dir)
    paths = {"scorecard": out_dir / "scorecard.html", "csv": out_dir / "rectification.csv",
             "xlsx": out_dir / "rectification.xlsx"}
    write_atomic(paths["scorecard"], scorecard_html(result, out_dir))
    rows = [[row[column] for column in RECTIFICATION_COLUMNS] for row in rectification_rows(result)]
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([RECTIFICATION_COLUMNS, *rows])
    write_atomic(paths["csv"], "\ufeff" + text.getvalue())  # BOM: Excel opens UTF-8 CSV correctly
    write_xlsx(paths["xlsx"], "整改清单", RECTIFICATION_COLUMNS, rows)
    return paths


RECTIFICATION_COLUMNS = ["序号", "检查项", "结论", "问题描述", "涉及页面", "依据", "整改建议"]


def write_xlsx(path: Path, sheet: str, columns: list[str], rows: list[list]) -> None:
    """One plain sheet through openpyxl directly: pandas would cost every run its import time and
    tens of MB for one small table."""
    from openpyxl import Workbook

    book = Workbook()
    table = book.active
    table.title = sheet
    table.append(columns)
    for row in rows:
        table.append(row)
    book.save(path)

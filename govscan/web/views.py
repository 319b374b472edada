"""The workbench's pages, exports and the one thing that changes data: reviews of findings."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, request, send_file, url_for

from govscan.archive import CSP as ARCHIVE_CSP, archived

from govscan.history import OK, OUTCOME_LABELS
from govscan.index import LEVELS
from govscan.reviews import ReviewError
from govscan.web import SCORECARD_CSP, site_or_404, views, workbench
from govscan.web.data import Filters, local_date
from reports.render import cell, trend_chart
from reports.review import KIND_LABELS

blueprint = Blueprint("views", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_COLUMNS = ["站点", "标识", "级别", "上级", "得分", "等级", "单项否决", "较上次", "最近完整评估", "最近一次运行", "运行结果",
                 "待整改项"]


def require_user() -> None:
    if not g.user:
        abort(403)


@blueprint.route("/")
def sites():
    filters = Filters.from_args(request.args)
    entries = views().overview(filters)
    groups: dict[str, list] = {}
    for entry in entries:
        groups.setdefault(entry.level_label if not filters.sort else "全部站点", []).append(entry)
    return render_template("sites.html", groups=groups, filters=filters, levels=LEVELS, grades=views().grades(),
                           unassessable=[e for e in entries if e.unassessable], count=len(entries))


def table_frame(filters: Filters) -> pd.DataFrame:
    rows = []
    for e in views().overview(filters):
        rows.append({"站点": cell(e.name), "标识": e.id, "级别": e.level_label, "上级": cell(e.parent_name),
                     "得分": e.total, "等级": e.grade or "", "单项否决": "；".join(v.get("title", "") for v in e.vetoes),
                     "较上次": e.delta, "最近完整评估": e.latest_date, "最近一次运行": e.last_at, "运行结果": e.outcome_label,
                     "待整改项": len(e.open_checks)})
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


@blueprint.route("/sites.<kind>")
def sites_export(kind: str):
    frame = table_frame(Filters.from_args(request.args))
    stamp = date.today().isoformat()
    if kind == "csv":
        data = ("\ufeff" + frame.to_csv(index=False)).encode("utf-8")  # BOM: Excel reads it as UTF-8
        return send_file(io.BytesIO(data), mimetype="text/csv; charset=utf-8", as_attachment=True,
                         download_name=f"站点评估总览-{stamp}.csv")
    if kind == "xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name="站点评估总览")
        buffer.seek(0)
        return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=f"站点评估总览-{stamp}.xlsx")
    abort(404)


@blueprint.route("/sites/<site_id>")
def site(site_id: str):
    data = site_or_404(site_id)
    latest = data["latest"]
    chart = None
    if latest is not None and len(data["trend"]) > 1:
        chart = trend_chart({"history": {"trend": data["trend"]}, "score": latest["score"]})
    return render_template("site.html", s=data["summary"], data=data, latest=latest, chart=chart,
                           outcomes=OUTCOME_LABELS, ok=OK)


@blueprint.route("/sites/<site_id>/compare")
def compare(site_id: str):
    data = site_or_404(site_id)
    older, newer = pick_pair(site_id, data)
    diff = views().compare(older, newer) if older and newer else None
    return render_template("compare.html", s=data["summary"], data=data, diff=diff, older=older, newer=newer)


def pick_pair(site_id: str, data: dict):
    """The two complete runs asked for (?a=older&b=newer), by default the last two; in time order."""
    complete = data["complete"]  # newest first
    by_id = {run.id: run for run in complete}
    a = by_id.get(request.args.get("a", "")) or (complete[1] if len(complete) > 1 else None)
    b = by_id.get(request.args.get("b", "")) or (complete[0] if complete else None)
    if a is not None and b is not None and a.seq > b.seq:
        a, b = b, a
    return a, b


def run_or_latest(site_id: str):
    run_id = request.args.get("run")
    if run_id:
        run = views().run(run_id)
        if run is None or run.site_id != site_id or run.outcome != OK:
            abort(404)
        return run
    data = views().site(site_id)
    if data is None or data["latest_run"] is None:
        abort(404)
    return data["latest_run"]


def finding_or_404(site_id: str, check: str):
    """The run asked for (or the latest) and its finding of `check`; 404 when either is missing."""
    run = run_or_latest(site_id)
    detail = views().finding(run, check)
    if detail is None:
        abort(404)
    return run, detail


@blueprint.route("/sites/<site_id>/findings/<check>")
def finding(site_id: str, check: str):
    run, detail = finding_or_404(site_id, check)
    summary = views().site(site_id)["summary"]
    return render_template("finding.html", s=summary, run=run, d=detail, f=detail["finding"],
                           reviews=workbench().reviews(site_id, check, in_force=False),
                           audit=workbench().audit(site_id, check), kinds=KIND_LABELS, today=date.today().isoformat())


@blueprint.route("/sites/<site_id>/findings/<check>/reviews", methods=["POST"])
def add_review(site_id: str, check: str):
    require_user()
    run = run_or_latest(site_id)
    found = views().findings_of(run).get(check)
    if found is None:
        abort(404)
    until = None
    try:
        if request.form.get("until"):
            until = date.fromisoformat(request.form["until"])
        workbench().add_review(site_id, check, request.form.get("kind", ""), request.form.get("reason", ""), g.user,
                               run.id, found["status"], found["value"], until)
    except ValueError as exc:  # ReviewError, or a date the browser let through
        flash(str(exc) if isinstance(exc, ReviewError) else "日期格式不正确", "error")
        return redirect(url_for("views.finding", site_id=site_id, check=check, run=run.id), code=303)
    rescored(site_id)
    return redirect(url_for("views.finding", site_id=site_id, check=check, run=run.id), code=303)


@blueprint.route("/reviews/<int:review_id>/withdraw", methods=["POST"])
def withdraw_review(review_id: int):
    require_user()
    try:
        review = workbench().withdraw(review_id, g.user)
    except ReviewError as exc:
        flash(str(exc), "error")
        return redirect(request.referrer or url_for("views.sites"), code=303)
    rescored(review["site"])
    return redirect(url_for("views.finding", site_id=review["site"], check=review["check"]), code=303)


def rescored(site_id: str) -> None:
    before = views().site(site_id)["summary"].total
    result = workbench().rescore_latest(site_id)
    if result is None:
        flash("复核已记录；最近一次评估的文件不在本机，得分将在下次评估时按复核结论计算。", "info")
        return
    after = result["score"]["total"]
    text = lambda value: "—" if value is None else f"{value:.1f}"
    flash(f"复核已记录，最近一次评估已重新计分：{text(before)} → {text(after)} 分（{result['score']['grade']}）。", "info")


@blueprint.route("/runs/<run_id>/files/<path:name>")
def run_file(run_id: str, name: str):
    path = views().run_file(run_id, name)
    if path is None:
        abort(404)
    run = views().run(run_id)
    day = local_date(run.started_at)
    names = {"rectification.xlsx": f"整改清单-{run.site_id}-{day}.xlsx", "rectification.csv": f"整改清单-{run.site_id}-{day}.csv",
             "result.json": f"result-{run.site_id}-{run.id}.json"}
    response = send_file(path, as_attachment=name in names, download_name=names.get(name, path.name),
                         mimetype="text/plain; charset=utf-8" if name == "crawl.log" else None)
    if name == "scorecard.html":
        response.headers["Content-Security-Policy"] = SCORECARD_CSP
    return response


@blueprint.route("/runs/<run_id>/archive")
def archived_page(run_id: str):
    """An evidence page as the server sent it on the night, from the run's WARC: marked 存档页面, its
    scripts, forms and requests disabled; `?raw=1` gives the body byte for byte (its SHA-256 is the
    digest the scorecard shows)."""
    run = views().run(run_id)
    url = request.args.get("url", "")
    if run is None or not run.path or not url:
        abort(404)
    raw = request.args.get("raw") == "1"
    try:
        capture, shown = archived(Path(run.path), url, raw)
    except (LookupError, OSError) as exc:  # not archived, or pruned: say which
        return render_template("error.html", title="没有存档", message=str(exc)), 404
    if raw:
        return send_file(io.BytesIO(shown), mimetype="application/octet-stream", as_attachment=True,
                         download_name=f"{capture.sha256[:16]}.bin")
    response = make_response(shown)
    response.headers["Content-Security-Policy"] = ARCHIVE_CSP + "; sandbox"  # the site's markup, never its scripts
    return response


@blueprint.route("/audit")
def audit():
    return render_template("audit.html", entries=workbench().audit(limit=500), kinds=KIND_LABELS)

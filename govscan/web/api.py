"""The read-only JSON API (docs/workbench.md): the same data as the pages, for other programs."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from govscan.history import trend_point
from govscan.web import site_or_404, views, workbench
from govscan.web.data import Filters
from govscan.web.views import finding_or_404, pick_pair

blueprint = Blueprint("api", __name__, url_prefix="/api")


def run_dict(run) -> dict:
    return {"id": run.id, "site": run.site_id, "night": run.night, "outcome": run.outcome, "error": run.error,
            "started_at": trend_point(run)["at"], "profile": run.profile, "total": run.total, "grade": run.grade,
            "vetoes": run.vetoes or [], "modules": run.modules or [], "pages": run.pages}


@blueprint.route("/sites")
def sites():
    return jsonify(sites=[entry.as_dict() for entry in views().overview(Filters.from_args(request.args))])


@blueprint.route("/sites/<site_id>")
def site(site_id: str):
    data = site_or_404(site_id)
    return jsonify(site=data["summary"].as_dict(), runs=[run_dict(run) for run in data["runs"]], trend=data["trend"],
                   reviews=workbench().reviews(site_id, in_force=False))


@blueprint.route("/sites/<site_id>/compare")
def compare(site_id: str):
    data = site_or_404(site_id)
    older, newer = pick_pair(site_id, data)
    if older is None or newer is None:
        return jsonify(error="the site needs two complete runs to compare"), 409
    return jsonify(views().compare(older, newer))


@blueprint.route("/sites/<site_id>/findings/<check>")
def finding(site_id: str, check: str):
    _, detail = finding_or_404(site_id, check)
    return jsonify(**detail, reviews=workbench().reviews(site_id, check, in_force=False))


@blueprint.route("/runs/<run_id>")
def run(run_id: str):
    found = views().run(run_id)
    if found is None:
        abort(404)
    return jsonify(run=run_dict(found), result=views().result(found))


@blueprint.route("/audit")
def audit():
    return jsonify(audit=workbench().audit(request.args.get("site"), request.args.get("check")))

"""`govscan serve`: the assessor's workbench, a small Flask application over the history database.

Server-rendered Jinja2 pages (autoescaped, no scripts), a read-only JSON API under /api/, exports.
Changes (reviews) need a logged-in user and a CSRF token; without --public every page needs a login.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, g, jsonify, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect

from govscan.config import Site
from govscan.history import History
from govscan.reviews import Workbench
from govscan.web.data import Views, local_minute
from reports.render import local_time, safe_url
from reports.statuses import LABELS as STATUS_LABELS

# Pages are read without any script; styles and images come from this server (screenshots, data: SVG).
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
# A run's own scorecard is a self-contained file with inline styles and data: images, and no scripts.
SCORECARD_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
OPEN_ENDPOINTS = {"auth.login", "static"}

csrf = CSRFProtect()
limiter = Limiter(get_remote_address, storage_uri="memory://")


def secret_key(var: Path) -> str:
    """GOVSCAN_SECRET_KEY, else one generated once and kept beside the history (0600)."""
    if os.environ.get("GOVSCAN_SECRET_KEY"):
        return os.environ["GOVSCAN_SECRET_KEY"]
    path = Path(var) / "web-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(history: History, sites: dict[str, Site], var: Path, public: bool = False) -> Flask:
    from govscan.web import api, auth, views

    app = Flask(__name__)
    base_url = os.environ.get("GOVSCAN_BASE_URL", "")
    app.config.update(
        SECRET_KEY=secret_key(var),
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=base_url.startswith("https://"),  # behind HTTPS the cookie never travels in clear
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.extensions["govscan"] = {"views": Views(history, sites), "workbench": Workbench(history), "public": public}
    csrf.init_app(app)
    limiter.init_app(app)
    app.jinja_env.filters["safe_url"] = safe_url
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["when"] = local_minute
    app.jinja_env.globals["STATUS_LABELS"] = STATUS_LABELS
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(views.blueprint)
    app.register_blueprint(api.blueprint)

    @app.before_request
    def require_login():
        g.user = session.get("user")
        if g.user or public or request.endpoint in OPEN_ENDPOINTS:
            return None
        if request.path.startswith("/api/"):
            return jsonify(error="login required"), 401
        return redirect(url_for("auth.login", next=request.full_path))

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        return render_template("error.html", title="请求被拒绝", message="表单已过期或缺少安全令牌，请返回页面刷新后重试。"), 400

    @app.errorhandler(404)
    def not_found(error):
        if request.path.startswith("/api/"):
            return jsonify(error="not found"), 404
        return render_template("error.html", title="未找到", message="没有这个页面，或所指的站点、评估记录不存在。"), 404

    @app.errorhandler(429)
    def too_many(error):
        return render_template("error.html", title="尝试次数过多", message="登录失败次数过多，请稍后再试。"), 429

    return app


def views() -> Views:
    from flask import current_app

    return current_app.extensions["govscan"]["views"]


def site_or_404(site_id: str) -> dict:
    """A site's page data (summary, runs, trend …), or the request ends in 404."""
    from flask import abort, current_app

    # not views(): once the views module is imported, the package's name `views` is that module
    data = current_app.extensions["govscan"]["views"].site(site_id)
    if data is None:
        abort(404)
    return data


def workbench() -> Workbench:
    from flask import current_app

    return current_app.extensions["govscan"]["workbench"]

"""Login and logout. Users are created on the command line (`govscan users add NAME`)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from govscan.web import limiter, workbench

blueprint = Blueprint("auth", __name__)
# Failed attempts per client address (a successful login does not count); GOVSCAN_LOGIN_LIMIT overrides.
LOGIN_LIMIT = os.environ.get("GOVSCAN_LOGIN_LIMIT", "5 per minute;20 per hour")


def local_target(target: str | None) -> str:
    """Only a path on this server may follow a login (no open redirect)."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("views.sites")
    return target


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"], deduct_when=lambda response: response.status_code != 303)
def login():
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if workbench().verify(name, request.form.get("password", "")):
            session.clear()  # a fresh session: nothing carried over from before the login
            session["user"] = name
            session.permanent = True
            return redirect(local_target(request.form.get("next")), code=303)
        flash("用户名或密码不正确。", "error")
        return render_template("login.html", name=name, next=request.form.get("next", "")), 401
    return render_template("login.html", name="", next=request.args.get("next", ""))


@blueprint.route("/logout", methods=["POST"])
def logout():
    session.clear()
    flash("已退出登录。", "info")
    return redirect(url_for("auth.login"), code=303)

"""The `govscan` command (also `python -m govscan`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from govscan.config import ConfigError, adhoc_site, load_targets

LEVELS = ["national", "province", "city", "district", "department", "street"]


def fail_config(message: str) -> None:
    click.echo(f"govscan: {message}", err=True)
    sys.exit(2)


def check_out_dir(out: Path) -> None:
    """--out must be a directory govscan can write in: found out before anything is crawled or recorded."""
    import tempfile

    if out.exists() and not out.is_dir():
        fail_config(f"--out: {out} is a file, not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=out).close()
    except OSError as exc:
        fail_config(f"--out: cannot write in {out} ({exc.strerror or exc})")


EX_TEMPFAIL = 75  # try again later: the nightly lock is held, the history database is unavailable


class Govscan(click.Group):
    def invoke(self, ctx):
        """A history database locked longer than the wait (or down) ends any command with one line."""
        from govscan.history import HistoryUnavailable

        try:
            return super().invoke(ctx)
        except HistoryUnavailable as exc:
            click.echo(f"govscan: {exc}", err=True)
            sys.exit(EX_TEMPFAIL)


@click.group(cls=Govscan, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """govscan：政府网站政务公开第三方评估工具。"""


@main.command()
@click.argument("site_id", required=False, metavar="SITE")
@click.option("--url", help="Assess a site not listed in targets.yaml.")
@click.option("--name", help="Name of the ad-hoc site (with --url).")
@click.option("--level", type=click.Choice(LEVELS), default="district", show_default=True, help="With --url.")
@click.option("--targets", "targets_file", default="targets.yaml", show_default=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="Output directory (default var/runs/SITE/RUN-ID/).")
@click.option("--nameserver", help="Resolve every hostname of the run through this DNS server, IP[:PORT].")
@click.option("--max-pages", type=click.IntRange(min=1), help="Page budget of the crawl.")
@click.option("--no-render", is_flag=True, help="Never start a browser.")
@click.option("--profile", default="default", show_default=True, help="Scoring profile in reports/rulebook.yaml.")
@click.option("--var", "var_dir", default="var", type=click.Path(path_type=Path), envvar="GOVSCAN_VAR",
              show_default=True, help="Where runs are kept.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Assess as of this date (default: today).")
def assess(site_id, url, name, level, targets_file, out, nameserver, max_pages, no_render, profile, var_dir, today):
    """Crawl one portal, run every check, write result.json, scorecard.html and the 整改清单."""
    from crawler.resolver import parse_nameserver
    from govscan.pipeline import Options, assess as run_assessment, summary_line
    from govscan.runs import HistoryDeferred
    from reports.scoring import RulebookError

    if bool(site_id) == bool(url):
        fail_config("give either a SITE id from targets.yaml or --url URL")
    if nameserver:
        try:
            parse_nameserver(nameserver)
        except ValueError:
            fail_config(f"--nameserver: '{nameserver}' is not IP[:PORT]")
    try:
        if url:
            site = adhoc_site(url, name, level)
        else:
            sites = load_targets(targets_file)
            if site_id not in sites:
                fail_config(f"{targets_file.name}: no site '{site_id}' (known: {', '.join(sites)})")
            site = sites[site_id]
    except ConfigError as exc:
        fail_config(str(exc))
    if out is not None:
        check_out_dir(out)
    options = Options(out=out, var=var_dir, nameserver=nameserver, max_pages=max_pages, render=not no_render,
                      profile=profile, today=today.date() if today else None)
    try:
        out_dir, result = run_assessment(site, options)
    except RulebookError as exc:
        fail_config(str(exc))
    except HistoryDeferred as exc:
        click.echo(summary_line(exc.out, exc.result))
        click.echo(f"govscan: {exc}", err=True)
        sys.exit(EX_TEMPFAIL)
    except KeyboardInterrupt:
        click.echo("govscan: interrupted; no result was written", err=True)
        sys.exit(130)
    click.echo(summary_line(out_dir, result))


@main.command()
@click.argument("run_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--profile", default="default", show_default=True, help="Scoring profile in reports/rulebook.yaml.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Assess as of this date (default: the run's date).")
@click.option("--var", "var_dir", default="var", type=click.Path(path_type=Path), envvar="GOVSCAN_VAR",
              show_default=True, help="Where the history database (with the assessors' reviews) is.")
def rescore(run_dir, profile, today, var_dir):
    """Re-run checks and scoring on a saved run (no crawling); rewrites its result and scorecard."""
    from govscan.pipeline import Options, rescore as run_rescore, summary_line
    from reports.scoring import RulebookError

    try:
        result = run_rescore(run_dir, Options(profile=profile, today=today.date() if today else None, var=var_dir))
    except (RulebookError, FileNotFoundError) as exc:
        fail_config(str(exc))
    click.echo(summary_line(run_dir, result))


@main.command()
@click.argument("site_id", required=False, metavar="SITE")
@click.option("--all", "all_sites", is_flag=True, help="Probe every site in targets.yaml.")
@click.option("--targets", "targets_file", default="targets.yaml", show_default=True, type=click.Path(path_type=Path))
@click.option("--var", "var_dir", default="var", type=click.Path(path_type=Path), envvar="GOVSCAN_VAR",
              show_default=True, help="Where the history database lives (unless GOVSCAN_DB_URL is set).")
def probe(site_id, all_sites, targets_file, var_dir):
    """Fetch each home page once (15 s limit) and keep the result: run it hourly from cron or systemd."""
    from concurrent.futures import ThreadPoolExecutor

    from crawler.probes.availability import probe_home
    from govscan.history import History, database_url

    if bool(site_id) == all_sites:
        fail_config("give either a SITE id or --all")
    try:
        sites = load_targets(targets_file)
    except ConfigError as exc:
        fail_config(str(exc))
    if site_id and site_id not in sites:
        fail_config(f"{targets_file.name}: no site '{site_id}' (known: {', '.join(sites)})")
    chosen = list(sites.values()) if all_sites else [sites[site_id]]
    with ThreadPoolExecutor(max_workers=min(8, len(chosen))) as pool:
        results = list(pool.map(lambda site: probe_home(site.url, site.nameserver), chosen))
    history = History(database_url(var_dir))
    try:
        for site, result in zip(chosen, results):
            history.record_probe(site, result)
            state = f"可访问 HTTP {result['status']}" if result["ok"] else f"无法访问（{result['error']}）"
            click.echo(f"{site.id}: {state}，{result['elapsed_ms']} ms")
    finally:
        history.close()


@main.command("validate")
@click.option("--targets", "targets_file", default="targets.yaml", show_default=True, type=click.Path(path_type=Path))
def validate(targets_file):
    """Check targets.yaml and exit (2 on the first problem)."""
    try:
        sites = load_targets(targets_file)
    except ConfigError as exc:
        fail_config(str(exc))
    click.echo(f"{targets_file.name}: {len(sites)} sites OK")


# -- nightly's terminal display (the orchestration is govscan/nightly.py) ------------------------

def nightly_progress(sites, options):
    """A bar per site (pages crawled against its page budget) for a person at a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from govscan.history import OUTCOME_LABELS
    from crawler.snapshot import pages_so_far

    bars = Progress(TextColumn("{task.fields[site]:<12}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[state]}"), TimeElapsedColumn(), transient=False)
    tasks = {site.id: bars.add_task("", site=site.id, state="等待", start=False,
                                    total=options.max_pages or site.crawl.max_pages) for site in sites}

    def update(nightly, reports: dict) -> None:
        with nightly.lock:
            active = dict(nightly.active)
        for site_id, task in tasks.items():
            if site_id in reports:
                bars.update(task, state=OUTCOME_LABELS.get(reports[site_id].outcome, ""),
                            completed=bars.tasks[task].total)
                bars.stop_task(task)
            elif site_id in active:
                bars.start_task(task)
                bars.update(task, state="评估中", completed=pages_so_far(active[site_id] / "snapshot.sqlite"))

    return bars, update


def nightly_summary(reports: list, digest: str = "—") -> str:
    from govscan.history import OK

    lines = []
    for report in reports:
        score = (report.result or {}).get("score") or {}
        total = score.get("total")
        score_text = f"{total:.1f} {score.get('grade')}" if report.outcome == OK and total is not None else "—"
        lines.append(f"{report.site.id:<14} {report.outcome:<12} {score_text:<12} mail:{report.mail:<14} "
                     f"{report.path or ''}" + (f"\n{'':<15}{report.error}" if report.error else ""))
    failed = sum(1 for r in reports if r.outcome != OK)
    mails = [r.mail for r in reports] + [digest]
    lines.append(f"{len(reports)} sites, {len(reports) - failed} completed, {failed} failed; "
                 f"mail: {mails.count('sent')} sent, {mails.count('failed')} failed (digest: {digest})")
    return "\n".join(lines)


@main.command("nightly")
@click.option("--targets", "targets_file", default="targets.yaml", show_default=True, type=click.Path(path_type=Path))
@click.option("--sites", "site_ids", help="Comma-separated site ids (default: every site in targets.yaml).")
@click.option("--jobs", type=click.IntRange(min=1), help="Sites assessed at once (default: one per core, at most 4).")
@click.option("--var", "var_dir", default="var", type=click.Path(path_type=Path), envvar="GOVSCAN_VAR",
              show_default=True, help="Runs, logs, lock and (unless GOVSCAN_DB_URL is set) the history database.")
@click.option("--max-pages", type=click.IntRange(min=1), help="Page budget of every crawl.")
@click.option("--no-render", is_flag=True, help="Never start a browser.")
@click.option("--profile", default="default", show_default=True, help="Scoring profile in reports/rulebook.yaml.")
@click.option("--crawl-grace", type=click.IntRange(min=1), default=120, show_default=True,
              help="Seconds a crawl may overrun its max_duration_s before it is stopped.")
@click.option("--broker", envvar="GOVSCAN_BROKER_URL", metavar="redis://HOST:PORT/N",
              help="Have the workers of a cluster assess the sites (see `govscan worker`).")
def nightly(targets_file, site_ids, jobs, var_dir, max_pages, no_render, profile, crawl_grace, broker):
    """Assess every site, record history, e-mail each office its scorecard (exit 1 if any site failed)."""
    from govscan.history import HistoryUnavailable
    from govscan.nightly import LockBusy, run_command
    from govscan.pipeline import Options

    options = Options(var=var_dir, max_pages=max_pages, render=not no_render, profile=profile,
                      crawl_grace_s=crawl_grace)
    try:
        night = run_command(targets_file, site_ids, jobs, options, broker,
                            progress=nightly_progress if sys.stderr.isatty() else None)
    except ConfigError as exc:
        fail_config(str(exc))
    except (LockBusy, HistoryUnavailable) as exc:
        click.echo(f"govscan: {exc}", err=True)
        sys.exit(75)  # EX_TEMPFAIL: try again later (unfinished runs are settled at the next start)
    except KeyboardInterrupt:
        click.echo("govscan: interrupted; unfinished sites are assessed at the next start", err=True)
        sys.exit(130)
    click.echo(nightly_summary(night.reports, night.digest))
    click.echo(f"log: {night.log_file}")
    sys.exit(1 if night.failed else 0)


@main.command("worker")
@click.option("--broker", envvar="GOVSCAN_BROKER_URL", required=True, metavar="redis://HOST:PORT/N",
              help="The cluster's Redis.")
@click.option("--queues", help="Comma-separated: crawl, render, ipv6, mail (default: what this machine can do).")
@click.option("--concurrency", type=click.IntRange(min=1), help="Sites at once (default: one per core, at most 4).")
def worker(broker, queues, concurrency):
    """Assess sites of distributed nights (`govscan nightly --broker`) on this machine."""
    from govscan.distributed.worker import start

    try:
        sys.exit(start(broker, queues, concurrency))
    except ConfigError as exc:
        fail_config(str(exc))


@main.command("mail")
@click.argument("run_dir", required=False, type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--digest", "night", type=click.DateTime(["%Y-%m-%d"]),
              help="Send the supervisor's digest of this night (YYYY-MM-DD) again instead of a run's scorecard.")
@click.option("--targets", "targets_file", default="targets.yaml", show_default=True, type=click.Path(path_type=Path))
@click.option("--to", "recipients", help="Comma-separated addresses instead of the site's recipients.")
@click.option("--var", "var_dir", default="var", type=click.Path(path_type=Path), envvar="GOVSCAN_VAR",
              show_default=True, help="Where the history database is (unless GOVSCAN_DB_URL is set).")
def mail(run_dir, night, targets_file, recipients, var_dir):
    """Send (again) one run's scorecard to its office, or a night's digest (exit 1 if it could not be sent)."""
    from govscan.mail import resend
    from govscan.nightly import resend_digest

    if bool(run_dir) == bool(night):
        fail_config("give either a RUN_DIR or --digest DATE")
    if night and recipients:
        fail_config("--to: the digest goes to GOVSCAN_MAIL_SUPERVISOR")
    try:
        if night:
            delivery = resend_digest(targets_file, var_dir, night.date().isoformat())
        else:
            delivery = resend(run_dir, targets_file, var_dir, recipients)
    except ConfigError as exc:
        fail_config(str(exc))
    click.echo(f"mail {delivery.status} after {delivery.attempts} attempt(s)" +
               (f": {delivery.error}" if delivery.error else ""))
    sys.exit(0 if delivery.status == "sent" else 1)


@main.command("index")
@click.option("--targets", "targets_file", default="targets.yaml", show_default=True, type=click.Path(path_type=Path))
@click.option("--var", "var_dir", default="var", type=click.Path(path_type=Path), envvar="GOVSCAN_VAR",
              show_default=True, help="Where the history database is (unless GOVSCAN_DB_URL is set).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="The page to write (default VAR/index.html).")
def index(targets_file, var_dir, out):
    """Write one page ranking every site of targets.yaml by its latest score, within its level."""
    from govscan.history import History
    from govscan.index import write_index

    try:
        sites = load_targets(targets_file)
    except ConfigError as exc:
        fail_config(str(exc))
    history = History.open(var_dir)
    try:
        click.echo(write_index(list(sites.values()), history, out or var_dir / "index.html"))
    finally:
        history.close()


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (only this machine by default).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="0: any free port.")
@click.option("--targets", "targets_file", default="targets.yaml", show_default=True, type=click.Path(path_type=Path))
@click.option("--var", "var_dir", default="var", type=click.Path(path_type=Path), envvar="GOVSCAN_VAR",
              show_default=True, help="Where runs and (unless GOVSCAN_DB_URL is set) the history database are.")
@click.option("--public", is_flag=True, help="Let anyone who can reach the server read (not change) without logging in.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(min=1))
def serve(host, port, targets_file, var_dir, public, threads):
    """The assessor's workbench: every site, runs, findings, reviews, exports and a JSON API."""
    from waitress import create_server

    from govscan.history import History
    from govscan.web import create_app

    try:
        sites = load_targets(targets_file) if targets_file.exists() else {}
    except ConfigError as exc:
        fail_config(str(exc))
    history = History.open(var_dir)
    app = create_app(history, sites, var_dir, public=public)
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="govscan")
    except OSError as exc:
        fail_config(f"--host/--port: cannot listen on {host}:{port}: {exc.strerror or exc}")
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"评估工作台：http://{shown}:{server.effective_port}/" + ("（公开只读）" if public else "（需登录）"), err=False)
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        history.close()


@main.group("users")
def users():
    """Workbench accounts (they may record reviews)."""


@users.command("add")
@click.argument("name")
@click.option("--var", "var_dir", default="var", type=click.Path(path_type=Path), envvar="GOVSCAN_VAR",
              show_default=True, help="Where the history database is (unless GOVSCAN_DB_URL is set).")
def users_add(name, var_dir):
    """Create a user; the password is asked for (or read from standard input when it is not a terminal)."""
    from govscan.history import History
    from govscan.reviews import ReviewError, Workbench

    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    history = History.open(var_dir)
    try:
        Workbench(history).add_user(name, password)
    except ReviewError as exc:
        fail_config(str(exc))
    finally:
        history.close()
    click.echo(f"用户 {name} 已创建")


@users.command("list")
@click.option("--var", "var_dir", default="var", type=click.Path(path_type=Path), envvar="GOVSCAN_VAR",
              show_default=True, help="Where the history database is (unless GOVSCAN_DB_URL is set).")
def users_list(var_dir):
    """Print the workbench's user names."""
    from govscan.history import History
    from govscan.reviews import Workbench

    history = History.open(var_dir)
    try:
        for name in Workbench(history).users():
            click.echo(name)
    finally:
        history.close()


@main.command("replay")
@click.argument("run_dir", type=click.Path(path_type=Path, file_okay=False))
@click.argument("url", required=False)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the marked page here (default RUN_DIR/replay/<digest>.html).")
@click.option("--raw", is_flag=True, help="Write the body exactly as the server sent it to standard output.")
def replay(run_dir, url, out, raw):
    """An archived page as it was served (scripts disabled, marked 存档页面); without URL, list the archive."""
    from contextlib import closing

    from govscan.archive import Captures, archived
    from reports.render import local_time

    if url is None:
        snapshot = run_dir / "snapshot.sqlite"
        if not snapshot.exists():
            fail_config(f"{run_dir}: 不是govscan运行目录（没有snapshot.sqlite）")
        with closing(Captures(snapshot)) as captures:
            for capture in captures.all():
                mark = "（渲染）" if capture.rendered else "（沿用上次）" if capture.kind == "revisit" else ""
                click.echo(f"{local_time(capture.captured_at)}  {capture.status}  {capture.sha256[:16]}  {capture.url}{mark}")
        return
    try:
        capture, shown = archived(run_dir, url, raw)
    except (LookupError, OSError) as exc:
        fail_config(str(exc))
    if raw:
        sys.stdout.buffer.write(shown)
        return
    target = out or run_dir / "replay" / f"{capture.sha256[:16]}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(shown)
    click.echo(f"存档页面 — 采集于 {local_time(capture.captured_at)}，SHA-256 {capture.sha256}：{target.resolve()}")


@main.command("prune")
@click.option("--older-than", "days", type=click.IntRange(min=0), required=True, metavar="DAYS",
              help="Delete the WARC archives of runs older than this many days.")
@click.option("--var", "var_dir", default="var", type=click.Path(path_type=Path), envvar="GOVSCAN_VAR",
              show_default=True, help="Data directory (its runs/).")
def prune(days, var_dir):
    """Delete old runs' WARC archives, keeping those of runs with a 单项否决 (and those kept runs refer to)."""
    from govscan.archive import prune as prune_archives

    deleted, kept = prune_archives(var_dir / "runs", days)
    for run_dir in deleted:
        click.echo(f"已删除 {run_dir}/archive.warc.gz")
    click.echo(f"删除{len(deleted)}个存档，因单项否决保留{len(kept)}个")


if __name__ == "__main__":
    main()

"""govscan against its peers on one generated portal served by nginx on loopback.

Times, interleaved round by round: the whole `govscan assess --no-render`, the idiomatic bare Scrapy
spider (bench/peers/bare_spider.py) and LinkChecker, all at concurrency 16; then a second govscan run of
the unchanged portal against the first (incremental re-assessment), beside a rescore of the first run
(audit and report alone: what a re-assessment costs however little it crawls). Prints pages/s, CPU seconds
(user + system of the process and its children) and the peak RSS of the largest process, and the
ratios. Figures are ratios within one run because these machines are noisy.

Usage: python bench/crawl_peers.py [--pages 2000 (or BENCH_PAGES=20000 make bench)] [--rounds 1] [--only govscan]
Needs nginx and linkchecker (scripts/install-system.sh installs both).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.generated_portal import Portal  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
LINKCHECKER = shutil.which("linkchecker")
CONCURRENCY = 16


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_portal(portal: Portal, root: Path) -> int:
    count = 0
    for path in portal.paths():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(portal.page(path)[1], encoding="utf-8")
        count += 1
    return count


def start_nginx(work: Path, site: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "".join(f"{name}_temp_path {work}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (work / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off; {temp}
  types {{ text/html html; }}
  charset utf-8;
  # LinkChecker sends more than 10 requests/s to a host only when the host says it may
  server {{ listen 127.0.0.1:{port}; root {site}; index index.html; add_header LinkChecker allowed; }}
}}
""", encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return process, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"nginx did not start (see {work}/error.log)")


def measure(command: list[str], cwd: Path = ROOT) -> dict:
    """Wall seconds, CPU seconds and peak RSS (MB, the largest process) of a command and its children."""
    out = tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    out.seek(0)
    output = out.read().decode("utf-8", "replace")
    if process.returncode not in (0, 1) or "Traceback" in output:  # linkchecker says 1 when it found broken links
        raise SystemExit(f"{command[0]} failed ({process.returncode}):\n{output[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "output": output}


def govscan(url: str, work: Path, name: str, pages: int, previous: bool = False, warc: bool = True) -> dict:
    """One whole `govscan assess --no-render` of the portal; `previous` keeps the history (an
    incremental run), `warc` writes the evidence archive (the default)."""
    targets = work / "targets.yaml"
    targets.write_text(f"sites:\n  gen:\n    name: 某某区人民政府\n    url: {url}\n    crawl: {{max_pages: {pages * 2}, "
                       f"max_depth: 6, render: false, concurrency_per_host: {CONCURRENCY}, timeout_s: 10, "
                       f"warc: {str(warc).lower()}}}\n",
                       encoding="utf-8")
    var = work / "var"
    if not previous:
        shutil.rmtree(var, ignore_errors=True)
    out = work / name
    shutil.rmtree(out, ignore_errors=True)
    result = measure([sys.executable, "-m", "govscan", "assess", "gen", "--targets", str(targets), "--out", str(out),
                      "--var", str(var), "--no-render", "--today", "2026-11-30"])
    import sqlite3

    with sqlite3.connect(out / "snapshot.sqlite") as db:
        result["pages"] = db.execute("SELECT (SELECT count(*) FROM pages) + (SELECT count(*) FROM attachments)").fetchone()[0]
        result["crawl_s"] = float(dict(db.execute("SELECT key, value FROM meta")).get("duration_s") or 0)
        result["carried"] = db.execute("SELECT count(*) FROM pages WHERE carried = 1").fetchone()[0] if any(
            row[1] == "carried" for row in db.execute("PRAGMA table_info(pages)")) else 0
    result["findings"] = (out / "result.json").read_text(encoding="utf-8")
    archive = out / "archive.warc.gz"
    result["warc_mb"] = archive.stat().st_size / 2**20 if archive.exists() else 0.0
    return result


def bare_scrapy(url: str) -> dict:
    result = measure([sys.executable, "-m", "scrapy", "runspider", str(ROOT / "bench" / "peers" / "bare_spider.py"), "-a", f"url={url}",
                      "-s", f"CONCURRENT_REQUESTS={CONCURRENCY}", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}",
                      "-s", "LOG_LEVEL=WARNING", "-s", "ROBOTSTXT_OBEY=False", "-s", "TELNETCONSOLE_ENABLED=False"],
                     cwd=Path(tempfile.gettempdir()))
    result["pages"] = int(result["output"].strip().rsplit("pages ", 1)[-1].split()[0])
    return result


def linkchecker(url: str, work: Path) -> dict:
    config = work / "linkcheckerrc"
    config.write_text(f"[checking]\nthreads={CONCURRENCY}\nmaxrequestspersecond=1000\n", encoding="utf-8")
    config.chmod(0o644)
    result = measure([LINKCHECKER, "--config", str(config), "--recursion-level=-1", "--no-status", "--verbose",
                      "--output=csv", url])
    rows = list(csv.reader((line for line in result["output"].splitlines() if line and not line.startswith("#")),
                           delimiter=";"))
    column = rows[0].index("url") if rows and "url" in rows[0] else 0
    result["pages"] = len({row[column] for row in rows[1:] if len(row) > column})  # distinct URLs checked
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=int(os.environ.get("BENCH_PAGES", 2_000)))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", choices=("govscan", "scrapy", "linkchecker"), help="time one tool only")
    args = parser.parse_args()
    missing = [name for name, path in (("nginx", NGINX), ("linkchecker", LINKCHECKER)) if not path or not Path(path).exists()]
    if missing:
        raise SystemExit(f"missing: {', '.join(missing)} — run scripts/install-system.sh")

    work = Path(tempfile.mkdtemp(prefix="govscan-bench-"))
    os.chmod(work, 0o755)
    site = work / "site"
    count = write_portal(Portal(pages=args.pages), site)
    nginx, url = start_nginx(work, site)
    print(f"portal: {count} pages at {url} (nginx), concurrency {CONCURRENCY}, {args.rounds} round(s)")
    tools = {"govscan": lambda: govscan(url, work, "first", count), "scrapy": lambda: bare_scrapy(url),
             "linkchecker": lambda: linkchecker(url, work)}
    if args.only:
        tools = {args.only: tools[args.only]}
    best: dict[str, dict] = {}
    try:
        for _ in range(args.rounds):
            for name, run in tools.items():
                result = run()
                result["rate"] = result["pages"] / result["wall"]
                print(f"  {name:12s} {result['pages']:6d} pages {result['wall']:7.1f} s {result['rate']:7.1f} pages/s "
                      f"CPU {result['cpu']:6.1f} s  peak RSS {result['rss_mb']:6.0f} MB"
                      + (f"  (crawl subprocess {result['crawl_s']:.1f} s)" if "crawl_s" in result else ""), flush=True)
                if name not in best or result["rate"] > best[name]["rate"]:
                    best[name] = result
        if "govscan" in best:
            first = best["govscan"]
            again = govscan(url, work, "again", count, previous=True)
            same = strip_run(again["findings"]) == strip_run(first["findings"])
            print(f"  {'re-assess':12s} {again['pages']:6d} pages {again['wall']:7.1f} s ({again['carried']} carried over, "
                  f"crawl subprocess {again['crawl_s']:.1f} s) "
                  f"CPU {again['cpu']:6.1f} s  peak RSS {again['rss_mb']:6.0f} MB  findings identical: {same}")
            # The part of any re-assessment that no page decides: audit and report of the unchanged
            # snapshot (`govscan rescore`, no network), whatever the crawl saves.
            floor = measure([sys.executable, "-m", "govscan", "rescore", str(work / "first"), "--var", str(work / "var")])
            print(f"ratios: re-assess/first wall {again['wall'] / first['wall']:.2f}x "
                  f"(rescore of the first run alone, no crawl: {floor['wall']:.1f} s = {floor['wall'] / first['wall']:.2f}x)")
            for peer in ("scrapy", "linkchecker"):
                if peer in best:
                    print(f"ratios: govscan/{peer} pages/s {first['rate'] / best[peer]['rate']:.2f}x, "
                          f"CPU per page {first['cpu'] / first['pages'] / (best[peer]['cpu'] / best[peer]['pages']):.2f}x")
    finally:
        nginx.terminate()
        nginx.wait()
        shutil.rmtree(work, ignore_errors=True)


def strip_run(result_json: str) -> list:
    """The findings of a result.json without what differs between two runs of the same site."""
    import json

    data = json.loads(result_json)
    return sorted((f["check"], f["status"], f["message"], f["value"]) for f in data["findings"])


if __name__ == "__main__":
    main()

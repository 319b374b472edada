"""python -m demo serve [--port 18080] [--dns-port 15353] [--today YYYY-MM-DD]
python -m demo run [--out DIR] [--no-render]   (what `make demo` runs: serve, assess, stop)"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import signal
import socket
import sys
import threading

from .portal import running
from .site import page_count


def _serve(args: argparse.Namespace) -> int:
    today = _dt.date.fromisoformat(args.today) if args.today else None
    stop = threading.Event()

    def _handler(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    with running(port=args.port, dns_port=args.dns_port, today=today) as d:
        print(f"Demo portal: {d.url}", flush=True)
        print(f"Nameserver:  {d.nameserver}  (e.g. dig @127.0.0.1 -p {d.dns_port} {d.host} A)", flush=True)
        print(f"Also on IPv6: http://[::1]:{d.port}/ with 'Host: {d.host}'", flush=True)
        print(f"HTTPS:       https://{d.host}:{d.https_port}/ (HTTPS record in the zone; CA {d.ca_file})", flush=True)
        print(f"Site root:   {d.root}  ({page_count(d.root)} pages, today={d.today})", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        while not stop.wait(0.5):
            pass
    print("Stopped.", flush=True)
    return 0


def _port_free(port: int, host: str = "127.0.0.1", kind: int = socket.SOCK_STREAM) -> bool:
    with socket.socket(socket.AF_INET, kind) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _run(args: argparse.Namespace) -> int:
    """Start the portal, assess it as the `demo` target of targets.yaml, stop it, say where the scorecard is."""
    from urllib.parse import urlsplit

    from govscan.config import ConfigError, load_targets
    from govscan.pipeline import Options, assess, summary_line

    try:
        site = load_targets(args.targets)["demo"]
    except (ConfigError, KeyError) as exc:
        print(f"demo: targets file has no usable 'demo' site: {exc}", file=sys.stderr)
        return 2
    port = urlsplit(site.url).port or 18080
    dns_port = int((site.nameserver or "127.0.0.1:15353").rsplit(":", 1)[1])
    # Another program may hold the usual ports: then any free ones will do.
    port = port if _port_free(port) else 0
    dns_port = dns_port if _port_free(dns_port, kind=socket.SOCK_DGRAM) else 0
    with running(port=port, dns_port=dns_port) as portal:
        site = site.model_copy(update={"url": portal.url, "nameserver": portal.nameserver})
        os.environ["SSL_CERT_FILE"] = str(portal.ca_file)  # the HTTPS probe trusts the demo's own CA
        print(f"演示站点已启动：{portal.url}（DNS {portal.nameserver}），开始评估……", flush=True)
        out, result = assess(site, Options(out=args.out, var=args.var, render=not args.no_render))
    print(summary_line(out, result), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description="govscan demo portal")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="build and serve the demo portal (HTTP + DNS)")
    serve.add_argument("--port", type=int, default=18080, help="HTTP port on 127.0.0.1 and ::1 (0 = any)")
    serve.add_argument("--dns-port", type=int, default=15353, help="DNS port on 127.0.0.1 (0 = any)")
    serve.add_argument("--today", help="pretend today is YYYY-MM-DD (dates of news are relative to it)")
    run = sub.add_parser("run", help="serve the demo portal, assess it, stop (what `make demo` does)")
    run.add_argument("--targets", default="targets.yaml", help="file with the 'demo' site")
    run.add_argument("--out", help="output directory (default var/runs/demo/RUN-ID/)")
    run.add_argument("--var", default="var", help="where runs are kept")
    run.add_argument("--no-render", action="store_true", help="never start a browser")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "run":
        return _run(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())

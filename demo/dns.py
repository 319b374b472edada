"""A tiny authoritative DNS server for the demo zone (UDP and TCP on 127.0.0.1).

Unlike dnslib's stock ZoneResolver it answers NODATA (NOERROR, empty answer)
for an existing name that lacks the asked type, and NXDOMAIN only for names
that do not exist at all. CNAMEs are followed inside the zone.
"""
from __future__ import annotations

from typing import Dict, List

from dnslib import AAAA, A, CNAME, HTTPS, MX, NS, QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer

Records = Dict[str, Dict[str, List[str]]]

# The demo portal's zone.
ZONE: Records = {
    "www.jinping.demo.test": {"A": ["127.0.0.1"], "AAAA": ["::1"]},
    "jinping.demo.test": {"A": ["127.0.0.1"], "AAAA": ["::1"]},
}

TTL = 60


def zone_records() -> Records:
    """A fresh copy of the demo zone's records."""
    return {name: {t: list(v) for t, v in types.items()} for name, types in ZONE.items()}


def _norm(name: str) -> str:
    return str(name).rstrip(".").lower()


def _rdata(rtype: str, value: str):
    if rtype == "A":
        return A(value)
    if rtype == "AAAA":
        return AAAA(value)
    if rtype == "CNAME":
        return CNAME(value)
    if rtype == "NS":
        return NS(value)
    if rtype == "TXT":
        return TXT(value)
    if rtype == "HTTPS":  # RFC 9460 service binding, e.g. "1 . port=8443": where the HTTPS twin listens
        return HTTPS.fromZone(value.split())
    if rtype == "MX":
        pref, _, host = value.partition(" ")
        return MX(host, int(pref))
    raise ValueError(f"unsupported record type {rtype}")


class _Resolver(BaseResolver):
    def __init__(self, records: Records):
        self.records = {
            _norm(name): {t.upper(): list(v) for t, v in types.items()}
            for name, types in records.items()
        }

    def _exists(self, name: str) -> bool:
        # A name exists if it has records or is an empty non-terminal.
        return name in self.records or any(n.endswith("." + name) for n in self.records)

    def resolve(self, request, handler):
        reply = request.reply()
        reply.header.aa = 1
        qtype = QTYPE[request.q.qtype]
        name = _norm(request.q.qname)
        seen = set()
        while True:
            if not self._exists(name):
                if not reply.rr:  # NXDOMAIN only for the queried name itself
                    reply.header.rcode = RCODE.NXDOMAIN
                return reply
            types = self.records.get(name, {})
            if qtype == "ANY":
                for rtype, values in types.items():
                    for v in values:
                        reply.add_answer(RR(name + ".", getattr(QTYPE, rtype), rdata=_rdata(rtype, v), ttl=TTL))
                return reply
            if qtype in types:
                for v in types[qtype]:
                    reply.add_answer(RR(name + ".", getattr(QTYPE, qtype), rdata=_rdata(qtype, v), ttl=TTL))
                return reply
            if "CNAME" in types and qtype != "CNAME" and name not in seen:
                seen.add(name)
                target = types["CNAME"][0]
                reply.add_answer(RR(name + ".", QTYPE.CNAME, rdata=CNAME(target), ttl=TTL))
                name = _norm(target)
                continue
            return reply  # NODATA


def _quiet_logger() -> DNSLogger:
    return DNSLogger(log="-request,-reply,-truncated,-error", prefix=False, logf=lambda *_: None)


class DemoDNS:
    """Serve `records` over UDP and TCP on 127.0.0.1:port (port 0 = pick a free one)."""

    def __init__(self, records: Records | None = None, port: int = 0):
        self.records = zone_records() if records is None else records
        self.requested_port = port
        self.port: int | None = None
        self.address = "127.0.0.1"
        self._servers: list[DNSServer] = []

    @property
    def nameserver(self) -> str:
        return f"{self.address}:{self.port}"

    def start(self) -> "DemoDNS":
        resolver = _Resolver(self.records)
        logger = _quiet_logger()
        last_err: Exception | None = None
        for _ in range(50):
            udp = tcp = None
            try:
                udp = DNSServer(resolver, address=self.address, port=self.requested_port, logger=logger)
                port = udp.server.server_address[1]
                tcp = DNSServer(resolver, address=self.address, port=port, tcp=True, logger=logger)
            except OSError as e:
                last_err = e
                if udp is not None:
                    udp.server.server_close()
                if self.requested_port:
                    raise
                continue
            self._servers = [udp, tcp]
            self.port = port
            for s in self._servers:
                s.server.daemon_threads = True
                s.start_thread()
            return self
        raise OSError(f"could not bind DNS server: {last_err}")

    def stop(self) -> None:
        for s in self._servers:
            s.server.shutdown()
            s.server.server_close()
        self._servers = []

    def __enter__(self) -> "DemoDNS":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

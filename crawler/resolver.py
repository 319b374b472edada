"""Resolve every hostname of a run through one named DNS server (`--nameserver IP[:PORT]`).

Installed as Scrapy's TWISTED_DNS_RESOLVER when a run names a nameserver; the probes use
`make_resolver` the same way, so crawler and probes agree on what a name points to.
"""

from __future__ import annotations

import ipaddress

import dns.exception
import dns.resolver
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver, IHostResolution
from twisted.internet.threads import deferToThread
from zope.interface import implementer, provider


def parse_nameserver(value: str) -> tuple[str, int]:
    """'127.0.0.1', '127.0.0.1:5353', '[::1]:5353' or '::1' → (ip, port)."""
    value = value.strip()
    if value.startswith("["):
        host, _, port = value[1:].partition("]")
        port = port.lstrip(":")
    elif value.count(":") == 1:
        host, port = value.split(":")
    else:
        host, port = value, ""
    ipaddress.ip_address(host)  # ValueError for anything but an IP literal
    number = int(port) if port else 53
    if not 0 < number < 65536:
        raise ValueError(f"port {number} out of range")
    return host, number


def make_resolver(nameserver: str, timeout: float = 5.0) -> dns.resolver.Resolver:
    host, port = parse_nameserver(nameserver)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = port
    resolver.timeout = resolver.lifetime = timeout
    return resolver


def lookup(resolver: dns.resolver.Resolver, name: str, rdtype: str) -> list[str]:
    """Addresses of one type; [] when the name has none (NODATA or NXDOMAIN)."""
    try:
        answer = resolver.resolve(name, rdtype, search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    return [record.address for record in answer]


def addresses(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    """The IPv4 addresses, or the IPv6 ones when there are none; IP literals pass through.

    The crawl sees the site as most visitors do; IPv6 is measured on its own by the IPv6 probes.
    Offering both would let Twisted's happy-eyeballs switch families between requests, and a
    page missing only over IPv6 would look like a broken link.
    """
    try:
        ipaddress.ip_address(name)
        return [name]
    except ValueError:
        pass
    return lookup(resolver, name, "A") or lookup(resolver, name, "AAAA")


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str):
        self.name = name

    def cancel(self) -> None:  # lookups are short; nothing to cancel
        pass


@provider(IHostnameResolver)
class NameserverResolver:
    """A Twisted hostname resolver that asks one DNS server, for IPv4 and IPv6."""

    def __init__(self, reactor, nameserver: str):
        self.reactor = reactor
        self.resolver = make_resolver(nameserver)
        self.cache: dict[str, list[str]] = {}

    @classmethod
    def from_crawler(cls, crawler, reactor):
        return cls(reactor, crawler.settings["GOVSCAN_NAMESERVER"])

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(self, receiver, hostName, portNumber=0, addressTypes=None, transportSemantics="TCP"):
        resolution = _Resolution(hostName)
        receiver.resolutionBegan(resolution)

        def deliver(found: list[str]) -> None:
            self.cache[hostName] = found
            for address in found:
                family = IPv6Address if ":" in address else IPv4Address
                if addressTypes and family not in addressTypes:
                    continue
                receiver.addressResolved(family("TCP", address, portNumber))
            receiver.resolutionComplete()

        def failed(_failure) -> None:  # no addresses: Twisted reports a DNS lookup error
            receiver.resolutionComplete()

        if hostName in self.cache:
            deliver(self.cache[hostName])
        else:
            deferred = deferToThread(addresses, self.resolver, hostName)
            deferred.addCallbacks(deliver, failed)
        return resolution


__all__ = ["NameserverResolver", "addresses", "lookup", "make_resolver", "parse_nameserver", "dns"]

"""Leases in Redis: a key held with a time-to-live that its holder keeps renewing.

A holder that dies stops renewing, so its lease runs out after `ttl_s` and someone else may take
over; a live holder never loses it. Used for the night's coordinator (one `nightly --broker` at a
time) and for a site being assessed (a redelivered task leaves a live assessment alone).
"""

from __future__ import annotations

import os
import socket
import threading

import redis

# Renew or release only if the key still holds our token (another holder may have taken it over).
RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


def holder_token() -> str:
    """Who holds a lease, readable by a person: host, pid and a nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(4).hex()}"


class Lease:
    def __init__(self, client: redis.Redis, key: str, ttl_s: float = 30.0):
        self.client, self.key, self.ttl_ms = client, key, int(ttl_s * 1000)
        self.token = holder_token()
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def acquire(self) -> bool:
        if not self.client.set(self.key, self.token, nx=True, px=self.ttl_ms):
            return False
        self._renewer = threading.Thread(target=self._renew, name=f"lease {self.key}", daemon=True)
        self._renewer.start()
        return True

    def holder(self) -> str | None:
        value = self.client.get(self.key)
        return value.decode() if isinstance(value, bytes) else value

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl_ms / 3000):
            try:
                self.client.eval(RENEW, 1, self.key, self.token, self.ttl_ms)
            except redis.RedisError:  # the broker restarts: keep trying, the key outlives a short gap
                continue

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        try:
            self.client.eval(RELEASE, 1, self.key, self.token)
        except redis.RedisError:  # it runs out by itself
            pass

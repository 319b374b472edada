"""Network probes (DNS now; IPv6 and availability build on the same resolver)."""

"""Distributed nights: the same night as `govscan nightly`, spread over Celery workers on a Redis broker.

`app` — the Celery application and its queues; `tasks` — one assessment per (site, night), mail;
`leases` — Redis leases (the night's coordinator, a site being assessed); `politeness` — per-host
connection slots shared by every worker; `night` — the coordinator `govscan nightly --broker` runs;
`worker` — what `govscan worker` starts and what the machine can do.
"""

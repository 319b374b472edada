"""The Celery application: a Redis broker, one queue per capability, late acknowledgement.

A task is acknowledged only when it has finished, and a worker takes one task at a time, so a
worker that dies loses nothing: Redis gives its unacknowledged task to another worker once the
visibility timeout has passed. That timeout must exceed the longest hard time limit of a task
(GOVSCAN_VISIBILITY_TIMEOUT, default 4 h), or a live assessment would be handed out twice — the
(site, night) lease then keeps the copy from running.
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

CRAWL, RENDER, IPV6, MAIL = "crawl", "render", "ipv6", "mail"
QUEUES = (CRAWL, RENDER, IPV6, MAIL)
DEFAULT_VISIBILITY_S = 4 * 3600

app = Celery("govscan", include=["govscan.distributed.tasks"])
app.conf.update(
    task_queues=[Queue(name) for name in QUEUES],
    task_default_queue=CRAWL,
    task_acks_late=True,
    task_reject_on_worker_lost=True,   # a pool process killed mid-task: the task goes back to the queue
    worker_prefetch_multiplier=1,      # a worker holds no site it is not assessing
    task_ignore_result=True,           # outcomes live in the history database
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    broker_connection_max_retries=None,  # a broker restart is waited out, not fatal
    # a task sent while the broker restarts (a site's mail, its IPv6 probes) waits for it, up to ~2 minutes
    task_publish_retry_policy={"max_retries": 30, "interval_start": 0, "interval_step": 1, "interval_max": 5},
    worker_hijack_root_logger=False,
    worker_send_task_events=False,
)


def configure(broker_url: str) -> Celery:
    visibility = int(os.environ.get("GOVSCAN_VISIBILITY_TIMEOUT", DEFAULT_VISIBILITY_S))
    app.conf.update(
        broker_url=broker_url,
        result_backend=broker_url,  # only the IPv6 probes return something (task_ignore_result otherwise)
        broker_transport_options={
            "visibility_timeout": visibility,
            # look for tasks of dead workers every few seconds (kombu's default scans every ~100 s)
            "unacked_restore_interval": max(1, min(10, visibility // 10)),
            "unacked_restore_throttle": 1,
        },
    )
    return app

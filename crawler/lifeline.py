"""A crawler never outlives the govscan process that started it.

A nightly or an assessment killed outright (SIGKILL, the OOM killer) cannot stop its crawler, which
would go on requesting pages and writing a snapshot nobody reads. On Linux the kernel can do it:
PR_SET_PDEATHSIG sends us SIGKILL when the parent goes. (It fires when the parent's *thread* that
started us ends; govscan's worker threads wait for their crawl, so they outlive it.) Chromium,
started by us through Playwright, ends when its pipe to us closes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PARENT_ENV = "GOVSCAN_PARENT_PID"
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    parent = int(os.environ.get(PARENT_ENV) or 0)
    if not parent or not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before we asked: nobody waits for this crawl
        os._exit(1)

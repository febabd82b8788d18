"""Put on PYTHONPATH by `make test-at` only: Python's time.sleep under Debian's libfaketime.

The run leaves the monotonic clock real (FAKETIME_DONT_FAKE_MONOTONIC=1): faked, timed waits
(threading, queues, subprocess timeouts) never end and the suite hangs. With it real, libfaketime
0.9.10 still rewrites the absolute monotonic deadline of clock_nanosleep, which CPython's time.sleep
uses, into an invalid one, and every sleep fails with EINVAL. A relative wait (select) is not
touched, so every Python process of the run (pytest, the servers and commands it starts) sleeps
through select instead. Outside faketime this module changes nothing.
"""
import os
import select
import time

if "faketime" in os.environ.get("LD_PRELOAD", ""):

    def _sleep(seconds: float) -> None:
        """time.sleep through select's relative timeout."""
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = _sleep

"""A bounded in-process cache whose entries are valid only for the stamp they were built under.

The caller reads a stamp from the database on every use (one cheap statement: a row version, the
last audit event, ...) and passes it with the key; an entry built under another stamp is a miss and
is rebuilt. Nothing is ever served that the database does not still vouch for, so each process (or
host) may keep its own cache without invalidation messages. `cachetools.LRUCache` bounds the
entries; a lock makes it safe for gunicorn's threads.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

T = TypeVar("T")


class StampedCache(Generic[T]):
    """At most `maxsize` values, each served only while its stamp still matches; maxsize 0 disables it."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._entries: LRUCache = LRUCache(maxsize=max(maxsize, 1))
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_build(self, key: Hashable, stamp: Hashable, build: Callable[[], T]) -> T:
        """The value for key built under this stamp: from the cache, or built now (outside the lock) and kept."""
        if self.maxsize:
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None and entry[0] == stamp:
                    self.hits += 1
                    return entry[1]
                self.misses += 1
        value = build()
        if self.maxsize:
            with self._lock:
                self._entries[key] = (stamp, value)
        return value

    def clear(self) -> None:
        """Forget every entry and the hit and miss counts."""
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

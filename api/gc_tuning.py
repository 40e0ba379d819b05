"""Garbage-collector settings for a serving process.

One GraphQL response allocates tens of thousands of short-lived objects (a page of 100 orders:
about 3,000 resolved fields). With CPython's default young-generation threshold of 700 that is
about 25 collections per request, and every few requests a full collection walks everything
loaded at start-up (schema, policy, ORM metadata). Measured on the benchmark's W1 page
(bench/RESULTS.md): 35 ms of a 180 ms request in the collector by default, 9 ms with the
start-up objects frozen and a threshold of 10,000. Reference cycles are still collected; the
young generation just holds more objects (a few MB) before it is scanned.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def tune_for_serving() -> None:
    """Freeze what start-up allocated and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)

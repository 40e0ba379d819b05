"""Run the suite once per database backend, at the same time (``make test``).

Each backend's run is its own pytest process (its own databases, Redis database and temporary
folders), so the two use both cores; the output of each is printed when it ends, and the exit
status is the first failure's. Tests that use no database run in the first backend's process
only. ``MANDI_TEST_BACKENDS=sqlite`` (or ``postgres``) runs just one;
arguments are passed to pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

# Each backend's process has its own Redis database: MANDI_TEST_REDIS_DB (default 14) for the
# first backend, the next number for the second, so runs side by side (two worktrees) can be
# given apart numbers.
REDIS_BASE = int(os.environ.get("MANDI_TEST_REDIS_DB", "14"))


def main(argv: list[str]) -> int:
    backends = [
        b.strip() for b in os.environ.get("MANDI_TEST_BACKENDS", "sqlite,postgres").split(",")
    ]
    backends = list(filter(None, backends))
    started = time.monotonic()
    runs = []
    for index, backend in enumerate(backends):
        env = {
            **os.environ,
            "MANDI_TEST_BACKENDS": backend,
            "MANDI_TEST_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_BASE + index}",
            # tests that use no database (the policy, the schema, the CLI's own checks) run in
            # the first backend's process only: running them twice only costs time
            "MANDI_TEST_DATABASE_FREE_IN": backends[0],
        }
        log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - read back after the run
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *argv]
        runs.append((backend, log, subprocess.Popen(command, env=env, stdout=log, stderr=log)))  # noqa: S603
    status = 0
    for backend, log, process in runs:
        code = process.wait()
        log.seek(0)
        print(f"===== {backend}: exit {code} =====")
        print(log.read())
        status = status or code
    print(f"===== all backends: exit {status} in {time.monotonic() - started:.0f} s =====")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

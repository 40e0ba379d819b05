"""`mandi serve` builds the app, tunes the collector for serving, and hands it to uvicorn."""

from __future__ import annotations

import gc

import uvicorn

from api import cli
from api.gc_tuning import YOUNG_THRESHOLD


async def _no_problems(settings) -> list[str]:
    return []


def test_serve_runs_the_app_with_the_collector_tuned(monkeypatch):
    served = {}

    def fake_run(app, **options):
        served.update(options, app=app, threshold=gc.get_threshold(), frozen=gc.get_freeze_count())

    before = gc.get_threshold()
    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv("PORT", "8123")
    # The database checks open Tortoise, whose state this test process shares with the other
    # tests: tests/cli/test_cli_ux.py runs them in a process of their own.
    monkeypatch.setattr(cli, "_preflight", _no_problems)
    try:
        assert cli.main(["serve"]) == 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    assert served["port"] == 8123 and served["host"] == "127.0.0.1"
    assert served["threshold"][0] == YOUNG_THRESHOLD
    assert served["frozen"] > 0

"""Rotating the key-encryption key: batched, resumable after an interruption, idempotent, and
every value stays readable throughout (both KEKs unwrap while it runs)."""

from __future__ import annotations

import os

import pytest

from domain import db
from domain.crypto import keys, rotation
from domain.orders.models import Customer
from tests.support import make_order_for_test


class Interrupted(Exception):
    pass


def _use(monkeypatch: pytest.MonkeyPatch, current: str, previous: str | None) -> None:
    monkeypatch.setenv("MANDI_DATA_KEY", current)
    if previous:
        monkeypatch.setenv("MANDI_DATA_KEY_PREVIOUS", previous)
    else:
        monkeypatch.delenv("MANDI_DATA_KEY_PREVIOUS", raising=False)
    keys.reset_caches()


async def test_rotation_resumes_after_interruption_and_is_idempotent(backend, monkeypatch):
    orders = [await make_order_for_test(buyer_email=f"rot{i}@example.test") for i in range(3)]
    original, new = os.environ["MANDI_DATA_KEY"], keys.new_key()
    _use(monkeypatch, new, original)
    try:
        assert await rotation.pending_rewrap() >= 3
        seen: list[int] = []

        def stop_after_first_batch(count: int) -> None:
            seen.append(count)
            raise Interrupted

        with pytest.raises(Interrupted):
            await rotation.rewrap(stop_after_first_batch, batch=2)
        assert seen == [2]
        left = await rotation.pending_rewrap()
        assert left >= 1
        # Mid-rotation the service reads values under either KEK.
        for order in orders:
            customer = await Customer.get(id=order.customer_id)
            assert customer.email and customer.email.startswith("rot")

        assert await rotation.rewrap(batch=2) == left
        assert await rotation.pending_rewrap() == 0
        assert await rotation.rewrap(batch=2) == 0  # a second run changes nothing

        _use(monkeypatch, new, None)  # the old KEK is gone: everything still opens
        for order in orders:
            assert (await Customer.get(id=order.customer_id)).name
        report = await rotation.status(db.models())
        assert set(report.keys_by_kek) == {keys.kek().current_id}
        assert report.values_by_table["customer"] >= 6
    finally:  # put the run's KEK back for the other tests
        _use(monkeypatch, original, new)
        await rotation.rewrap()
        _use(monkeypatch, original, None)

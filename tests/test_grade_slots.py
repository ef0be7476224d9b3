"""Sandbox slots: two grading runs at once never share a slot (nor, as root, a user)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from autograder.isolate.slots import SlotLease, SlotsBusy


def test_two_leases_get_distinct_slots_and_a_released_slot_is_reused(tmp_path):
    with SlotLease(2, tmp_path) as first:
        with SlotLease(2, tmp_path) as second:
            assert first.slots == [0, 1]
            assert second.slots == [2, 3]
        again = SlotLease(1, tmp_path)
        assert again.slots == [2]
        again.release()


def test_a_slot_held_by_another_process_is_skipped_and_freed_when_it_dies(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from autograder.isolate.slots import SlotLease; "
        f"lease = SlotLease(1, Path({str(tmp_path)!r})); print(lease.slots[0], flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "0"
        with SlotLease(1, tmp_path) as lease:
            assert lease.slots == [1]
    finally:
        holder.kill()  # killed, not released: the kernel drops its lock
        holder.wait()
    with SlotLease(1, tmp_path) as lease:
        assert lease.slots == [0]


def test_no_free_slot_is_an_error_that_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr("autograder.isolate.slots.MAX_SLOTS", 2)
    with SlotLease(2, tmp_path), pytest.raises(SlotsBusy, match="held by other grading runs"):
        SlotLease(1, tmp_path)

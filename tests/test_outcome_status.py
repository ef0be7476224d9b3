"""A request's outcome is one of a closed set of statuses (an enum), never free text."""

from __future__ import annotations

import json

import pytest

from autograder.run.session import Outcome, OutcomeStatus


def test_a_status_named_by_the_worker_is_the_enum_member():
    outcome = Outcome("raised", error={"types": ["NotImplementedError"]})
    assert outcome.status is OutcomeStatus.RAISED and outcome.not_implemented
    assert f"{outcome.status}" == str(outcome.status) == "raised"
    assert json.loads(json.dumps({"status": outcome.status})) == {"status": "raised"}


def test_an_unknown_status_is_refused_or_read_as_a_protocol_error():
    with pytest.raises(ValueError):
        Outcome("fine")
    assert OutcomeStatus.of_reply("fine") is None and OutcomeStatus.of_reply(None) is None
    assert OutcomeStatus.of_reply("timeout") is OutcomeStatus.TIMEOUT

"""The example events in tests/events/ are current and do what their names say."""

from __future__ import annotations

import json

import pytest
from support.events import EVENTS_DIR, EXPECTED, event_text, example_events

NAMES = sorted(EXPECTED)


def test_example_events_are_current(seed):
    expected = {name: event_text(event) for name, event in example_events(seed).items()}
    found = {path.stem: path.read_text(encoding="utf-8") for path in EVENTS_DIR.glob("*.json")}
    stale = sorted(name for name in expected.keys() | found.keys() if expected.get(name) != found.get(name))
    assert not stale, (
        f"tests/events/ is out of date ({', '.join(stale)}); regenerate it with "
        "`cd tests && ../.venv/bin/python -m support.events`"
    )


def test_every_event_is_named_accepted_or_rejected():
    assert all(name.startswith(("accepted_", "rejected_")) for name in NAMES)
    assert {path.stem for path in EVENTS_DIR.glob("*.json")} == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_example_event_does_what_its_name_says(api, name):
    event = json.loads((EVENTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    first = api.call(event)
    assert first.status == EXPECTED[name], first.text
    records = [key for key in api.keys() if "/by-id/" not in key]
    if name.startswith("accepted_"):
        assert len(records) == 1
        assert api.call(event).status == 200
        assert [key for key in api.keys() if "/by-id/" not in key] == records
    else:
        assert 400 <= first.status < 500
        assert api.keys() == []

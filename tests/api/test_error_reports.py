"""Error reports never carry personal values."""

from __future__ import annotations

import json

from api.error_reports import scrub

EMAIL = "asha.rao@example.test"


def test_a_sentry_event_is_scrubbed_of_request_values_and_messages():
    event = {
        "request": {
            "url": "http://mandi.test/graphql",
            "data": {"query": "mutation", "variables": {"email": EMAIL}},
            "query_string": f"email={EMAIL}",
            "cookies": {"mandi_session": "secret-token"},
            "headers": {"Authorization": "Bearer mandi_pt_x_y", "Content-Type": "application/json"},
        },
        "user": {"email": EMAIL, "ip_address": "203.0.113.5"},
        "extra": {"input": EMAIL},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": f"bad email {EMAIL}",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"email": EMAIL}}]},
                }
            ]
        },
        "logentry": {"message": f"failed for {EMAIL}"},
        "breadcrumbs": {"values": [{"category": "query", "message": f"SELECT '{EMAIL}'"}]},
        "contexts": {"graphql": {"variables": {"email": EMAIL}}},
    }
    cleaned = json.dumps(scrub(event))
    for secret in (EMAIL, "secret-token", "mandi_pt_x_y", "203.0.113.5"):
        assert secret not in cleaned
    assert "ValueError" in cleaned and "application/json" in cleaned

"""The webhook reader on arbitrary input: a Notification or a PayloadError, nothing else."""

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from channels.whatsapp.webhook import Notification, PayloadError, parse
from tests.channels.whatsapp import payloads

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)


def read(payload):
    try:
        return parse(payload, phone_number_id=payloads.PHONE_NUMBER_ID)
    except PayloadError:
        return None


@given(json_values)
@settings(max_examples=300, deadline=None)
def test_any_json_is_read_or_refused(value):
    result = read(value)
    assert result is None or isinstance(result, Notification)


KEYS = [
    *("object", "entry", "changes", "value", "messages", "statuses", "metadata", "from"),
    *("id", "timestamp", "type", "text", "body", "interactive", "button_reply", "errors"),
]


@given(
    st.sampled_from(sorted(payloads.VALID)),
    st.lists(st.tuples(st.sampled_from(KEYS), json_values), min_size=1, max_size=3),
)
@settings(max_examples=300, deadline=None)
def test_captured_payloads_with_a_field_replaced_are_read_or_refused(name, replacements):
    payload = copy.deepcopy(payloads.VALID[name][0])
    for key, value in replacements:
        _replace(payload, key, value)
    result = read(json.loads(json.dumps(payload)))
    assert result is None or isinstance(result, Notification)


def _replace(node, key, value) -> bool:
    """Replace the first `key` found depth-first."""
    if isinstance(node, dict):
        if key in node:
            node[key] = value
            return True
        return any(_replace(child, key, value) for child in node.values())
    if isinstance(node, list):
        return any(_replace(child, key, value) for child in node)
    return False


def test_every_valid_payload_reads_to_what_is_stored():
    for name, (payload, expected) in payloads.VALID.items():
        notification = parse(payload, phone_number_id=payloads.PHONE_NUMBER_ID)
        got = [(m.kind, m.text, m.media_id) for m in notification.messages]
        assert got == expected, name

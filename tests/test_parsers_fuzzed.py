"""Property tests: every parser of outside input gives a result or its own clear error, whatever
it is fed, never a crash (an exception of any other type).

Parsers: AML (contacts/aml.py), locations (incidents/locations.py), phone numbers
(contacts/phones.py), the EIDO import (incidents/eido.py: validation then reading), the replay
CSV (demand/replay.py) and the planning files (analytics/planfiles.py).
"""

import contextlib
import copy
import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from demandhub.analytics import planfiles
from demandhub.contacts import aml, phones
from demandhub.demand import replay
from demandhub.incidents import eido, locations
from tests.shared_reference import shared_reference

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text shaped like each format, so the fuzzing reaches past the first check.
AML_SMS = st.builds(
    lambda parts: 'A"ML=1;' + ";".join(parts),
    st.lists(
        st.builds(
            "{}={}".format,
            st.sampled_from(["lt", "lg", "rd", "top", "lc", "pm", "si", "ei", "mcc", "mnc", "ml"]),
            st.text(alphabet="0123456789.-+eE,GWCN ", max_size=12),
        ),
        max_size=12,
    ),
)
AML_HTTPS = st.builds(
    lambda pairs: "&".join(f"{k}={v}" for k, v in pairs),
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "v",
                    "device_number",
                    "location_latitude",
                    "location_longitude",
                    "location_time",
                    "location_accuracy",
                    "location_source",
                    "emergency_number",
                ]
            ),
            st.text(max_size=15),
        ),
        max_size=10,
    ),
)
GRID_LIKE = st.builds(
    "{}{} {}".format,
    st.text(alphabet="ABCDEFGHJKLMNOPQRSTUVWXYZ", min_size=0, max_size=3),
    st.text(alphabet="0123456789", max_size=6),
    st.text(alphabet="0123456789", max_size=6),
)
LATLON_LIKE = st.builds(
    "{}, {}".format,
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8)),
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8)),
)


@FUZZ
@given(st.one_of(st.text(), AML_SMS, AML_HTTPS))
def test_aml_gives_a_position_or_an_aml_error(text):
    try:
        position = aml.parse(text)
    except aml.AmlError:
        return
    assert position is not None


@FUZZ
@given(
    st.one_of(st.text(), GRID_LIKE, LATLON_LIKE, AML_SMS),
    st.sampled_from(["", "grid", "latlon", "bng", "w3w", "aml", "address"]),
)
def test_locations_give_a_location_or_a_location_error(text, kind):
    try:
        found = locations.parse(text, kind=kind)
    except locations.LocationInvalid:
        return
    assert found is not None


@FUZZ
@given(st.one_of(st.text(), st.text(alphabet="+0123456789 ()-#*x", max_size=25)))
def test_phone_numbers_give_e164_or_nothing(raw):
    number = phones.to_e164(raw)

    assert number == "" or (number.startswith("+") and number[1:].isdigit())
    if number:
        assert phones.for_display(number)


CSV_CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    import csv

    csv.writer(out).writerows(rows)
    return out.getvalue()


@FUZZ
@given(
    st.lists(st.lists(CSV_CELL, max_size=6), max_size=8),
    st.booleans(),
)
def test_replay_csv_gives_sends_or_row_problems(rows, with_seattle_header):
    mapping = replay.read_mapping(replay.SEATTLE)
    if with_seattle_header:
        rows = [list(mapping.columns.values()), *rows]
    text = _csv(rows)

    for item in replay.read_rows(io.StringIO(text), mapping):
        assert isinstance(item, replay.Send | replay.RowProblem)


@FUZZ
@given(
    st.dictionaries(
        st.text(max_size=12),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=8,
        ),
        max_size=6,
    )
)
def test_a_replay_mapping_is_read_or_refused_clearly(raw):
    with contextlib.suppress(replay.MappingError):
        replay.read_mapping(raw)


def _planfile_text(rows: list[list[str]], header: list[str]) -> str:
    return _csv([header, *rows])


@FUZZ
@given(
    st.lists(
        st.lists(
            st.one_of(
                CSV_CELL, st.sampled_from(["Mon", "12", "1.5", "-1", "nan", "inf", "", "99"])
            ),
            max_size=5,
        ),
        max_size=6,
    ),
    st.sampled_from(["demand", "channels", "rota"]),
    st.booleans(),
)
def test_planning_files_give_a_plan_or_a_plan_file_error(rows, which, real_header):
    reader = {
        "demand": planfiles.read_demand,
        "channels": planfiles.read_channels,
        "rota": planfiles.read_rota,
    }[which]
    header = HEADERS[which] if real_header else (rows[0] if rows else [])
    text = _planfile_text(rows, header)

    with contextlib.suppress(planfiles.PlanFileError):
        reader(io.StringIO(text))


HEADERS = {
    "demand": list(planfiles.DEMAND_COLUMNS),
    "rota": [*planfiles.ROTA_COLUMNS, "999"],
    "channels": list(planfiles.CHANNEL_COLUMNS),
}


# --- EIDO: mutate a valid document anywhere; it validates and is read, or is refused ------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


@pytest.fixture(scope="module")
def eido_sample() -> tuple[dict[str, Any], str]:
    reference = shared_reference() / "eido"
    document = json.loads((reference / "samples" / "sample_call_transfer_EIDO.json").read_text())
    return document, str(reference / "schema" / "openapi.yaml")


@FUZZ
@given(data=st.data())
def test_an_eido_document_is_read_after_validation_or_refused_with_reasons(eido_sample, data):
    document, schema = eido_sample
    mutated = copy.deepcopy(document)
    paths = [p for p in _paths(mutated) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = mutated
        try:
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = data.draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            assume(False)

    try:
        eido.validate(mutated, schema=schema)
    except eido.EidoInvalid:
        return  # refused whole, with its reasons
    found = eido.read_document(mutated)
    assert isinstance(found.summary, str)


@FUZZ
@given(JSON_VALUES)
def test_anything_that_is_not_an_eido_document_is_refused_with_reasons(eido_sample, value):
    _, schema = eido_sample
    with pytest.raises(eido.EidoInvalid):
        eido.validate(value if not isinstance(value, dict) else {**value, "$id": 1}, schema=schema)

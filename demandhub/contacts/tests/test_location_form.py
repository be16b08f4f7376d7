"""The handler's location box reads grid references and coordinates as the incident console does."""

import pytest

from demandhub.contacts.forms import LocationForm


def test_a_grid_reference_gives_its_position():
    form = LocationForm({"text": "TL 45000 58000"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["latitude"] == pytest.approx(52.2012, abs=0.001)
    assert form.cleaned_data["longitude"] == pytest.approx(0.1203, abs=0.001)


def test_a_description_is_kept_without_a_position():
    form = LocationForm({"text": "behind the shops by the river"})

    assert form.is_valid(), form.errors
    assert (form.cleaned_data["latitude"], form.cleaned_data["longitude"]) == (None, None)


@pytest.mark.parametrize("text", ["TL 4500 580", "91.5, 0.12", "///not.enough"])
def test_a_malformed_grid_reference_or_coordinates_is_refused_with_the_reason(text):
    form = LocationForm({"text": text})

    assert not form.is_valid()
    assert form.non_field_errors()

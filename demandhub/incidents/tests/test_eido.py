"""EIDO: validation against NENA's schema, the official samples, and an export/import round trip."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from demandhub.audit.models import Action, Event
from demandhub.incidents import eido
from demandhub.incidents.actions import PersonDetails, import_eido_incident, raise_incident
from demandhub.incidents.locations import parse
from demandhub.incidents.models import Incident
from tests.shared_reference import shared_reference

from .factories import thrive


@pytest.fixture
def reference() -> Path:
    return shared_reference() / "eido"


@pytest.fixture
def schema(reference, settings) -> str:
    path = str(reference / "schema" / "openapi.yaml")
    settings.EIDO_SCHEMA_PATH = path
    return path


def sample(reference: Path, name: str) -> dict:
    return json.loads((reference / "samples" / name).read_text())


def test_the_schema_defect_is_coped_with_not_fixed(schema):
    text = Path(schema).read_text()
    assert "minItems: 1," in text  # the published defect is still there

    loaded = eido._read_yaml(Path(schema))

    agent = loaded["components"]["schemas"]["AgentType"]["allOf"][1]
    assert agent["properties"]["agentRoleRegistryText"]["minItems"] == 1


def test_the_official_call_transfer_sample_validates(reference, schema):
    assert eido.problems(sample(reference, "sample_call_transfer_EIDO.json")) == []


def test_the_withdrawn_2021_sample_is_refused_with_reasons(reference, schema):
    reasons = eido.problems(sample(reference, "Sample_EIDO_2021-04_outdated.json"))

    assert len(reasons) >= 10
    assert "(document): 'eidoVersion' is a required property" in reasons


def test_the_official_sample_imports_as_an_incident(reference, schema, call_handler):
    incident = import_eido_incident(
        sample(reference, "sample_call_transfer_EIDO.json"), by=call_handler
    )

    assert incident.status == Incident.Status.OPEN
    assert incident.address == "42 W Cellular Street, Wilmington, DE, US"
    assert incident.persons.get().role == "caller"
    event = Event.objects.get(action=Action.INCIDENT_IMPORTED)
    assert event.data["eido_id"] == "urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us"


def test_an_invalid_document_is_refused_whole_and_nothing_is_stored(reference, schema):
    with pytest.raises(eido.EidoInvalid) as e:
        import_eido_incident(sample(reference, "Sample_EIDO_2021-04_outdated.json"), by=None)

    assert e.value.reasons
    assert not Incident.objects.exists()


def test_export_validates_and_imports_back_the_same_incident(schema, call_handler, cambridge):
    original = raise_incident(
        by=call_handler,
        summary="Burglary in progress",
        classification="CRIME-BURGLARY-DWELLING",
        location=parse("TL 45000 58000"),
        address="14 Mill Road",
        persons=[PersonDetails("caller", "Pat Smith"), PersonDetails("suspect", "Unknown male")],
        assessment=thrive(circumstances=("crime_in_progress",)),
    )

    document = eido.export_incident(original)

    assert eido.problems(document) == []
    assert document["incidentComponent"]["incidentCommonPriorityNumber"] == 1
    copy = import_eido_incident(json.loads(json.dumps(document)), by=call_handler)
    assert copy.reference != original.reference
    assert copy.classification == "CRIME-BURGLARY-DWELLING"
    assert (round(copy.latitude, 5), round(copy.longitude, 5)) == (
        round(original.latitude, 5),
        round(original.longitude, 5),
    )
    assert copy.area == cambridge
    assert copy.address == "14 Mill Road"
    assert sorted(p.role for p in copy.persons.all()) == ["caller", "suspect"]
    assert "Burglary in progress" in copy.summary


def test_without_a_schema_path_the_error_says_how_to_give_one(settings):
    settings.EIDO_SCHEMA_PATH = ""

    with pytest.raises(eido.SchemaUnavailable, match="EIDO_SCHEMA_PATH"):
        eido.problems({})


def test_the_export_command_prints_a_valid_document(schema, call_handler, capsys):
    incident = raise_incident(by=call_handler, summary="Noise", classification="ASB-NUISANCE")

    call_command("eido", "export", incident.reference, "--schema", schema)

    assert json.loads(capsys.readouterr().out)["incidentComponent"]["internalIncidentId"] == (
        incident.reference
    )
    assert Event.objects.filter(action=Action.INCIDENT_EXPORTED).count() == 1


@pytest.mark.parametrize(
    ("name", "code"),
    [("sample_call_transfer_EIDO.json", 0), ("Sample_EIDO_2021-04_outdated.json", 1)],
)
def test_the_validate_command_exits_0_when_valid_and_1_with_reasons(reference, schema, name, code):
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "demandhub",
            "eido",
            "validate",
            str(reference / "samples" / name),
            "--schema",
            schema,
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == code, result.stderr
    if code:
        assert "'eidoVersion' is a required property" in result.stderr


def test_the_location_command_prints_json_and_exits_2_on_nonsense():
    ok = subprocess.run(
        [sys.executable, "-m", "demandhub", "location", "parse", "TL 45000 58000"],
        capture_output=True,
        text=True,
        check=False,
    )
    bad = subprocess.run(
        [sys.executable, "-m", "demandhub", "location", "parse", "nowhere at all!"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert ok.returncode == 0
    assert json.loads(ok.stdout)["easting"] == 545000
    assert bad.returncode == 2
    assert "not a recognisable location" in bad.stderr

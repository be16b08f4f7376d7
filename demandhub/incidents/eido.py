"""EIDO (NENA-STA-021, JSON): export an incident, validate a document, import one.

NENA's schema is not shipped with the product (it is published without a licence to
redistribute): it is read from EIDO_SCHEMA_PATH or a --schema option. The published openapi.yaml
has a defect, `minItems: 1,` (a trailing comma YAML reads as the string "1,"), which strict
validators crash on; load_schema() coerces such numeric keywords instead of editing the file.

An EIDO conveys the incident's current state, not its history (NENA, 2022-05-26 note).
"""

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlparse

import yaml
from django.conf import settings
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from .classifications import catalogue
from .locations import Location, LocationInvalid, from_latlon, parse_address
from .models import Incident

ROOT_SCHEMA = "EmergencyIncidentDataObjectType"
# JSON Schema keywords whose value must be a number; the published YAML spells one as "1,".
_NUMERIC_KEYWORDS = frozenset(
    {
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "minProperties",
        "maxProperties",
        "multipleOf",
    }
)
_NUMBER_WITH_JUNK = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,?\s*$")


class SchemaUnavailable(Exception):
    """No schema path configured, or the file cannot be read."""


class EidoInvalid(ValueError):
    """The document does not satisfy the schema; `reasons` lists every problem."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons[:5]) + (" …" if len(reasons) > 5 else ""))
        self.reasons = reasons


def _coerce_numbers(node: Any) -> Any:
    if isinstance(node, dict):
        fixed = {}
        for key, value in node.items():
            m = _NUMBER_WITH_JUNK.match(value) if isinstance(value, str) else None
            if key in _NUMERIC_KEYWORDS and m:
                number = float(m.group(1))
                value = int(number) if number.is_integer() else number
            fixed[key] = _coerce_numbers(value)
        return fixed
    if isinstance(node, list):
        return [_coerce_numbers(v) for v in node]
    return node


def _read_yaml(path: Path) -> Any:
    try:
        return _coerce_numbers(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as e:
        raise SchemaUnavailable(f"cannot read the EIDO schema {path}: {e}") from e


def schema_path(explicit: str | Path | None = None) -> Path:
    raw = explicit or getattr(settings, "EIDO_SCHEMA_PATH", "")
    if not raw:
        raise SchemaUnavailable(
            "no EIDO schema: set EIDO_SCHEMA_PATH to NENA's openapi.yaml or pass --schema"
        )
    path = Path(raw).expanduser().resolve()
    if not path.is_file():
        raise SchemaUnavailable(f"the EIDO schema {path} does not exist")
    return path


@cache
def _validator(path: Path) -> Draft4Validator:
    """A draft 4 validator for the EIDO root, resolving the schema's relative $refs
    (NIEMComponents/*.yaml) from the files beside it."""
    root = _read_yaml(path)
    base = path.as_uri()

    def retrieve(uri: str) -> Resource[Any]:
        local = Path(os.path.normpath(urlparse(urldefrag(uri).url).path))
        return Resource.from_contents(_read_yaml(local), default_specification=DRAFT4)

    registry: Registry[Any] = Registry(retrieve=retrieve).with_resource(
        base, Resource.from_contents(root, default_specification=DRAFT4)
    )
    return Draft4Validator({"$ref": f"{base}#/components/schemas/{ROOT_SCHEMA}"}, registry=registry)


def problems(document: Any, *, schema: str | Path | None = None) -> list[str]:
    """Every way `document` fails the EIDO schema, as readable lines; [] when valid."""
    validator = _validator(schema_path(schema))
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(document)"
        found.append(f"{where}: {error.message[:300]}")
    return found


def validate(document: Any, *, schema: str | Path | None = None) -> None:
    if reasons := problems(document, schema=schema):
        raise EidoInvalid(reasons)


# --- Export ------------------------------------------------------------------------------------

# Our statuses in NENA's incident status registry terms (closest match).
_STATUS_TEXT = {
    "open": "Created",
    "graded": "Created",
    "awaiting_deployment": "Dispatch.Pending",
    "resources_assigned": "Dispatch.Dispatched",
    "at_scene": "Dispatch.OnScene",
    "with_resolution_team": "Referred",
    "redirected": "Referred",
    "resolved": "Closed",
    "closed": "Closed",
}
_PERSON_ROLE = {
    "caller": "Caller",
    "victim": "Victim",
    "suspect": "Suspect",
    "witness": "Witness",
    "subject": "Subject",
    "other": "Other",
}


def _stamp(value: Any) -> str:
    return value.isoformat(timespec="milliseconds")


def export_incident(incident: Incident) -> dict[str, Any]:
    """The incident's current state as an EIDO document."""
    domain = getattr(settings, "EIDO_AGENCY_ID", "") or f"{settings.FORCE_CODE.lower()}.police.uk"
    agency = {"$ref": domain}
    updated = max([incident.opened_at, *(e.written_at for e in incident.log_entries.all())])

    def prologue(component_id: str, at: Any = None) -> dict[str, Any]:
        return {
            "$id": component_id,
            "lastUpdateTimeStamp": _stamp(at or updated),
            "updatedByAgencyReference": agency,
        }

    uid = f"urn:emergency:uid:incidentid:{incident.reference}:{domain}"
    classification = catalogue().get(incident.classification)
    incident_component: dict[str, Any] = {
        **prologue(uid),
        "incidentTypeCommonRegistryText": "Police",
        "incidentTypeInternalCode": incident.classification or "UNCLASSIFIED",
        "incidentTypeInternalText": classification.label if classification else "Unclassified",
        "incidentStatusCommonRegistryText": [_STATUS_TEXT[incident.status]],
        "incidentStatusInternalText": [incident.get_status_display()],
        "internalIncidentId": incident.reference,
    }
    if incident.grade:
        incident_component["incidentCommonPriorityNumber"] = incident.grade
        incident_component["incidentPriorityInternalText"] = incident.get_grade_display()
    document: dict[str, Any] = {
        **prologue(uid),
        "eidoVersion": "1.0",
        "issuingElementIdentification": f"demandhub.{domain}",
        "agencyComponent": [
            {
                **prologue(domain, incident.opened_at),
                "agencyRoleDescriptionRegistryText": ["CallReceiving", "Dispatch"],
                "agencyType": ["police"],
            }
        ],
        "incidentComponent": incident_component,
    }
    location = incident.location or {}
    if location or incident.address:
        location_id = f"urn:emergency:uid:locationid:{incident.reference}:{domain}"
        component = {
            **prologue(location_id),
            "locationTypeDescriptionRegistryText": "Incident",
            "locationDescriptionText": incident.address or location.get("text", ""),
        }
        if incident.latitude is not None:
            component["locationByValue"] = _pidf_point(
                incident.latitude,
                incident.longitude,
                location.get("accuracy_m"),  # type: ignore[arg-type]
            )
        document["locationComponent"] = [component]
        incident_component["locationReference"] = [{"$ref": location_id}]
    persons = list(incident.persons.all())
    if persons:
        document["personComponent"] = [
            {
                **prologue(f"urn:emergency:uid:personid:{incident.reference}-{p.pk}:{domain}"),
                "personIncidentRoleRegistryText": [_PERSON_ROLE.get(p.role, "Other")],
                "ncPersonComponent": {"name": [{"personFullName": [{"value": p.name}]}]},
            }
            for p in persons
        ]
        incident_component["personReference"] = [
            {"$ref": c["$id"]} for c in document["personComponent"]
        ]
    notes = [e for e in incident.log_entries.all() if not e.stricken]
    document["notesComponent"] = [
        {
            **prologue(
                f"urn:emergency:uid:noteid:{incident.reference}-{e.pk}:{domain}", e.written_at
            ),
            "notesActionComments": e.text,
        }
        for e in notes
    ] or [
        {
            **prologue(f"urn:emergency:uid:noteid:{incident.reference}-0:{domain}"),
            "notesActionComments": incident.summary,
        }
    ]
    return document


def _pidf_point(lat: float, lon: float, accuracy: float | None) -> str:
    """A PIDF-LO presence document with a GML point (or circle), as EIDO carries locations."""
    shape = (
        f'<gs:Circle srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>{lat} {lon}</gml:pos>'
        f'<gs:radius uom="urn:ogc:def:uom:EPSG::9001">{accuracy:g}</gs:radius></gs:Circle>'
        if accuracy
        else f'<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>{lat} {lon}</gml:pos>'
        "</gml:Point>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml" '
        'xmlns:gs="http://www.opengis.net/pidflo/1.0" entity="pres:incident@demandhub">'
        f'<tuple id="location"><status><gp:geopriv><gp:location-info>{shape}'
        "</gp:location-info></gp:geopriv></status></tuple></presence>"
    )


# --- Import ------------------------------------------------------------------------------------

_GML_POS = re.compile(r"<(?:\w+:)?pos>\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*</(?:\w+:)?pos>")
_RADIUS = re.compile(r"<(?:\w+:)?radius[^>]*>\s*(\d+(?:\.\d+)?)\s*</(?:\w+:)?radius>")
_CIVIC = re.compile(r"<(HNO|HNS|PRD|RD|STS|A6|A5|A4|A3|A2|A1|PC|country)>([^<]*)</\1>")


@dataclass(frozen=True)
class ImportedIncident:
    """What an EIDO document says, in our terms, ready for actions.raise_incident."""

    eido_id: str
    summary: str
    classification: str
    location: Location | None
    address: str
    persons: list[tuple[str, str]]  # (role, name)


def read_document(document: dict[str, Any]) -> ImportedIncident:
    """Our reading of a valid EIDO document (validate it first)."""
    incident = document.get("incidentComponent") or {}
    notes = [n.get("notesActionComments", "") for n in document.get("notesComponent") or []]
    kind = incident.get("incidentTypeInternalText") or incident.get(
        "incidentTypeCommonRegistryText"
    )
    call = (document.get("callComponent") or [{}])[0]
    summary = " / ".join(x for x in [kind or "", *notes] if x).strip()
    if not summary:
        summary = f"Transferred {call.get('standardPrimaryCallType', 'emergency')} call " + (
            f"({call.get('callStateRegistryText')})" if call.get("callStateRegistryText") else ""
        )
    code = incident.get("incidentTypeInternalCode", "")
    location, address = _location(document.get("locationComponent") or [])
    persons = []
    for p in document.get("personComponent") or []:
        roles = p.get("personIncidentRoleRegistryText") or ["Other"]
        role = next((k for k, v in _PERSON_ROLE.items() if v.lower() == roles[0].lower()), "other")
        persons.append((role, _person_name(p) or roles[0]))
    return ImportedIncident(
        eido_id=str(document.get("$id", "")),
        summary=summary.strip()[:4000],
        classification=code if catalogue().get(code) else "",
        location=location,
        address=address,
        persons=persons,
    )


def _person_name(component: dict[str, Any]) -> str:
    names = (component.get("ncPersonComponent") or {}).get("name") or [{}]
    first = names[0] if isinstance(names, list) and names else {}
    full = first.get("personFullName") if isinstance(first, dict) else None
    if isinstance(full, list) and full and isinstance(full[0], dict):
        return str(full[0].get("value", ""))
    return ""


def _location(components: list[dict[str, Any]]) -> tuple[Location | None, str]:
    """The first position given by value, else a civic address as free text."""
    address = ""
    for c in components:
        text = c.get("locationByValue") or ""
        if m := _GML_POS.search(text):
            radius = _RADIUS.search(text)
            try:
                return (
                    from_latlon(
                        float(m.group(1)),
                        float(m.group(2)),
                        text=m.group(0),
                        source="eido",
                        accuracy_m=float(radius.group(1)) if radius else None,
                    ),
                    c.get("locationDescriptionText", ""),
                )
            except LocationInvalid:
                continue
        parts = dict(_CIVIC.findall(text))
        civic = ", ".join(
            x
            for x in (
                " ".join(
                    parts[k].strip() for k in ("HNO", "HNS", "PRD", "RD", "STS") if parts.get(k)
                ),
                *(parts.get(k, "").strip() for k in ("A6", "A5", "A4", "A3", "A2", "A1", "PC")),
                parts.get("country", "").strip(),
            )
            if x.strip()
        )
        address = address or civic or c.get("locationDescriptionText", "")
    if address:
        try:
            return parse_address(address, source="eido"), address
        except LocationInvalid:
            pass
    return None, address


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)

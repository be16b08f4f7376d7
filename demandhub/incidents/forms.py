"""HTML input for the incident consoles: validation and conversion to domain values."""

from typing import Any

from django import forms

from demandhub.contacts.phones import to_e164

from . import grading
from .classifications import catalogue
from .locations import Location, LocationInvalid, parse
from .models import Incident, Person, WarningMarker

LEVEL_CHOICES = [("", "—")] + [(lv.value, lv.label) for lv in grading.Level]


class LocationField(forms.CharField):
    """Text in any supported format, cleaned to a locations.Location."""

    def clean(self, value: Any) -> Location | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse(text)
        except LocationInvalid as e:
            raise forms.ValidationError(str(e)) from e


class IncidentForm(forms.Form):
    classification = forms.ChoiceField(label="Opening classification")
    summary = forms.CharField(
        label="What happened", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    location = LocationField(
        label="Location",
        required=False,
        max_length=400,
        help_text="Grid reference (TL 45000 58000), lat, lon, easting northing, ///what3words, "
        "an AML message or an address",
    )
    address = forms.CharField(label="Address or description", required=False, max_length=300)
    caller_name = forms.CharField(label="Caller name", required=False, max_length=200)
    caller_phone = forms.CharField(label="Caller phone", required=False, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = [("", "Choose…"), *catalogue().choices()]


class PersonForm(forms.Form):
    role = forms.ChoiceField(choices=[c for c in Person.Role.choices if c[0] != "caller"])
    name = forms.CharField(max_length=200, required=False)
    date_of_birth = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    phone = forms.CharField(max_length=32, required=False)


PersonFormSet = forms.formset_factory(PersonForm, extra=2, max_num=10)


class ThriveForm(forms.Form):
    """The six THRIVE elements (level + rationale), the circumstances and the '+' checklist."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, name in grading.ELEMENTS.items():
            self.fields[f"{key}_level"] = forms.ChoiceField(label=name, choices=LEVEL_CHOICES)
            self.fields[f"{key}_rationale"] = forms.CharField(
                label=f"{name}: rationale", max_length=500
            )
        self.fields["circumstances"] = forms.MultipleChoiceField(
            choices=list(grading.CIRCUMSTANCES.items()),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["plus"] = forms.MultipleChoiceField(
            label="THRIVE+ checklist",
            choices=list(grading.plus_checklist().items()),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def element_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (name, self[f"{k}_level"], self[f"{k}_rationale"])
            for k, name in grading.ELEMENTS.items()
        ]

    def assessment(self) -> grading.Assessment:
        data = self.cleaned_data
        return grading.Assessment.from_dict(
            {
                "elements": {
                    k: {"level": data[f"{k}_level"], "rationale": data[f"{k}_rationale"]}
                    for k in grading.ELEMENTS
                },
                "circumstances": data["circumstances"],
                "plus": {k: k in data["plus"] for k in grading.plus_checklist()},
            }
        )

    def partial_assessment(self) -> grading.Assessment | None:
        """The assessment from whatever is filled in so far (missing levels count as none), for
        showing the proposal while the handler works; None before any level is chosen."""
        raw = self.data
        if not any(raw.get(f"{k}_level") for k in grading.ELEMENTS):
            return None
        levels = {
            k: raw.get(f"{k}_level")
            if raw.get(f"{k}_level") in {lv.value for lv in grading.Level}
            else "none"
            for k in grading.ELEMENTS
        }
        circumstances = [c for c in raw.getlist("circumstances") if c in grading.CIRCUMSTANCES]
        return grading.Assessment(
            {k: grading.Element(grading.Level(v), "") for k, v in levels.items()},
            frozenset(circumstances),
            {},
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("override", "Override"), ("none", "Raise ungraded")]
    )
    override_grade = forms.TypedChoiceField(
        choices=[("", "—"), *grading.GRADE_CHOICES], coerce=int, required=False, empty_value=None
    )
    override_reason = forms.CharField(max_length=1000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "override":
            if not data.get("override_grade"):
                self.add_error("override_grade", "Choose the grade you are giving instead.")
            if not (data.get("override_reason") or "").strip():
                self.add_error("override_reason", "An override needs a reason.")
        return data


class RegradeForm(forms.Form):
    grade = forms.TypedChoiceField(choices=grading.GRADE_CHOICES, coerce=int)
    reason = forms.CharField(max_length=1000)


class EscalateForm(forms.Form):
    grade = forms.TypedChoiceField(
        choices=[c for c in grading.GRADE_CHOICES if c[0] != 4], coerce=int
    )
    reason = forms.CharField(max_length=1000)


class LogForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class StrikeForm(forms.Form):
    reason = forms.CharField(max_length=500)


class RedirectForm(forms.Form):
    agency = forms.ChoiceField(choices=Incident.Agency.choices)
    reason = forms.CharField(max_length=1000)


class CloseForm(forms.Form):
    closing_code = forms.ChoiceField()
    closing_classification = forms.ChoiceField(required=False)
    reason = forms.CharField(max_length=1000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closing_code"].choices = catalogue().closing_choices()
        self.fields["closing_classification"].choices = [
            ("", "Same as opening"),
            *catalogue().choices(),
        ]


class ResolveForm(forms.Form):
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    advice_given = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    crime_recorded = forms.BooleanField(required=False)
    crime_reference = forms.CharField(max_length=40, required=False)


class ReviewForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        label="Score (1 poor to 5 excellent)",
    )
    feedback = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class LinkForm(forms.Form):
    contact = forms.IntegerField(required=False)
    note = forms.CharField(max_length=1000, required=False)


class WarningForm(forms.Form):
    code = forms.ChoiceField(label="Warning", choices=WarningMarker.Code.choices)
    details = forms.CharField(label="Details", max_length=1000, required=False)
    location = LocationField(
        label="Place",
        required=False,
        max_length=400,
        help_text="Grid reference, lat, lon or easting northing: incidents within the radius match",
    )
    radius_m = forms.IntegerField(label="Radius (m)", min_value=5, max_value=1000, initial=30)
    person_name = forms.CharField(label="Person's name", max_length=200, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label="Phone", max_length=32, required=False)

    def clean_location(self) -> Location | None:
        place: Location | None = self.cleaned_data.get("location")
        if place is not None and (place.latitude is None or place.longitude is None):
            # An address alone cannot be matched by distance: ask for a position instead.
            raise forms.ValidationError(
                "Give the place as a position (grid reference, lat, lon, or easting northing)."
            )
        return place

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        # Callers' numbers are stored in E.164, so the marker must be too to match them.
        number = to_e164(raw)
        if not number:
            raise forms.ValidationError(f"{raw!r} is not a phone number.")
        return number


class WithdrawWarningForm(forms.Form):
    reason = forms.CharField(max_length=500)

"""HTML input for the contact consoles and the public pages, with messages people understand."""

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from demandhub.incidents.classifications import catalogue

from .actions.outcomes import OUTCOMES_BY_CHANNEL, check_outcome
from .errors import OutcomeNotAllowed
from .models import Contact
from .phones import to_e164
from .uploads import MAX_BYTES, MAX_FILES, PhotoRefused, check_photo

Outcome = Contact.Outcome

# The order outcomes appear in, with the key that picks each (the console's shortcuts).
OUTCOME_ORDER = [
    Outcome.INCIDENT_RAISED,
    Outcome.CRIME_RECORDED,
    Outcome.ADVICE_GIVEN,
    Outcome.TRANSFERRED_TO_999,
    Outcome.REDIRECTED_ONLINE,
    Outcome.REDIRECTED_AGENCY,
    Outcome.INCIDENT_LINKED,
]
# The 101 switchboard's words for the same routes.
SWITCHBOARD_LABELS = {
    Outcome.TRANSFERRED_TO_999: "Emergency line (transfer to 999)",
    Outcome.INCIDENT_RAISED: "Public line (raise an incident)",
    Outcome.CRIME_RECORDED: "Crime line (record the crime now)",
    Outcome.REDIRECTED_ONLINE: "Online reporting",
    Outcome.REDIRECTED_AGENCY: "Another agency",
}


def outcome_choices(channel: str) -> list[tuple[str, str]]:
    allowed = OUTCOMES_BY_CHANNEL[channel]
    labels = SWITCHBOARD_LABELS if channel == Contact.Channel.NON_EMERGENCY_CALL else {}
    return [(o.value, labels.get(o, o.label)) for o in OUTCOME_ORDER if o in allowed]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(widget=forms.RadioSelect)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    offence = forms.CharField(required=False, max_length=200)
    reason = forms.CharField(required=False, max_length=1000)
    agency = forms.CharField(required=False, max_length=200)
    incident_reference = forms.CharField(required=False, max_length=24)
    classification = forms.ChoiceField(required=False, label="Opening classification")

    def __init__(self, *args: Any, channel: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.fields["outcome"].choices = outcome_choices(channel)
        self.fields["classification"].choices = [("", "Choose later…"), *catalogue().choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "outcome" in data:
            try:
                check_outcome(
                    self.channel,
                    data["outcome"],
                    summary=data.get("summary", ""),
                    reason=data.get("reason", ""),
                    agency=data.get("agency", ""),
                    incident_reference=data.get("incident_reference", ""),
                )
            except OutcomeNotAllowed as e:
                raise forms.ValidationError(str(e)) from None
        return data


# Text that starts like a grid reference, coordinates or a what3words address.
_LOOKS_STRUCTURED = re.compile(r"^\s*(///|[A-Za-z]{2}\s*\d|[-+]?\d)")


class LocationForm(forms.Form):
    text = forms.CharField(label="Where", max_length=300)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError("Give both latitude and longitude, or neither.")
        if data.get("latitude") is None and data.get("text"):
            data["latitude"], data["longitude"] = self._position_in(data["text"])
        return data

    def _position_in(self, text: str) -> tuple[float | None, float | None]:
        """The position a grid reference, coordinates or resolved what3words address gives,
        read the way the incident console reads them. A description ("behind the shops") or an
        address gives none and is kept as said; a malformed grid reference or coordinates is
        refused with the reason, rather than kept as if it were a description."""
        from demandhub.incidents.locations import LocationInvalid, parse

        try:
            location = parse(text)
        except LocationInvalid as e:
            if _LOOKS_STRUCTURED.match(text):
                raise forms.ValidationError(str(e)) from None
            return None, None
        return location.latitude, location.longitude


class ReporterUpdateForm(forms.Form):
    text = forms.CharField(label="Update for the reporter", max_length=2000)


class ContactDetailsMixin(forms.Form):
    name = forms.CharField(
        label="Your name", max_length=200, error_messages={"required": "Tell us your name."}
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    phone = forms.CharField(label="Phone number", required=False, max_length=30)

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data.get("phone", "").strip()
        if phone and not to_e164(phone):
            raise forms.ValidationError("Enter a phone number like 07700 900123.")
        return phone


class ChatStartForm(ContactDetailsMixin):
    message = forms.CharField(
        label="What would you like to talk to us about?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"You can send up to {MAX_FILES} photos.")
        checked = []
        for f in files:
            try:
                # The declared size first: a huge file is refused without reading it in.
                if f.size is not None and f.size > MAX_BYTES:
                    raise PhotoRefused(
                        f"“{f.name}” is larger than {MAX_BYTES // (1024 * 1024)} MB."
                    )
                checked.append((f.name, check_photo(f.read(MAX_BYTES + 1), f.name)))
            except PhotoRefused as e:
                raise forms.ValidationError(str(e)) from None
        return checked


class OnlineReportForm(ContactDetailsMixin):
    """The questions every online report asks; each kind adds its own (KIND_FIELDS)."""

    what_happened = forms.CharField(
        label="What happened?",
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Tell us what happened.",
            "min_length": "Tell us a little more about what happened (at least 10 characters).",
        },
    )
    where = forms.CharField(
        label="Where did it happen?",
        max_length=300,
        help_text="An address, a street and town, or a description of the place.",
        error_messages={"required": "Tell us where it happened."},
    )
    when = forms.DateField(
        label="When did it happen?",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Tell us the date it happened, or your best guess.",
            "invalid": "Enter the date as day, month and year.",
        },
    )
    photos = PhotosField(label="Photos", required=False)

    def clean_when(self) -> date:
        when: date = self.cleaned_data["when"]
        if when > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return when

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = data.get("email") or data.get("phone")
        if not given and not self.has_error("email") and not self.has_error("phone"):
            raise forms.ValidationError(
                "Give us an email address or a phone number so an officer can contact you."
            )
        return data


class CrimeReportForm(OnlineReportForm):
    stolen_or_damaged = forms.CharField(
        label="Was anything stolen or damaged? What?", required=False, max_length=1000
    )
    suspect = forms.CharField(
        label="Do you know who did it, or can you describe them?", required=False, max_length=1000
    )


class AsbReportForm(OnlineReportForm):
    still_happening = forms.ChoiceField(
        label="Is it still happening?",
        choices=[("", "Choose one"), ("yes", "Yes"), ("no", "No")],
        error_messages={"required": "Tell us whether it is still happening."},
    )
    how_often = forms.CharField(label="How often does it happen?", required=False, max_length=300)


class RoadTrafficReportForm(OnlineReportForm):
    vehicles = forms.CharField(
        label="Registration numbers of the vehicles involved", required=False, max_length=300
    )
    anyone_injured = forms.ChoiceField(
        label="Was anyone injured?",
        choices=[("", "Choose one"), ("no", "No"), ("yes", "Yes")],
        error_messages={"required": "Tell us whether anyone was injured."},
    )


REPORT_FORMS: dict[str, type[OnlineReportForm]] = {
    Contact.ReportKind.CRIME: CrimeReportForm,
    Contact.ReportKind.ANTI_SOCIAL_BEHAVIOUR: AsbReportForm,
    Contact.ReportKind.ROAD_TRAFFIC: RoadTrafficReportForm,
}
COMMON_FIELDS = {"name", "email", "phone", "what_happened", "photos"}


def report_details(form: OnlineReportForm) -> dict[str, str]:
    """The answers that are not contact details, as text, for the handler."""
    return {
        str(form.fields[name].label): (v.isoformat() if isinstance(v, date) else str(v))
        for name, v in form.cleaned_data.items()
        if name not in COMMON_FIELDS
    }

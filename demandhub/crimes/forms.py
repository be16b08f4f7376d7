"""HTML input for the crime consoles."""

from django import forms

from . import offences, outcomes
from .models import CrimeRecord, InvestigationAction, Party, VictimUpdate
from .victims_code import UPDATE_FREQUENCIES

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DetailsForm(forms.Form):
    offence_code = forms.ChoiceField(
        label="Offence classification", choices=[("", "—"), *offences.CHOICES], required=False
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    occurred_from = forms.DateTimeField(label="Occurred from", required=False, widget=DATETIME)
    occurred_to = forms.DateTimeField(label="Occurred to", required=False, widget=DATETIME)
    property_description = forms.CharField(
        label="Property", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    modus_operandi = forms.CharField(
        label="Modus operandi", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cctv = forms.BooleanField(label="CCTV", required=False)
    forensic_opportunity = forms.BooleanField(required=False)
    witnesses = forms.BooleanField(required=False)
    suspect_named = forms.BooleanField(label="Named suspect", required=False)
    suspect_described = forms.BooleanField(label="Described suspect", required=False)
    traceable_property = forms.BooleanField(required=False)
    vehicle_registration = forms.BooleanField(required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and end < start:
            self.add_error("occurred_to", "The end of the time window is before its start.")
        return data


class LocationForm(forms.Form):
    location = forms.CharField(label="Where it happened", max_length=300)


class PartyForm(forms.Form):
    role = forms.ChoiceField(choices=Party.Role.choices)
    name = forms.CharField(max_length=200, required=False)
    description = forms.CharField(max_length=1000, required=False)
    contact_details = forms.CharField(max_length=300, required=False)
    vulnerable = forms.BooleanField(required=False)


# Ways to reach a reporter other than their tracking page.
OTHER_CHANNELS = [
    c for c in VictimUpdate.Channel.choices if c[0] != VictimUpdate.Channel.TRACKING_PAGE
]


class InformationForm(forms.Form):
    questions = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="Anything else to ask", max_length=1000, required=False)
    channel = forms.ChoiceField(
        label="Asked by",
        choices=[("", "their tracking page"), *OTHER_CHANNELS],
        required=False,
    )

    def __init__(self, *args, questions=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["questions"].choices = [(q, q) for q in questions]


class FileForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason to file",
        choices=[
            (k, f"{label} (outcome {code})") for k, (label, code) in outcomes.FILE_REASONS.items()
        ],
    )
    note = forms.CharField(label="Explanation", max_length=2000, required=False)


class AllocateForm(forms.Form):
    area = forms.IntegerField(label="Policing area")
    override_reason = forms.CharField(
        label="Override reason (if not the suggested area)", max_length=1000, required=False
    )


class NotACrimeForm(forms.Form):
    reason = forms.CharField(label="Why this is not a crime", max_length=2000)


class AssignForm(forms.Form):
    officer = forms.IntegerField(label="Investigating officer")


class ActionForm(forms.Form):
    kind = forms.ChoiceField(choices=InvestigationAction.Kind.choices)
    owner = forms.IntegerField(required=False)
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(max_length=1000, required=False)


class ResultForm(forms.Form):
    result = forms.CharField(max_length=4000)


class VictimUpdateForm(forms.Form):
    text = forms.CharField(label="Update for the victim", max_length=2000)
    channel = forms.ChoiceField(choices=VictimUpdate.Channel.choices)
    kind = forms.ChoiceField(
        choices=[
            (VictimUpdate.Kind.REGULAR, "Regular update"),
            (VictimUpdate.Kind.KEY_DECISION, "Key decision"),
        ]
    )


class FirstContactForm(forms.Form):
    channel = forms.ChoiceField(choices=VictimUpdate.Channel.choices)
    note = forms.CharField(max_length=2000, required=False)


class VictimCareForm(forms.Form):
    enhanced = forms.BooleanField(label="Entitled to enhanced services", required=False)
    update_every_days = forms.TypedChoiceField(
        label="Agreed update frequency", coerce=int, choices=UPDATE_FREQUENCIES
    )


class KeyDecisionForm(forms.Form):
    decision = forms.CharField(label="Key decision", max_length=1000)


class CloseForm(forms.Form):
    outcome_code = forms.CharField(label="Outcome code", max_length=4)
    victim_told_on = forms.DateField(
        label="Date the victim was told (blank: tell them now on their tracking page)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(max_length=2000, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=16)
    note = forms.CharField(max_length=2000, required=False)


class LinkForm(forms.Form):
    other = forms.IntegerField()
    reason = forms.CharField(label="Why they are linked", max_length=2000)


CANCEL_CHOICES = CrimeRecord.CancellationReason.choices


class PostingForm(forms.Form):
    """Post a member of the crime team to an area, or (area left empty) end their posting."""

    user = forms.IntegerField(min_value=1)
    area = forms.IntegerField(label="Policing area", min_value=1, required=False)

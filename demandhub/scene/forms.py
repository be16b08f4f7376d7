import re

from django import forms

from .links import MAX_TOKEN_LENGTH

# UK mobile (07...) or international (+...) numbers, spaces and dashes allowed.
_PHONE = re.compile(r"^(\+[1-9]\d{6,14}|0\d{9,10})$")


class SmsForm(forms.Form):
    to = forms.CharField(label="Caller's mobile number", max_length=24)
    token = forms.CharField(max_length=MAX_TOKEN_LENGTH, widget=forms.HiddenInput)

    def clean_to(self) -> str:
        number = re.sub(r"[\s\-()]", "", self.cleaned_data["to"])
        if not _PHONE.match(number):
            raise forms.ValidationError(
                "Give a mobile number such as 07700 900123 or +447700900123."
            )
        if number.startswith("0"):
            number = "+44" + number[1:]
        return number


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(choices=[("still", "Still"), ("recording", "Recording")])
    file = forms.FileField()

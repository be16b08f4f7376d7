"""HTML input for the board and the mobile data terminal."""

from django import forms

from .models import Resource


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Resource.Status.choices)
    reason = forms.CharField(max_length=500, required=False)


class BookOnForm(forms.Form):
    call_sign = forms.CharField(max_length=16)

    def clean_call_sign(self) -> Resource:
        call_sign = self.cleaned_data["call_sign"].strip().upper()
        try:
            return Resource.objects.get(call_sign=call_sign)
        except Resource.DoesNotExist:
            raise forms.ValidationError(f"No unit has the call sign {call_sign!r}.") from None

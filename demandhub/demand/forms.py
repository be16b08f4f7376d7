from django import forms

from demandhub.accounts.models import User

from .scenarios import SCENARIOS


class ExerciseForm(forms.Form):
    name = forms.CharField(max_length=100)
    scenario = forms.ChoiceField(choices=[(s.name, s.title) for s in SCENARIOS.values()])
    scale = forms.FloatField(
        required=False, min_value=0.1, max_value=50, help_text="default: the scenario's"
    )
    minutes = forms.IntegerField(required=False, min_value=1, max_value=24 * 60)
    trainees = forms.ModelMultipleChoiceField(
        # People only: not the gateways and vehicle locators, nor an exercise's own gateway.
        queryset=User.objects.filter(is_active=True, groups__isnull=False)
        .exclude(groups__name__in=["contact_gateway", "vehicle_locator"])
        .distinct()
        .order_by("username"),
        required=False,
    )

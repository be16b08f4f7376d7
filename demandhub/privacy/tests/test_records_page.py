"""The supervisor's records page: restrict and lift (need_to_know), place and release legal
holds (privacy.holds), each with a reason and audited."""

import pytest
from django.urls import reverse

from demandhub.accounts import need_to_know
from demandhub.accounts.models import Team
from demandhub.audit.models import Action, Event
from demandhub.incidents.tests.factories import IncidentFactory
from demandhub.privacy.models import LegalHold

pytestmark = pytest.mark.django_db


def test_a_supervisor_restricts_an_incident_by_reference_and_lifts_it(client, supervisor):
    team = Team.objects.create(name="caiu", title="Child abuse investigation unit")
    incident = IncidentFactory()
    client.force_login(supervisor)

    client.post(
        reverse("privacy:restrict"),
        {
            "subject_type": "incidents.incident",
            "record": incident.reference.lower(),
            "category": "child_abuse",
            "teams": [team.pk],
            "reason": "Disclosure by a child",
        },
    )
    restriction = need_to_know.active_restriction(incident)
    assert restriction is not None
    assert list(restriction.teams.all()) == [team]
    page = client.get(reverse("privacy:records")).content.decode()
    assert incident.reference in page
    assert "Disclosure by a child" in page

    refused = client.post(reverse("privacy:lift", args=[restriction.pk]), {"reason": " "})
    assert refused.status_code == 302
    assert need_to_know.is_restricted(incident)
    client.post(reverse("privacy:lift", args=[restriction.pk]), {"reason": "Enquiry closed"})

    assert not need_to_know.is_restricted(incident)
    restricted = Event.objects.get(action=Action.RECORD_RESTRICTED)
    lifted = Event.objects.get(action=Action.RESTRICTION_LIFTED)
    assert (restricted.actor, restricted.data["reason"]) == (supervisor, "Disclosure by a child")
    assert (lifted.actor, lifted.data["reason"]) == (supervisor, "Enquiry closed")


def test_an_unknown_reference_is_refused_and_nothing_is_restricted(client, supervisor):
    client.force_login(supervisor)

    response = client.post(
        reverse("privacy:restrict"),
        {
            "subject_type": "incidents.incident",
            "record": "CC-19990101-0001",
            "category": "other",
            "reason": "x",
        },
        follow=True,
    )

    assert "no incident &#x27;CC-19990101-0001&#x27;" in response.content.decode()
    assert not Event.objects.filter(action=Action.RECORD_RESTRICTED).exists()


def test_a_supervisor_places_lists_and_releases_a_legal_hold(client, supervisor):
    incident = IncidentFactory()
    client.force_login(supervisor)

    client.post(
        reverse("privacy:place_hold"),
        {
            "hold-subject_type": "incidents.incident",
            "hold-record": incident.reference,
            "hold-reason": "IOPC",
        },
    )
    hold = LegalHold.objects.get()
    assert (hold.subject_id, hold.placed_by) == (str(incident.pk), supervisor)
    page = client.get(reverse("privacy:records")).content.decode()
    assert f'data-hold="{hold.pk}"' in page

    client.post(reverse("privacy:release_hold", args=[hold.pk]), {"reason": "Referral closed"})

    hold.refresh_from_db()
    assert hold.release_reason == "Referral closed"
    audited = Event.objects.filter(
        action__in=[Action.LEGAL_HOLD_PLACED, Action.LEGAL_HOLD_RELEASED]
    ).order_by("pk")
    assert [(e.action, e.actor) for e in audited] == [
        (Action.LEGAL_HOLD_PLACED, supervisor),
        (Action.LEGAL_HOLD_RELEASED, supervisor),
    ]
    assert f'data-hold="{hold.pk}"' not in client.get(reverse("privacy:records")).content.decode()


def test_other_roles_may_not_open_the_page(client, dispatcher):
    client.force_login(dispatcher)

    assert client.get(reverse("privacy:records")).status_code == 403

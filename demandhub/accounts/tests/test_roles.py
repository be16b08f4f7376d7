"""Roles are Groups kept in step with accounts/roles.py."""

import pytest
from django.contrib.auth.models import Group

from demandhub.accounts.actions import create_staff, set_roles, sync_roles
from demandhub.accounts.errors import UnknownRole
from demandhub.accounts.roles import ROLES
from demandhub.audit.models import Action, Event


def test_every_role_has_a_group_holding_exactly_its_permissions():
    for role in ROLES:
        group = Group.objects.get(name=role.name)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(role.permissions), role.name


def test_syncing_again_changes_nothing_and_audits_nothing():
    before = Event.objects.count()

    assert sync_roles(by=None) == []
    assert Event.objects.count() == before


def test_a_permission_added_by_hand_is_taken_away_by_the_next_sync(administrator):
    group = Group.objects.get(name="call_handler")
    group.permissions.add(*Group.objects.get(name="administrator").permissions.all())

    assert sync_roles(by=administrator) == ["call_handler"]
    assert Event.objects.filter(action=Action.ROLES_SYNCED, actor=administrator).exists()


def test_an_administrator_creates_staff_with_roles_and_it_is_audited(administrator):
    user = create_staff("pc123", by=administrator, password="x-long-pass", roles=["dispatcher"])

    assert user.role_names == ["dispatcher"]
    assert not user.is_staff
    event = Event.objects.get(action=Action.USER_CREATED, subject_id=str(user.pk))
    assert (event.actor, event.data) == (administrator, {"roles": ["dispatcher"]})


def test_administrators_can_open_the_admin_site(administrator):
    user = create_staff("admin2", by=administrator, password="x-long-pass", roles=["administrator"])

    assert user.is_staff


def test_an_unknown_role_is_refused_and_nothing_is_created(administrator):
    with pytest.raises(UnknownRole, match="no role called 'wizard'"):
        create_staff("pc9", by=administrator, password="x-long-pass", roles=["wizard"])

    assert not Group.objects.filter(name="wizard").exists()
    assert not Event.objects.filter(action=Action.USER_CREATED).exists()


def test_changing_roles_records_before_and_after(administrator, call_handler):
    set_roles(call_handler, by=administrator, roles=["dispatcher", "call_handler"])

    event = Event.objects.get(action=Action.USER_ROLES_CHANGED)
    assert event.data == {"before": ["call_handler"], "after": ["call_handler", "dispatcher"]}

"""Crime records move to need-to-know (accounts.Restriction): each crime flagged `restricted`
gets an active restriction (sexual offence) to the restricted-crime team and its investigating
officer. The team is created with the staff who held crimes.view_restricted_crime, so the same
people can still open those records (now with a reason, every view audited). The flag and the
permission go in 0005."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

TEAM = "restricted-crime"  # crimes.offences.RESTRICTED_TEAM
REASON = "Carried over from the crime record's restricted flag (sexual offence classification)"


def forwards(apps, schema_editor):
    CrimeRecord = apps.get_model("crimes", "CrimeRecord")
    Restriction = apps.get_model("accounts", "Restriction")
    Team = apps.get_model("accounts", "Team")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("accounts", "User")

    team, _ = Team.objects.get_or_create(
        name=TEAM, defaults={"title": "Restricted crime records (sexual offences)"}
    )
    permission = Permission.objects.filter(
        codename="view_restricted_crime", content_type__app_label="crimes"
    ).first()
    if permission is not None:
        holders = User.objects.filter(
            Q(groups__permissions=permission) | Q(user_permissions=permission), is_active=True
        ).distinct()
        team.members.add(*holders)

    now = timezone.now()
    already = set(
        Restriction.objects.filter(
            subject_type="crimes.crimerecord", lifted_at__isnull=True
        ).values_list("subject_id", flat=True)
    )
    # The investigating officer is not named on the restriction: whoever is assigned the
    # crime opens it (crimes.permissions.access_crime), as under the flag.
    for pk in CrimeRecord.objects.filter(restricted=True).values_list("pk", flat=True):
        if str(pk) in already:
            continue
        restriction = Restriction.objects.create(
            subject_type="crimes.crimerecord",
            subject_id=str(pk),
            category="sexual_offence",
            reason=REASON,
            created_at=now,
        )
        restriction.teams.add(team)


def backwards(apps, schema_editor):
    CrimeRecord = apps.get_model("crimes", "CrimeRecord")
    Restriction = apps.get_model("accounts", "Restriction")
    restricted = Restriction.objects.filter(
        subject_type="crimes.crimerecord", lifted_at__isnull=True
    ).values_list("subject_id", flat=True)
    CrimeRecord.objects.filter(pk__in=[int(pk) for pk in restricted]).update(restricted=True)
    Restriction.objects.filter(subject_type="crimes.crimerecord", reason=REASON).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_sessions_second_factor_need_to_know"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("crimes", "0003_crimerecord_exercise"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

from collections.abc import Sequence
from typing import Any

import factory
from django.contrib.auth.models import Group

from demandhub.accounts.models import User
from demandhub.accounts.roles import ADMIN_SITE_ROLES

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"officer{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Taylor{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation  # type: ignore[misc]
    def roles(self, create: bool, extracted: Sequence[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
            # As accounts.actions.create_staff does: administrators may open the admin site.
            if ADMIN_SITE_ROLES & set(extracted):
                self.is_staff = True
                self.save(update_fields=["is_staff"])

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


def totp_code(device: Any, *, steps_ahead: int = 0) -> str:
    """The code the user's authenticator app shows now (or `steps_ahead` periods later)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"

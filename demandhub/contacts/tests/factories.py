from datetime import timedelta

import factory
from django.utils import timezone

from demandhub.contacts import queueing
from demandhub.contacts.models import Contact


class ContactFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    """A contact waiting in the queue; `ago` seconds since it was offered."""

    class Meta:
        model = Contact

    class Params:
        ago = 60

    channel = Contact.Channel.NON_EMERGENCY_CALL
    status = Contact.Status.QUEUED
    priority = factory.LazyAttribute(lambda o: queueing.priority_of(o.channel))
    caller_name = "Alex Morgan"
    caller_number = "+447700900123"
    offered_at = factory.LazyAttribute(lambda o: timezone.now() - timedelta(seconds=o.ago))

import factory

from demandhub.dispatch.models import Resource
from demandhub.forces.tests.factories import StationFactory


class ResourceFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Resource

    call_sign = factory.Sequence(lambda n: f"R{n:03d}")
    kind = Resource.Kind.RESPONSE_CAR
    home_station = factory.SubFactory(StationFactory)
    status = Resource.Status.AVAILABLE

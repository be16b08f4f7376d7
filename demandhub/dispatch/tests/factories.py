import factory

from demandhub.dispatch.models import Position, Resource
from demandhub.forces.tests.factories import StationFactory


class ResourceFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Resource
        skip_postgeneration_save = True

    call_sign = factory.Sequence(lambda n: f"R{n:03d}")
    kind = Resource.Kind.RESPONSE_CAR
    home_station = factory.SubFactory(StationFactory)
    status = Resource.Status.AVAILABLE


class PositionFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Position

    resource = factory.SubFactory(ResourceFactory)
    latitude = 52.2
    longitude = 0.12

import factory

from demandhub.forces.models import Force, PolicingArea, Station


class ForceFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Force
        django_get_or_create = ("code",)

    code = "CC"
    name = "Test Constabulary"


class PolicingAreaFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = PolicingArea

    force = factory.SubFactory(ForceFactory)
    code = factory.Sequence(lambda n: f"A{n}")
    name = factory.Sequence(lambda n: f"Area {n}")
    area_type = PolicingArea.AreaType.URBAN


class StationFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Station

    area = factory.SubFactory(PolicingAreaFactory)
    name = factory.Sequence(lambda n: f"Station {n}")
    latitude = 52.2
    longitude = 0.12

from typing import Any

from demandhub.crimes.actions import record_crime
from demandhub.crimes.models import CrimeRecord

# Mill Road, Cambridge: inside the test "cambridge" area.
MILL_ROAD = (52.1986, 0.1420)


def crime(**kwargs: Any) -> CrimeRecord:
    """A crime recorded by the system, by default a burglary on Mill Road."""
    kwargs.setdefault("by", None)
    kwargs.setdefault("summary", "Shed broken into overnight; tools taken")
    kwargs.setdefault("offence_code", "28E")
    kwargs.setdefault("latitude", MILL_ROAD[0])
    kwargs.setdefault("longitude", MILL_ROAD[1])
    return record_crime(**kwargs)

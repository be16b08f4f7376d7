"""Fictional callers: names, phone numbers in Ofcom's drama ranges, email addresses at
example domains, and street addresses. Nothing here can reach or name a real person."""

import random
from dataclasses import dataclass

FIRST_NAMES = (
    "Aisha", "Alfie", "Amelia", "Arjun", "Ava", "Ben", "Bethany", "Callum", "Chloe", "Daniel",
    "Ella", "Emily", "Ethan", "Faisal", "Freya", "George", "Grace", "Hannah", "Harry", "Isla",
    "Jack", "Jade", "James", "Jasmine", "Kai", "Katie", "Leo", "Lily", "Liam", "Maya", "Mohammed",
    "Noah", "Olivia", "Oscar", "Priya", "Rosie", "Ruby", "Ryan", "Sam", "Sophie", "Tom", "Zara",
    "Agnieszka", "Tomasz", "Precious", "Kwame", "Siobhan", "Dylan", "Megan", "Rhys",
)  # fmt: skip
LAST_NAMES = (
    "Ahmed", "Allen", "Baker", "Bennett", "Brown", "Campbell", "Carter", "Chen", "Clarke",
    "Cooper", "Davies", "Edwards", "Evans", "Green", "Hall", "Harris", "Hill", "Hughes", "Jackson",
    "James", "Jones", "Khan", "King", "Kowalski", "Lewis", "Martin", "Mensah", "Moore", "Morgan",
    "Murphy", "Nowak", "O'Brien", "Patel", "Phillips", "Price", "Roberts", "Robinson", "Scott",
    "Shah", "Singh", "Smith", "Taylor", "Thomas", "Thompson", "Turner", "Walker", "White",
    "Williams", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip
STREETS = (
    "High Street", "Station Road", "Church Lane", "Mill Road", "London Road", "Victoria Street",
    "Market Square", "Park Avenue", "The Green", "Bridge Street", "Queens Road", "Elm Close",
    "Orchard Way", "Riverside", "School Lane", "North Street", "Fen Road", "Manor Drive",
)  # fmt: skip
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True)
class Caller:
    name: str
    mobile: str  # national format, Ofcom drama range 07700 900000-900999
    landline: str  # national format, Ofcom drama range 01632 960000-960999
    email: str

    @property
    def mobile_e164(self) -> str:
        return "+44" + self.mobile.replace(" ", "")[1:]


def new_caller(rng: random.Random) -> Caller:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    handle = f"{first}.{last}".lower().replace("'", "")
    return Caller(
        name=f"{first} {last}",
        mobile=f"07700 900{rng.randrange(1000):03d}",
        landline=f"01632 960{rng.randrange(1000):03d}",
        email=f"{handle}{rng.randrange(100)}@{rng.choice(EMAIL_DOMAINS)}",
    )


def street_address(rng: random.Random, area_name: str) -> str:
    return f"{rng.randrange(1, 160)} {rng.choice(STREETS)}, {area_name}"

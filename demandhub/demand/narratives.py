"""Short first-person accounts, by incident classification (incidents.classifications codes).
{place} is filled with where it happened."""

import random

NARRATIVES: dict[str, tuple[str, ...]] = {
    "CRIME-VIOLENCE": (
        "Two men are fighting outside {place}, one is on the ground.",
        "My neighbour has just punched me in the face at {place}.",
    ),
    "CRIME-ROBBERY": ("Someone has just grabbed my phone and bag and run off near {place}.",),
    "CRIME-SEXUAL": ("A man touched me inappropriately at {place} and is still nearby.",),
    "CRIME-BURGLARY-DWELLING": (
        "I have come home to find my back door forced and the house ransacked at {place}.",
        "I can hear someone inside my neighbour's house at {place} and they are away.",
    ),
    "CRIME-BURGLARY-OTHER": ("The shed at {place} has been broken into overnight, tools taken.",),
    "CRIME-VEHICLE": (
        "My car was broken into overnight at {place}; the window is smashed.",
        "My van has been stolen from outside {place}.",
    ),
    "CRIME-THEFT": (
        "My bike was stolen from the racks at {place} this afternoon.",
        "A parcel was taken from my doorstep at {place}; I have doorbell footage.",
    ),
    "CRIME-DAMAGE": ("Someone has spray painted my garage door at {place}.",),
    "CRIME-FRAUD": (
        "I was tricked into paying for a car online that does not exist.",
        "Someone called pretending to be my bank and I transferred money to them.",
    ),
    "CRIME-WEAPONS": ("A man is waving a knife around outside {place}.",),
    "CRIME-DRUGS": ("People are dealing drugs from a car parked at {place} every evening.",),
    "CRIME-PUBLIC-ORDER": ("A large group is shouting and throwing bottles outside {place}.",),
    "ASB-PERSONAL": ("Youths keep knocking on my door and shouting abuse at {place}.",),
    "ASB-NUISANCE": (
        "Very loud music from a house party at {place}, it has gone on for hours.",
        "Motorbikes are racing up and down {place} again.",
    ),
    "ASB-ENVIRONMENTAL": ("Rubbish has been dumped across the lane by {place}.",),
    "PSW-CONCERN": (
        "An elderly man looks confused and lost, walking in the road at {place}.",
        "I have not seen my neighbour at {place} for days and the post is piling up.",
    ),
    "PSW-MISSING": (
        "My 14-year-old daughter has not come home from school; she lives at {place}.",
    ),
    "PSW-DOMESTIC": (
        "I can hear a woman screaming and things being thrown next door at {place}.",
        "My ex-partner is outside my house at {place} and will not leave.",
    ),
    "PSW-MENTAL-HEALTH": ("My brother is very distressed and talking about ending his life.",),
    "PSW-SUSPICIOUS": (
        "Two people are trying car door handles along {place}.",
        "A man has been sitting in a car watching the school at {place} all morning.",
    ),
    "PSW-ALARM": ("The burglar alarm at the shop at {place} has been ringing for an hour.",),
    "PSW-SUDDEN-DEATH": ("I have found my father unresponsive at home at {place}.",),
    "PSW-ANIMAL": ("Horses have got out onto the road at {place}.",),
    "TRANSPORT-RTC-INJURY": (
        "A car has hit a cyclist at {place}; he is not moving.",
        "Two cars have collided at {place}, someone is trapped.",
    ),
    "TRANSPORT-RTC-DAMAGE": ("Someone reversed into my car at {place} and drove off.",),
    "TRANSPORT-HAZARD": ("A tree has come down across the road at {place}.",),
    "ADMIN-LOST-FOUND": ("I found a wallet with cards in it at {place}.",),
    "ADMIN-INFORMATION": (
        "I would like an update on the report I made last week.",
        "How do I get a copy of a collision report for my insurer?",
    ),
    "ADMIN-OTHER-AGENCY": ("There is a pothole at {place} that has damaged my tyre.",),
}
GENERIC = ("I need to report something that happened at {place}.",)


def narrative(rng: random.Random, code: str, place: str) -> str:
    return rng.choice(NARRATIVES.get(code, GENERIC)).format(place=place)

"""The demo force: fictional, laid over real coordinates around Cambridgeshire.

Boundaries are rough rectangles ([longitude, latitude] pairs); stations sit at real towns.
"""

FORCE = {"code": "CC", "name": "Cam and Fens Constabulary (demonstration)"}


def _box(west: float, south: float, east: float, north: float) -> dict[str, object]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


AREAS = [
    {
        "code": "CAM",
        "name": "Cambridge City",
        "area_type": "urban",
        "boundary": _box(0.05, 52.16, 0.22, 52.25),
        "stations": [("Parkside", 52.2030, 0.1334), ("Chesterton", 52.2194, 0.1390)],
    },
    {
        "code": "PBO",
        "name": "Peterborough",
        "area_type": "urban",
        "boundary": _box(-0.40, 52.52, -0.12, 52.66),
        "stations": [("Thorpe Wood", 52.5707, -0.2893), ("Bretton", 52.5862, -0.2886)],
    },
    {
        "code": "HUN",
        "name": "Huntingdonshire",
        "area_type": "rural",
        "boundary": _box(-0.50, 52.16, 0.05, 52.52),
        "stations": [("Hinchingbrooke", 52.3293, -0.2010), ("St Neots", 52.2286, -0.2650)],
    },
    {
        "code": "FEN",
        "name": "Fenland and East Cambridgeshire",
        "area_type": "rural",
        "boundary": _box(0.05, 52.25, 0.45, 52.75),
        "stations": [
            ("Ely", 52.3990, 0.2620),
            ("March", 52.5510, 0.0880),
            ("Wisbech", 52.6650, 0.1590),
        ],
    },
]

# (kind, capabilities, how many per station type); urban stations carry more response cars.
URBAN_FLEET = [
    ("response_car", [], 3),
    ("neighbourhood", [], 1),
]
RURAL_FLEET = [
    ("response_car", [], 2),
    ("neighbourhood", [], 1),
]
# Specialist units, each based at one named station.
SPECIALISTS = [
    ("Parkside", "armed_response", ["firearms", "taser", "first_aid_enhanced"]),
    ("Hinchingbrooke", "armed_response", ["firearms", "taser", "first_aid_enhanced"]),
    ("Thorpe Wood", "armed_response", ["firearms", "taser", "first_aid_enhanced"]),
    ("Parkside", "dog_unit", ["police_dog", "search"]),
    ("Thorpe Wood", "dog_unit", ["police_dog", "search"]),
    ("Hinchingbrooke", "roads_policing", ["pursuit", "collision_investigation"]),
    ("Ely", "roads_policing", ["pursuit", "collision_investigation"]),
    ("Parkside", "public_order", ["public_order", "method_of_entry"]),
    ("Thorpe Wood", "public_order", ["public_order", "method_of_entry"]),
    ("Parkside", "cid", ["investigation"]),
    ("Thorpe Wood", "cid", ["investigation"]),
    ("Hinchingbrooke", "cid", ["investigation"]),
]

CALL_SIGN_PREFIX = {
    "response_car": "R",
    "armed_response": "AR",
    "dog_unit": "DOG",
    "roads_policing": "RP",
    "neighbourhood": "NH",
    "public_order": "PO",
    "cid": "CID",
}

DEMO_PASSWORD = "demandhub-demo"  # noqa: S105  (printed by `demandhub demo`; demo only)

# A fictional member of staff for each demo login (first name, last name, staff number).
DEMO_STAFF = {
    "call_handler": ("Priya", "Shah", "CH1041"),
    "switchboard_operator": ("Tom", "Barker", "SW2210"),
    "dispatcher": ("Grace", "Okafor", "DS3318"),
    "resolution_officer": ("Dan", "Whitfield", "IR4407"),
    "imu_reviewer": ("Helen", "Marsh", "IM5129"),
    "sergeant": ("Sgt Mark", "Ellis", "PS1986"),
    "investigating_officer": ("PC Aisha", "Rahman", "PC2471"),
    "safeguarding_practitioner": ("Jo", "Fenwick", "SG6034"),
    "supervisor": ("Claire", "Dunmore", "SV7702"),
    "analyst": ("Ben", "Castle", "AN8815"),
    "administrator": ("Ruth", "Adeyemi", "AD9901"),
    "contact_gateway": ("Contact gateway", "(service account)", ""),  # telephony, AML, messages
    "crime_registrar": ("Nadia", "Kowalski", "CR3150"),
    "trainer": ("Lena", "Morris", "TR4420"),  # training exercises
    "response_officer": ("PC Sam", "Okoro", "PC3127"),  # crews a unit: the mobile data terminal
    "vehicle_locator": ("Vehicle locator", "(service account)", ""),  # AVL positions
}

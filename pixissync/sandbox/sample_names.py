"""Word pools for the fictional sample company: names, places, trades, cost codes.

Everything here is invented. Phone numbers use the 555 exchange and e-mail
addresses the reserved ``.example`` top-level domain, so nothing points at a real
business or person.
"""

from __future__ import annotations

import random
from typing import Final

SURNAMES: Final = (
    "Hargrove", "Whitfield", "Carraway", "Pendleton", "Ashby", "Delacroix", "Brannon",
    "Okafor", "Lindqvist", "Mercado", "Tolliver", "Haverty", "Sutherland", "Kimbrough",
    "Vance", "Castellano", "Nguyen", "Abernathy", "Fairbanks", "Galloway", "Holcomb",
    "Ivers", "Jessup", "Kowalski", "Lockhart", "McAllister", "Northcutt", "Oyelaran",
    "Pritchard", "Quinlan", "Rutledge", "Sandoval", "Thackeray", "Underwood", "Valdez",
    "Wexford", "Yarborough", "Zeller", "Beaumont", "Cheatham", "Dunleavy", "Eberhart",
    "Fenwick", "Gaskins", "Hollister", "Ingram", "Jamison", "Kessler", "Langford",
    "Mabry", "Nettles", "Ostrander", "Pellegrino", "Ramsey", "Stroud", "Tillman",
    "Upshaw", "Vickery", "Winslow", "Yates",
)  # fmt: skip

FIRST_NAMES: Final = (
    "James", "Maria", "Robert", "Aisha", "Michael", "Linda", "David", "Keisha", "Carlos",
    "Susan", "Daniel", "Priya", "Thomas", "Angela", "Luis", "Rebecca", "Marcus", "Emily",
    "Anthony", "Grace", "Kevin", "Tanya", "Brian", "Rosa", "Jason", "Hannah", "Derrick",
    "Olivia", "Tyrone", "Megan", "Eduardo", "Laura", "Samuel", "Nicole", "Hector",
    "Brenda", "Travis", "Yolanda", "Cody", "Denise", "Wesley", "Carmen", "Dustin",
    "Monica", "Jerome", "Kayla", "Raymond", "Tiffany", "Shane", "Alicia",
)  # fmt: skip

PLACES: Final = (
    "Ballantyne", "Piedmont", "Catawba", "Southpark", "Dilworth", "Myers Park", "NoDa",
    "Steele Creek", "University", "Mallard Creek", "Lake Norman", "Riverbend",
    "Carolina", "Blue Ridge", "Sugar Creek", "Elizabeth", "Plaza Midwood", "Eastover",
    "Cotswold", "Providence", "Matthews", "Huntersville", "Harbor Pointe", "Crown Point",
    "Birkdale", "Fairview", "Sardis", "Tryon", "Independence", "Wilkinson",
)  # fmt: skip

FACILITIES: Final = (
    "Medical Center", "Family Practice", "Animal Hospital", "Dental Group", "Self Storage",
    "Baptist Church", "Methodist Church", "Middle School", "Christian Academy", "Apartments",
    "Office Park", "Business Center", "Shopping Center", "Senior Living", "Surgery Center",
    "Fitness Club", "Brewing Company", "Distribution Center", "Cold Storage", "Hotel",
    "Country Club", "Library", "Community College", "Data Center", "Car Wash",
)  # fmt: skip

TRADES: Final = (
    "Property Management", "Realty Partners", "Holdings", "Development Group",
    "Hospitality Group", "Restaurant Group", "Builders", "Construction", "Properties",
    "Foods", "Manufacturing", "Logistics", "Investments", "Capital Partners",
    "Healthcare", "Automotive", "Printing", "Textiles", "Packaging", "Bottling",
)  # fmt: skip

SUFFIXES: Final = ("Inc", "LLC", "Inc.", "Co.", "LLC", "", "", "", "")

STREETS: Final = (
    "Providence Rd", "Sharon Amity Rd", "Tryon St", "Park Rd", "Monroe Rd", "Albemarle Rd",
    "Independence Blvd", "Wilkinson Blvd", "Freedom Dr", "Sugar Creek Rd", "Statesville Ave",
    "Carmel Rd", "Rea Rd", "Johnston Rd", "Arrowood Rd", "Westinghouse Blvd", "Nations Ford Rd",
    "Mallard Creek Rd", "Harris Blvd", "Idlewild Rd", "Fairview Rd", "Randolph Rd",
    "Kings Dr", "Central Ave", "Eastway Dr", "Beatties Ford Rd", "Brookshire Blvd",
    "Old Pineville Rd", "South Blvd", "Morehead St", "Sardis Rd", "Quail Hollow Rd",
    "Ballantyne Commons Pkwy", "Tyvola Rd", "Billy Graham Pkwy", "Mount Holly Rd",
)  # fmt: skip

# (city, state, area code, ZIP prefix) — real towns, invented streets and numbers.
CITIES: Final = (
    ("Charlotte", "NC", "704", "282"), ("Charlotte", "NC", "980", "282"),
    ("Matthews", "NC", "704", "281"), ("Huntersville", "NC", "704", "280"),
    ("Concord", "NC", "704", "280"), ("Gastonia", "NC", "704", "280"),
    ("Mooresville", "NC", "704", "281"), ("Cornelius", "NC", "704", "280"),
    ("Monroe", "NC", "704", "281"), ("Kannapolis", "NC", "704", "280"),
    ("Rock Hill", "SC", "803", "297"), ("Fort Mill", "SC", "803", "297"),
    ("Indian Land", "SC", "803", "297"), ("Belmont", "NC", "704", "280"),
)  # fmt: skip

JOB_KINDS: Final = (
    ("HVAC", "Rooftop Unit Replacement"), ("HVAC", "Chiller Overhaul"),
    ("HVAC", "Boiler Replacement"), ("HVAC", "VAV Box Retrofit"),
    ("HVAC", "Ductwork Renovation"), ("HVAC", "Preventive Maintenance Agreement"),
    ("HVAC", "Cooling Tower Repair"), ("HVAC", "Controls Upgrade"),
    ("Plumbing", "Water Heater Replacement"), ("Plumbing", "Backflow Testing"),
    ("Plumbing", "Restroom Renovation"), ("Plumbing", "Domestic Water Repipe"),
    ("Plumbing", "Grease Trap Install"), ("Plumbing", "Sewer Line Repair"),
    ("Fire", "Sprinkler Inspection"), ("Fire", "Fire Pump Test"),
    ("Fire", "Standpipe Repair"), ("Fire", "Sprinkler Head Replacement"),
    ("Fire", "Kitchen Hood Suppression"), ("Fire", "Backflow Certification"),
)  # fmt: skip

# (code, description, kind) — kind "labor" codes take time entries, all take invoice lines.
COST_CODES: Final = (
    ("1.100", "Project Management", "labor"), ("1.200", "Supervision", "labor"),
    ("1.300", "Permits and Fees", "other"), ("1.400", "Equipment Rental", "other"),
    ("1.500", "Travel Time", "labor"), ("2.100", "Demolition", "labor"),
    ("22.100", "Plumbing Rough-In", "labor"), ("22.200", "Plumbing Finish", "labor"),
    ("22.300", "Plumbing Fixtures", "material"), ("22.400", "Water Heaters", "material"),
    ("22.500", "Domestic Water Piping", "labor"), ("22.600", "Sanitary Waste and Vent", "labor"),
    ("22.700", "Backflow Testing", "labor"), ("22.800", "Gas Piping", "labor"),
    ("23.100", "HVAC Equipment", "material"), ("23.150", "Equipment Setting", "labor"),
    ("23.200", "Ductwork Fabrication", "labor"), ("23.250", "Ductwork Installation", "labor"),
    ("23.300", "Hydronic Piping", "labor"), ("23.350", "Refrigerant Piping", "labor"),
    ("23.400", "Insulation", "material"), ("23.500", "Controls", "labor"),
    ("23.600", "Test and Balance", "labor"), ("23.700", "Startup and Commissioning", "labor"),
    ("23.800", "Service Call", "labor"), ("23.850", "Preventive Maintenance", "labor"),
    ("23.900", "Refrigerant", "material"), ("21.100", "Sprinkler Piping", "labor"),
    ("21.200", "Sprinkler Heads", "material"), ("21.300", "Fire Pump", "labor"),
    ("21.400", "Inspection and Testing", "labor"), ("21.500", "Standpipe", "labor"),
    ("21.600", "Kitchen Suppression", "labor"), ("21.700", "Fire Alarm Coordination", "labor"),
    ("26.100", "Electrical Subcontract", "other"), ("31.100", "Excavation", "other"),
    ("90.100", "Materials General", "material"), ("90.200", "Freight", "other"),
    ("95.100", "Overtime Premium", "labor"), ("99.100", "Warranty Work", "labor"),
)  # fmt: skip

# Codes the field crew uses that nobody has set up in the ERP yet.
FIELD_ONLY_COST_CODES: Final = (
    ("23.950", "Emergency After-Hours Response", "labor"),
    ("21.950", "Fire Watch", "labor"),
)

LINE_WORDS: Final = {
    "labor": ("Labor - journeyman", "Labor - apprentice", "Technician labor", "Crew labor"),
    "material": ("Materials", "Equipment furnished", "Parts and materials", "Supplies"),
    "other": ("Permit fee", "Equipment rental", "Subcontract", "Freight and delivery"),
}

GL_REVENUE: Final = ("4000", "4010", "4020", "4100")
WORKERS_COMP: Final = {"HVAC": "5537", "Plumbing": "5183", "Fire": "5188"}


def slug(text: str) -> str:
    """Lower-case letters and digits only, for e-mail domains."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def company_name(rng: random.Random) -> str:
    """A plausible customer name for a commercial mechanical contractor."""
    pattern = rng.random()
    if pattern < 0.35:
        name = f"{rng.choice(PLACES)} {rng.choice(FACILITIES)}"
    elif pattern < 0.75:
        name = f"{rng.choice(SURNAMES)} {rng.choice(TRADES)}"
    else:
        name = f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)} {rng.choice(TRADES)}"
    suffix = rng.choice(SUFFIXES)
    return f"{name} {suffix}" if suffix else name


def street_address(rng: random.Random) -> str:
    """A street line such as ``4417 Providence Rd``."""
    return f"{rng.randint(100, 11999)} {rng.choice(STREETS)}"


def suite(rng: random.Random) -> str:
    """An optional second address line (often empty)."""
    roll = rng.random()
    if roll < 0.7:
        return ""
    if roll < 0.9:
        return f"Suite {rng.randint(100, 450)}"
    return f"Bldg {rng.choice('ABCDEF')}"

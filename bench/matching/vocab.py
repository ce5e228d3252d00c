"""Word lists for the customer generator (US contractor customers)."""

from __future__ import annotations


def _words(text: str) -> list[str]:
    """Whitespace-separated words (keeps the lists compact)."""
    return text.split()


FIRST_NAMES = _words(
    "James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry "
    "Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Mary Patricia Jennifer "
    "Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra "
    "Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie "
    "Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole "
    "Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather "
    "Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn "
    "Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison "
    "Frances Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn "
    "Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis "
    "Lori Wei Priya Hiroshi Ahmed Fatima Carlos Luis Juan Miguel Sofia Lucia Diego Mateo Chen "
    "Mei Raj Anil Olga Ivan Dmitri Yusuf "
)

LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart "
    "Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed "
    "Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray "
    "Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez "
    "Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales "
    "Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds "
    "Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar "
    "Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington "
    "Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson "
    "Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer "
    "Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza "
    "Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley "
    "Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott "
    "Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry "
    "Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence "
    "Sandoval Guerrero George Chapman Rios Estrada Ortega Watkins Greene Nunez Wheeler Valdez "
    "Harper Burke Larson Santiago Maldonado Morrison Franklin Carlson Austin Dominguez Carr "
    "Lawson Jacobs OBrien Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson "
    "Gilbert Dean Sims Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett Burton Fuller "
    "Wang Weber Welch Rojas Lucas Marquez Fields Park Yang Little Banks Padilla Day Walsh "
    "Bowman Schultz Luna Fowler Mejia Davidson Acosta Brewer May Holland Juarez Newman "
    "Pearson Curtis Cortez Douglas Schneider Joseph Barrett Navarro Figueroa Keller Avila "
    "Wade Molina Stanley Hopkins Campos Barnett Bates Chambers Caldwell Beck Lambert Miranda "
    "Byrd Craig Ayala Lowe Frazier Powers Neal Leonard Gregory Carrillo Sutton Fleming Rhodes "
    "Shelton Schwartz Norris Jennings Watts Duran Walters Cohen McDaniel Moran Parks Steele "
    "Vaughn Becker Holt Deleon Barker Terry Hale Leon Hail Benson Haynes Horton Miles Lyons "
    "Pham Graves Bush Thornton Wolfe Warner Cabrera McKinney Mann Zimmerman Dawson Lara "
    "Fletcher Page McCarthy Love Robles Cervantes Solis Erickson Reeves Chang Klein Salinas "
    "Fuentes Baldwin Daniel Simon Velasquez Hardy Higgins Aguirre Lin Cummings Chandler Sharp "
    "Barber Bowen Ochoa Dennis Robbins Liu Ramsey Francis Griffith Paul Blair OConnor "
    "Cardenas Pacheco Cross Calderon Quinn Moss Swanson Chan Rivas Khan Rodgers Serrano "
    "Fitzgerald Rosales Stevenson Christensen Manning Gill Curry McLaughlin Harmon McGee "
    "Gross Doyle Garner Newton Burgess Reese Walton Blake Trujillo Adkins Brady Goodman Roman "
    "Webster Goodwin Fischer Huang Potter Delacruz Montoya Todd Wu Hines Mullins Castaneda "
    "Malone Cannon Tate Mack Sherman Hubbard Hodges Zhang Guerra Wolf Valencia Saunders "
    "Franco Rowe Gallagher Farmer Hammond Hampton Townsend Ingram Wise Gallegos Clarke Barton "
    "Schroeder Maxwell Waters Logan Camacho Strickland Norman Person Colon Parsons Frank "
    "Harrington Glover Osborne Buchanan Casey Floyd Patton Ibarra Ball Tyler Suarez Bowers "
    "Orozco Salas Cobb Gibbs Andrade Bauer Conner Moody Escobar McGuire Lloyd Mueller Hartman "
    "French Kramer McBride Pope Lindsey Velazquez Norton McCormick Sparks Flynn Yates Hogan "
    "Marsh Macias Villanueva Zamora Pratt Stokes Owen Ballard Lang Brock Villarreal Charles "
    "Drake Barrera Cain Patrick Pineda Burnett Mercado Santana Shepherd Bautista Ali Shaffer "
    "Lamb Trevino McKenzie Hess Beil Olsen Cochran Morton Nash Wilkins Petersen Briggs "
)

TRADES = [
    "Plumbing",
    "Electric",
    "Mechanical",
    "HVAC",
    "Heating & Cooling",
    "Roofing",
    "Construction",
    "Fire Protection",
    "Refrigeration",
    "Services",
    "Builders",
    "Contractors",
    "Painting",
    "Landscaping",
    "Paving",
    "Concrete",
    "Glass",
    "Sheet Metal",
    "Insulation",
    "Drywall",
    "Flooring",
    "Excavating",
    "Welding",
    "Elevator",
    "Controls",
    "Air Conditioning",
    "Plumbing & Heating",
    "Electrical Contractors",
    "Mechanical Services",
    "Property Services",
]

SIBLING_TRADES = [
    "Plumbing",
    "Electric",
    "HVAC",
    "Roofing",
    "Mechanical",
    "Fire Protection",
    "Construction",
    "Landscaping",
    "Painting",
    "Refrigeration",
]

INDUSTRIES = [
    "Property Management",
    "Dental Group",
    "Medical Center",
    "Family Practice",
    "Law Offices",
    "Realty",
    "Apartments",
    "Storage",
    "Self Storage",
    "Hotel",
    "Motel",
    "Country Club",
    "Baptist Church",
    "Methodist Church",
    "Elementary School",
    "Middle School",
    "Academy",
    "Senior Living",
    "Nursing Home",
    "Auto Repair",
    "Auto Body",
    "Car Wash",
    "Bakery",
    "Brewing Company",
    "Winery",
    "Restaurant",
    "Grill",
    "Diner",
    "Pizzeria",
    "Cafe",
    "Veterinary Clinic",
    "Animal Hospital",
    "Fitness Center",
    "Credit Union",
    "Bank",
    "Insurance Agency",
    "Accounting",
    "Engineering",
    "Architects",
    "Printing",
    "Manufacturing",
    "Warehouse",
    "Logistics",
    "Distribution",
    "Foods",
    "Farms",
    "Dairy",
    "Lumber",
    "Hardware",
    "Supply",
    "Office Park",
    "Business Center",
    "Shopping Center",
    "Plaza",
    "Industries",
    "Holdings",
    "Investments",
    "Partners",
    "Associates",
    "Management Group",
    "Properties",
]

PLACES = _words(
    "Summit Riverside Oakwood Maple Cedar Pine Lakeside Hillside Valley Northside Southside "
    "Eastside Westside Harbor Bayview Sunset Sunrise Meadow Brookside Stonebridge Fairview "
    "Greenfield Highland Lincoln Washington Jefferson Franklin Madison Heritage Liberty "
    "Pioneer Eagle Falcon Hawk Golden Silver Blue Red Evergreen Willow Birch Aspen Magnolia "
    "Cypress Granite Keystone Capital Metro Central Premier Allied United Superior Precision "
    "Quality Reliable Advanced Apex Pinnacle Crown Royal Legacy Frontier Coastal Mountain "
    "Prairie Canyon Mesa Desert Tri-County Bay Area Gateway Crossroads Parkside Westwood "
    "Elmwood Ridgeview "
)

CHAINS = [
    "Burger Barn",
    "QuickStop Market",
    "Sunrise Dental",
    "Metro Fitness",
    "Happy Paws Vet",
    "Jiffy Lube",
    "Taco Fiesta",
    "Pizza Palace",
    "Coffee Corner",
    "Dollar Depot",
    "Speedy Mart",
    "Fresh Foods Market",
    "Pet Planet",
    "Auto Zone Express",
    "Wok Express",
    "Bagel Brothers",
    "Smile Center",
    "Urgent Care Plus",
    "Kids Academy",
    "Storage Depot",
    "Cinema Grand",
    "Tire Town",
    "Donut Den",
    "Sub Station",
    "Family Pharmacy",
    "Wash World",
    "Bright Horizons",
    "Golden Corral",
    "Panda Garden",
    "Valley Bank",
]

CHAIN_TYPES = [
    "Dental",
    "Fitness",
    "Pharmacy",
    "Market",
    "Burgers",
    "Pizza",
    "Coffee",
    "Auto Care",
    "Urgent Care",
    "Storage",
    "Car Wash",
    "Bank",
    "Daycare",
    "Pet Clinic",
    "Tire & Lube",
]

LEGAL_SUFFIXES = ["", "", "", "LLC", "Inc", "Inc.", "Co", "Corp", "Company", "L.L.C.", "Ltd"]

SUFFIX_VARIANTS = {
    "LLC": ["LLC", "L.L.C.", ", LLC", "Llc", ""],
    "L.L.C.": ["LLC", "L.L.C.", ", L.L.C.", ""],
    "Inc": ["Inc", "Inc.", ", Inc.", "Incorporated", ""],
    "Inc.": ["Inc", "Inc.", ", Inc.", "Incorporated", ""],
    "Co": ["Co", "Co.", "Company", ""],
    "Company": ["Co", "Co.", "Company"],
    "Corp": ["Corp", "Corp.", "Corporation", ""],
    "Ltd": ["Ltd", "Ltd.", "Limited", ""],
}

ABBREVIATIONS = {
    "Mechanical": "Mech",
    "Services": "Svcs",
    "Management": "Mgmt",
    "Property": "Prop",
    "Properties": "Props",
    "Heating": "Htg",
    "Plumbing": "Plbg",
    "Electric": "Elec",
    "Construction": "Const",
    "Associates": "Assoc",
    "Contractors": "Contr",
    "Manufacturing": "Mfg",
    "Brothers": "Bros",
    "Center": "Ctr",
    "Maintenance": "Maint",
}

NICKNAMES = {
    "Robert": "Bob",
    "William": "Bill",
    "Richard": "Rick",
    "James": "Jim",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Michael": "Mike",
    "Christopher": "Chris",
    "Daniel": "Dan",
    "Elizabeth": "Liz",
    "Katherine": "Kathy",
    "Jennifer": "Jen",
    "Margaret": "Peggy",
    "Patricia": "Pat",
    "Anthony": "Tony",
    "Steven": "Steve",
    "Edward": "Ed",
}

STREETS = _words(
    "Main Oak Maple Cedar Elm Pine Washington Lake Hill Park Walnut Spring Ridge Church High "
    "Union Center Market Mill River Forest Jackson Lincoln Madison Franklin Adams Chestnut "
    "Cherry Sunset Highland Meadow Willow Locust Jefferson Railroad Prospect Academy School "
    "Liberty Summit Vine Broad Water Bridge Harbor Commerce Industrial Valley Birch Dogwood "
    "Hickory Poplar Sycamore Magnolia Laurel Orchard Fairview Greenwood Riverside Lakeview "
    "Country Club Airport Canal Beacon Grove Pleasant Charles Kings Queens College Franklin "
    "Monroe Wilson Taylor Grant Clinton Hamilton Ridgewood Woodland Cambridge Oxford "
    "Brookside Mountain View Spruce Aspen Juniper Cypress Holly Heather Rosewood Pinecrest "
    "Stonegate "
)

STREET_SUFFIXES = {
    "Street": "St",
    "Avenue": "Ave",
    "Road": "Rd",
    "Drive": "Dr",
    "Lane": "Ln",
    "Boulevard": "Blvd",
    "Court": "Ct",
    "Place": "Pl",
    "Parkway": "Pkwy",
    "Way": "Way",
    "Circle": "Cir",
    "Highway": "Hwy",
    "Terrace": "Ter",
    "Trail": "Trl",
}

CITIES = [
    ("Boston", "MA", 2108),
    ("Worcester", "MA", 1601),
    ("Providence", "RI", 2903),
    ("Hartford", "CT", 6101),
    ("Albany", "NY", 12201),
    ("Buffalo", "NY", 14201),
    ("Newark", "NJ", 7101),
    ("Philadelphia", "PA", 19102),
    ("Pittsburgh", "PA", 15201),
    ("Baltimore", "MD", 21201),
    ("Richmond", "VA", 23219),
    ("Raleigh", "NC", 27601),
    ("Charlotte", "NC", 28202),
    ("Atlanta", "GA", 30303),
    ("Orlando", "FL", 32801),
    ("Tampa", "FL", 33602),
    ("Nashville", "TN", 37201),
    ("Louisville", "KY", 40202),
    ("Columbus", "OH", 43215),
    ("Cleveland", "OH", 44113),
    ("Detroit", "MI", 48201),
    ("Indianapolis", "IN", 46204),
    ("Chicago", "IL", 60601),
    ("Milwaukee", "WI", 53202),
    ("Minneapolis", "MN", 55401),
    ("St. Louis", "MO", 63101),
    ("Kansas City", "MO", 64105),
    ("Omaha", "NE", 68102),
    ("Dallas", "TX", 75201),
    ("Houston", "TX", 77002),
    ("Austin", "TX", 78701),
    ("San Antonio", "TX", 78205),
    ("Denver", "CO", 80202),
    ("Phoenix", "AZ", 85003),
    ("Salt Lake City", "UT", 84101),
    ("Las Vegas", "NV", 89101),
    ("Los Angeles", "CA", 90012),
    ("San Diego", "CA", 92101),
    ("Sacramento", "CA", 95814),
    ("Portland", "OR", 97201),
    ("Seattle", "WA", 98101),
    ("Boise", "ID", 83702),
    ("Fort Worth", "TX", 76102),
    ("Mount Vernon", "NY", 10550),
]

FREE_MAIL = _words("gmail.com yahoo.com hotmail.com outlook.com aol.com comcast.net ")

"""Word lists the sandbox company is made of: people, companies, streets, products.

Plain tuples, never sets: generation indexes into them with numpy, and a set's order
would change with the interpreter's hash seed and break determinism.
"""

from __future__ import annotations

__all__ = [
    "BRANDS",
    "CHARGE_ITEMS",
    "COMMENT_ITEMS",
    "COMMENT_TEXTS",
    "COMPANY_SUFFIXES",
    "COMPANY_WORDS",
    "CONTACT_ROLES",
    "CONTACT_TITLES",
    "CUSTOMER_TYPES",
    "DELIVERY_NOTES",
    "FIRST_NAMES",
    "INDUSTRIES",
    "INDUSTRY_SECTORS",
    "ITEM_ADJECTIVES",
    "ITEM_SIZES",
    "LAST_NAMES",
    "ORDER_COMMENTS",
    "PRODUCT_LINES",
    "STREET_NAMES",
    "STREET_SUFFIXES",
    "UNITS",
]

FIRST_NAMES: tuple[str, ...] = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Carlos", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty",
    "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily", "Paul",
    "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Melissa",
    "George", "Deborah", "Timothy", "Stephanie", "Ronald", "Rebecca", "Jason", "Sharon",
    "Edward", "Laura", "Jeffrey", "Cynthia", "Ryan", "Dorothy", "Jacob", "Amy", "Gary",
    "Angela", "Nicholas", "Helen", "Eric", "Anna", "Jonathan", "Brenda", "Luis", "Maria",
    "Wei", "Priya", "Ahmed", "Sofia", "Hiroshi", "Aisha", "Pierre", "Ingrid", "Raj", "Chen",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
    "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen",
    "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams",
    "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins",
    "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez",
    "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos",
    "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez", "Wood", "Bennett",
    "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez", "Castillo", "Sanders", "Patel",
    "Myers", "Long", "Ross", "Foster", "Jimenez", "Harper", "Sullivan", "Fischer", "Okafor",
)  # fmt: skip

COMPANY_WORDS: tuple[str, ...] = (
    "Summit", "Pioneer", "Keystone", "Cascade", "Frontier", "Liberty", "Heritage", "Atlas",
    "Precision", "Allied", "United", "Midwest", "Pacific", "Coastal", "Northern", "Southern",
    "Great Lakes", "Blue Ridge", "Red River", "Iron Horse", "Silver Creek", "Eagle", "Falcon",
    "Granite", "Lakeside", "Metro", "Prairie", "Redwood", "Sierra", "Tri-County", "Valley",
    "Apex", "Benchmark", "Capital", "Delta", "Evergreen", "Harbor", "Horizon", "Legacy",
    "Mountain", "Orion", "Patriot", "Premier", "Riverside", "Sterling", "Titan", "Vanguard",
)  # fmt: skip

INDUSTRIES: tuple[str, ...] = (
    "Industrial Supply", "Mechanical", "Electric", "Plumbing", "Construction", "Fabrication",
    "Manufacturing", "HVAC Services", "Maintenance", "Contractors", "Equipment", "Builders",
    "Facility Services", "Hardware", "Marine Supply", "Machine Works", "Packaging",
    "Janitorial", "Auto Parts", "Welding",
)  # fmt: skip

# UDF_INDUSTRY (width 20) values, one per INDUSTRIES entry's broad sector.
INDUSTRY_SECTORS: tuple[str, ...] = (
    "Distribution", "Construction", "Manufacturing", "Facilities", "Automotive",
    "Marine", "Government", "Education", "Healthcare", "Hospitality",
)  # fmt: skip

COMPANY_SUFFIXES: tuple[str, ...] = ("Inc", "LLC", "Co", "Corp", "Ltd", "Group", "& Sons", "")

CUSTOMER_TYPES: tuple[str, ...] = ("DLR", "DIST", "OEM", "CONT", "RET", "GOV", "EDU", "MRO")

CONTACT_TITLES: tuple[str, ...] = (
    "Purchasing Mgr", "Buyer", "Owner", "President", "AP Clerk", "Controller",
    "Operations Mgr", "Office Manager", "Plant Manager", "Project Manager", "Estimator",
)  # fmt: skip

CONTACT_ROLES: tuple[str, ...] = (
    "Purchasing",
    "Accounts Payable",
    "Decision Maker",
    "Receiving",
    "Engineering",
)

STREET_NAMES: tuple[str, ...] = (
    "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park",
    "Industrial", "Commerce", "Enterprise", "Airport", "Market", "Railroad", "River",
    "Franklin", "Jefferson", "Lincoln", "Madison", "Highland", "Sunset", "Meadow", "Ridge",
    "Center", "Mill", "Church", "Spring", "Harbor", "Technology", "Corporate", "Gateway",
    "Distribution", "Progress", "Quarry", "Canal", "Foundry", "Warehouse", "Depot",
)  # fmt: skip

STREET_SUFFIXES: tuple[str, ...] = ("St", "Ave", "Rd", "Blvd", "Dr", "Pkwy", "Way", "Ln", "Ct")

# (code, description, noun list, tax class) — the product lines of a distributor.
PRODUCT_LINES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("FAST", "Fasteners", ("Hex Bolt", "Lag Screw", "Wing Nut", "Flat Washer", "Anchor",
                           "Rivet", "Cap Screw", "Threaded Rod"), "TX"),
    ("ELEC", "Electrical", ("Wire Nut", "Conduit", "Breaker", "Receptacle", "Cable Tie",
                            "Junction Box", "Switch", "Fuse"), "TX"),
    ("PLMB", "Plumbing", ("Ball Valve", "Elbow", "Coupling", "Pipe Tee", "Check Valve",
                          "Union", "Flange", "Faucet"), "TX"),
    ("HVAC", "HVAC Parts", ("Air Filter", "Blower Motor", "Capacitor", "Thermostat",
                            "Damper", "Contactor", "Fan Blade", "Belt"), "TX"),
    ("SAFE", "Safety", ("Hard Hat", "Safety Glasses", "Ear Plugs", "Work Gloves",
                        "Hi-Vis Vest", "Respirator", "First Aid Kit", "Face Shield"), "NT"),
    ("TOOL", "Hand Tools", ("Wrench", "Screwdriver", "Pliers", "Hammer", "Tape Measure",
                            "Utility Knife", "Socket Set", "Level"), "TX"),
    ("PWR", "Power Tools", ("Drill", "Impact Driver", "Angle Grinder", "Circular Saw",
                            "Battery Pack", "Heat Gun", "Jigsaw", "Rotary Hammer"), "TX"),
    ("JAN", "Janitorial", ("Trash Liner", "Paper Towel", "Floor Cleaner", "Mop Head",
                           "Hand Soap", "Degreaser", "Broom", "Wiper"), "TX"),
    ("PKG", "Packaging", ("Stretch Film", "Box", "Packing Tape", "Bubble Wrap", "Label",
                          "Strapping", "Pallet Wrap", "Mailer"), "TX"),
    ("LITE", "Lighting", ("LED Lamp", "Ballast", "Troffer", "Wall Pack", "Flood Light",
                          "Exit Sign", "Tube", "Fixture"), "TX"),
    ("ABRS", "Abrasives", ("Grinding Disc", "Flap Disc", "Sanding Belt", "Cut-Off Wheel",
                           "Wire Brush", "Sandpaper", "Burr", "Polishing Pad"), "TX"),
    ("HYDR", "Hydraulics", ("Hose", "Fitting", "Quick Coupler", "Pump", "Cylinder Seal",
                            "Gauge", "Filter", "Adapter"), "TX"),
    ("PNEU", "Pneumatics", ("Air Hose", "Regulator", "Push Fitting", "Solenoid Valve",
                            "Lubricator", "Muffler", "Tubing", "Coupler"), "TX"),
    ("WELD", "Welding", ("Welding Rod", "MIG Wire", "Contact Tip", "Nozzle", "Welding Helmet",
                         "Ground Clamp", "Tungsten", "Flux"), "TX"),
    ("MATL", "Raw Materials", ("Steel Bar", "Aluminum Sheet", "Copper Tube", "Brass Rod",
                               "Angle Iron", "Flat Bar", "Plate", "Channel"), "TX"),
    ("CHEM", "Chemicals", ("Lubricant", "Thread Sealant", "Epoxy", "Rust Remover",
                           "Penetrant", "Adhesive", "Silicone", "Cutting Oil"), "TX"),
)  # fmt: skip

ITEM_ADJECTIVES: tuple[str, ...] = (
    "Stainless", "Zinc", "Heavy Duty", "Brass", "Galv", "Black", "Nylon", "Steel", "Pro",
    "Compact", "Industrial", "Standard", "Premium", "Economy", "HD", "Mini",
)  # fmt: skip

ITEM_SIZES: tuple[str, ...] = (
    "1/4in", "3/8in", "1/2in", "3/4in", "1in", "2in", "M6", "M8", "M10", "10ft", "25ft",
    "50ft", "Sm", "Md", "Lg", "XL", "12V", "20V", "1Gal", "5Gal", "16oz", "Pk10", "Pk50",
)  # fmt: skip

# (sales unit, purchase unit, purchase conversion factor)
UNITS: tuple[tuple[str, str, float], ...] = (
    ("EACH", "EACH", 1.0), ("EACH", "CASE", 12.0), ("EACH", "BOX", 50.0), ("BOX", "CASE", 10.0),
    ("FT", "ROLL", 100.0), ("PAIR", "CASE", 12.0), ("GAL", "DRUM", 55.0), ("ROLL", "CASE", 6.0),
)  # fmt: skip

BRANDS: tuple[str, ...] = (
    "Milwaukee", "DeWalt", "3M", "Klein", "Eaton", "Parker", "Lincoln", "Honeywell",
    "Stanley", "Makita", "Rubbermaid", "Uline Pro", "Nibco", "Mueller", "Gates", "Norton",
    "Loctite", "WD-40", "Grainger Select", "Summit Pro",
)  # fmt: skip

# (ItemCode, description, standard price) for charge items (ItemType 3).
CHARGE_ITEMS: tuple[tuple[str, str, float], ...] = (
    ("/FREIGHT", "Freight Charge", 25.0), ("/HANDLING", "Handling Fee", 15.0),
    ("/RESTOCK", "Restocking Fee", 35.0), ("/SETUP", "Setup Charge", 75.0),
    ("/FUEL", "Fuel Surcharge", 12.5), ("/RUSH", "Rush Order Fee", 50.0),
    ("/PALLET", "Pallet Charge", 18.0), ("/CORE", "Core Charge", 40.0),
)  # fmt: skip

# (ItemCode, description) for comment items (ItemType 4).
COMMENT_ITEMS: tuple[tuple[str, str], ...] = (
    ("/C", "Comment"), ("/NOTE", "Order Note"), ("/SHIP", "Shipping Instructions"),
    ("/WARR", "Warranty Note"), ("/GIFT", "Gift Message"),
)  # fmt: skip

COMMENT_TEXTS: tuple[str, ...] = (
    "Deliver to loading dock B between 7am and 3pm.",
    "Call before delivery; site contact on the PO.",
    "Partial shipments accepted.",
    "Ship complete only - do not split this order.",
    "Customer will pick up at the counter.",
    "Tag each carton with the job number.",
    "Manufacturer warranty applies; keep the packing slip.",
    "Liftgate required at destination.",
    "Quote valid for 30 days from the order date.",
    "Substitute equivalent brand if out of stock.",
)

ORDER_COMMENTS: tuple[str, ...] = (
    "Rush", "Will call", "Per phone order", "Web order", "Per quote", "Blanket PO release",
    "Replacement parts", "Job site delivery", "Call on arrival", "Net terms approved",
)  # fmt: skip

DELIVERY_NOTES: tuple[str, ...] = (
    "Dock 3, rear entrance", "Gate code at guard house", "Receiving 7am-2pm only",
    "Liftgate required", "Ask for shipping dept", "No deliveries Friday", "",
)  # fmt: skip

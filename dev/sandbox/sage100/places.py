"""Countries and cities for addresses: real codes, plausible ZIPs and area codes."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CITIES", "COUNTRIES", "EXPORT_CITIES", "City", "Country"]


class Country(NamedTuple):
    code: str  # Sage's CountryCode: ISO alpha-3
    name: str
    alpha2: str
    numeric: str  # ISO 3166 numeric: Sage's "ISO Country Code"
    phone: str
    state_required: bool


COUNTRIES: tuple[Country, ...] = (
    Country("USA", "United States", "US", "840", "1", True),
    Country("CAN", "Canada", "CA", "124", "1", True),
    Country("MEX", "Mexico", "MX", "484", "52", True),
    Country("GBR", "United Kingdom", "GB", "826", "44", False),
    Country("DEU", "Germany", "DE", "276", "49", False),
    Country("FRA", "France", "FR", "250", "33", False),
    Country("AUS", "Australia", "AU", "036", "61", True),
    Country("JPN", "Japan", "JP", "392", "81", False),
    Country("CHN", "China", "CN", "156", "86", False),
    Country("BRA", "Brazil", "BR", "076", "55", True),
    Country("IND", "India", "IN", "356", "91", False),
    Country("ITA", "Italy", "IT", "380", "39", False),
    Country("ESP", "Spain", "ES", "724", "34", False),
    Country("NLD", "Netherlands", "NL", "528", "31", False),
    Country("IRL", "Ireland", "IE", "372", "353", False),
    Country("KOR", "Korea, Republic of", "KR", "410", "82", False),
    Country("SWE", "Sweden", "SE", "752", "46", False),
    Country("CHE", "Switzerland", "CH", "756", "41", False),
    Country("NZL", "New Zealand", "NZ", "554", "64", False),
    Country("ZAF", "South Africa", "ZA", "710", "27", False),
    Country("PRI", "Puerto Rico", "PR", "630", "1", True),
)


class City(NamedTuple):
    name: str  # at most 20 characters: AR_Customer.City and IM_Warehouse.WarehouseCity
    state: str
    zip_prefix: str  # the first digits of the postal code; the rest is generated
    area_code: str
    country: str


CITIES: tuple[City, ...] = (
    City("Dallas", "TX", "752", "214", "USA"),
    City("Houston", "TX", "770", "713", "USA"),
    City("Austin", "TX", "787", "512", "USA"),
    City("San Antonio", "TX", "782", "210", "USA"),
    City("Chicago", "IL", "606", "312", "USA"),
    City("Rockford", "IL", "611", "815", "USA"),
    City("Los Angeles", "CA", "900", "213", "USA"),
    City("San Diego", "CA", "921", "619", "USA"),
    City("Sacramento", "CA", "958", "916", "USA"),
    City("Fresno", "CA", "937", "559", "USA"),
    City("Phoenix", "AZ", "850", "602", "USA"),
    City("Tucson", "AZ", "857", "520", "USA"),
    City("Denver", "CO", "802", "303", "USA"),
    City("Salt Lake City", "UT", "841", "801", "USA"),
    City("Seattle", "WA", "981", "206", "USA"),
    City("Spokane", "WA", "992", "509", "USA"),
    City("Portland", "OR", "972", "503", "USA"),
    City("Boise", "ID", "837", "208", "USA"),
    City("Minneapolis", "MN", "554", "612", "USA"),
    City("Milwaukee", "WI", "532", "414", "USA"),
    City("Detroit", "MI", "482", "313", "USA"),
    City("Grand Rapids", "MI", "495", "616", "USA"),
    City("Cleveland", "OH", "441", "216", "USA"),
    City("Columbus", "OH", "432", "614", "USA"),
    City("Indianapolis", "IN", "462", "317", "USA"),
    City("St. Louis", "MO", "631", "314", "USA"),
    City("Kansas City", "MO", "641", "816", "USA"),
    City("Omaha", "NE", "681", "402", "USA"),
    City("Nashville", "TN", "372", "615", "USA"),
    City("Memphis", "TN", "381", "901", "USA"),
    City("Atlanta", "GA", "303", "404", "USA"),
    City("Charlotte", "NC", "282", "704", "USA"),
    City("Raleigh", "NC", "276", "919", "USA"),
    City("Orlando", "FL", "328", "407", "USA"),
    City("Tampa", "FL", "336", "813", "USA"),
    City("Miami", "FL", "331", "305", "USA"),
    City("Pittsburgh", "PA", "152", "412", "USA"),
    City("Philadelphia", "PA", "191", "215", "USA"),
    City("Newark", "NJ", "071", "973", "USA"),
    City("New York", "NY", "100", "212", "USA"),
    City("Buffalo", "NY", "142", "716", "USA"),
    City("Boston", "MA", "021", "617", "USA"),
    City("Hartford", "CT", "061", "860", "USA"),
    City("Baltimore", "MD", "212", "410", "USA"),
    City("Richmond", "VA", "232", "804", "USA"),
    City("Louisville", "KY", "402", "502", "USA"),
    City("Birmingham", "AL", "352", "205", "USA"),
    City("New Orleans", "LA", "701", "504", "USA"),
    City("Oklahoma City", "OK", "731", "405", "USA"),
    City("Las Vegas", "NV", "891", "702", "USA"),
    City("Albuquerque", "NM", "871", "505", "USA"),
    City("San Juan", "PR", "009", "787", "PRI"),
)

# Division 01 sells across the border and overseas.
EXPORT_CITIES: tuple[City, ...] = (
    City("Toronto", "ON", "M5V", "416", "CAN"),
    City("Mississauga", "ON", "L5B", "905", "CAN"),
    City("Montreal", "QC", "H3B", "514", "CAN"),
    City("Vancouver", "BC", "V6B", "604", "CAN"),
    City("Calgary", "AB", "T2P", "403", "CAN"),
    City("Winnipeg", "MB", "R3C", "204", "CAN"),
    City("Monterrey", "NL", "640", "81", "MEX"),
    City("Guadalajara", "JA", "440", "33", "MEX"),
    City("Tijuana", "BC", "220", "664", "MEX"),
    City("Manchester", "", "M1", "161", "GBR"),
    City("Birmingham", "", "B1", "121", "GBR"),
    City("Sydney", "NS", "2000", "2", "AUS"),
    City("Auckland", "", "1010", "9", "NZL"),
    City("Hamburg", "", "200", "40", "DEU"),
    City("Rotterdam", "", "30", "10", "NLD"),
)

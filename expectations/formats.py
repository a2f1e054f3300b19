"""Formats the ERP insists on: patterns and the code lists that are not reference data.

Patterns are Python regular expressions, anchored, applied with `str.contains` (GX's pandas
regex expectations do the same), so `^...$` means the whole value.
"""

from __future__ import annotations

__all__ = [
    "CANADIAN_POSTAL_CODE",
    "CANADIAN_PROVINCES",
    "CONTROL_CHARACTERS",
    "CUSTOMER_NO",
    "DIGITS",
    "DIVISION_NO",
    "EMAIL_ADDRESS",
    "STATE",
    "TELEPHONE",
    "US_STATES",
    "US_ZIP_CODE",
]

# ASCII C0 controls and DEL: Sage's fixed-width records and its reports break on them.
CONTROL_CHARACTERS = r"[\x00-\x1f\x7f]"

# The platform's customer number: Sage's division, a dash, then CustomerNo ("01-0000042").
CUSTOMER_NO = r"^\d{2}-[A-Z0-9]{1,20}$"
DIVISION_NO = r"^\d{2}$"

# One address: a local part, an @ and a dotted domain with a top-level label of 2+ letters.
EMAIL_ADDRESS = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)

# Digits, spaces, + ( ) - . with at least seven digits, then an optional extension
# ("x12", "ext. 12", "#12").
TELEPHONE = (
    r"^(?=(?:[^0-9]*[0-9]){7})\+?[0-9 ().-]+"
    r"(?:\s*(?:[xX]|[eE][xX][tT]\.?|#)\s*[0-9]{1,6})?$"
)
DIGITS = r"^[0-9]+$"

STATE = r"^[A-Z]{2}$"
US_ZIP_CODE = r"^\d{5}(?:-\d{4})?$"
CANADIAN_POSTAL_CODE = r"^[A-Z]\d[A-Z] \d[A-Z]\d$"


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# USPS codes: the states, DC, the territories and the armed-forces "states".
US_STATES = _codes(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC "
    "AS GU MP PR VI UM FM MH PW AA AE AP"
)
CANADIAN_PROVINCES = _codes("AB BC MB NB NL NS NT NU ON PE QC SK YT")

"""SO_SalesOrderHistoryHeader columns of a chunk of orders: the customer's bill-to and
primary ship-to copied onto the order, as Sage fills them when the order is entered."""

from __future__ import annotations

import numpy as np

from sandbox.sage100 import names
from sandbox.sage100.catalog import CustomerCatalog
from sandbox.sage100.common import DAY, Frame, pick, stamp_columns, text

__all__ = ["order_header"]


def order_header(
    rng: np.random.Generator,
    index: np.ndarray,
    entered: np.ndarray,
    updated: np.ndarray,
    cust: np.ndarray,
    c: CustomerCatalog,
    status: np.ndarray,
    order_type: np.ndarray,
    ship_day: np.ndarray,
) -> Frame:
    n = len(index)
    division = c.division[cust]
    frame: Frame = {
        "SalesOrderNo": np.array([f"{i + 1:07d}" for i in index], dtype=object),
        "OrderDate": entered.astype("datetime64[D]"),
        "OrderType": order_type,
        "ShipExpireDate": np.where(np.isin(order_type, ["Q", "P"]), ship_day + 30 * DAY, ship_day),
        "ARDivisionNo": division,
        "CustomerNo": c.number[cust],
        "BillToName": c.name[cust],
        "BillToAddress1": c.address1[cust],
        "BillToAddress2": c.address2[cust],
        "BillToAddress3": c.address3[cust],
        "BillToCity": c.city[cust],
        "BillToState": c.state[cust],
        "BillToZipCode": c.zip_code[cust],
        "BillToCountryCode": c.country[cust],
        "ShipToCode": c.ship_to_code[cust],
        "ShipToName": c.ship_to_name[cust],
        "ShipToAddress1": c.ship_to_address1[cust],
        "ShipToAddress2": c.ship_to_address2[cust],
        "ShipToAddress3": text(n),
        "ShipToCity": c.ship_to_city[cust],
        "ShipToState": c.ship_to_state[cust],
        "ShipToZipCode": c.ship_to_zip[cust],
        "ShipToCountryCode": c.ship_to_country[cust],
        "ShipVia": c.ship_via[cust],
        "CustomerPONo": np.where(
            rng.random(n) < 0.8, "PO" + rng.integers(10_000, 999_999, n).astype(str), ""
        ).astype(object),
        "FOB": pick(rng, ("", "ORIGIN", "DESTINATION"), n),
        "WarehouseCode": c.warehouse[cust],
        "TermsCode": c.terms[cust],
        "TaxSchedule": c.tax_schedule[cust],
        "SalespersonDivisionNo": division,
        "SalespersonNo": c.salesperson[cust],
        "Comment": np.where(rng.random(n) < 0.15, pick(rng, names.ORDER_COMMENTS, n), "").astype(
            object
        ),
        "ConfirmTo": c.confirm_to[cust],
        "EmailAddress": c.email[cust],
        "TaxExemptNo": c.tax_exempt[cust],
        "CancelReasonCode": np.where(
            status == "X", pick(rng, ("CUST", "DUP", "PRICE", "STOCK"), n), ""
        ).astype(object),
        "BillToDivisionNo": c.bill_to_division[cust],
        "BillToCustomerNo": c.bill_to_number[cust],
        "UDF_SEND_TO_SERVICE_PRO": np.where(rng.random(n) < 0.1, "N", "Y").astype(object),
        "OrderStatus": status,
    }
    send = frame["UDF_SEND_TO_SERVICE_PRO"] == "Y"
    frame["UDF_SERVICE_PRO_STATUS"] = np.select(
        [~send, status == "C", status == "A"], ["", "COMPLETE", "SCHEDULED"], ""
    ).astype(object)
    return frame | stamp_columns(rng, entered, updated)

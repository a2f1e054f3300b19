"""The sandbox's Business Object Interface: Sage 100's write path on the sandbox company.

`open_session(url)` logs on to a generated company database (SQLite or PostgreSQL) and
returns a session whose business objects (AR_Customer_bus, SO_ShipToAddress_bus,
AR_CustomerContact_bus, SO_SalesOrder_bus, AR_CashReceipts_bus) apply the BOI's rules:
the Protocols they implement are in connectors.sage100.boi.
"""

from sandbox.sage100.boi.cash_receipts import CashReceiptsBusImpl
from sandbox.sage100.boi.contact import ContactBusImpl
from sandbox.sage100.boi.customer import CustomerBusImpl
from sandbox.sage100.boi.record import BusRecord
from sandbox.sage100.boi.sales_order import SalesOrderBusImpl
from sandbox.sage100.boi.session import SandboxSession, open_session
from sandbox.sage100.boi.ship_to import ShipToAddressBusImpl

__all__ = [
    "BusRecord",
    "CashReceiptsBusImpl",
    "ContactBusImpl",
    "CustomerBusImpl",
    "SalesOrderBusImpl",
    "SandboxSession",
    "ShipToAddressBusImpl",
    "open_session",
]

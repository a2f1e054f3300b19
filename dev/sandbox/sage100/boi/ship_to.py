"""SO_ShipToAddress_bus: a customer's ship-to addresses."""

from __future__ import annotations

from connectors.sage100.boi import SO_SHIP_TO_ADDRESS_BUS
from sandbox.sage100.boi.record import BusRecord

__all__ = ["ShipToAddressBusImpl"]


class ShipToAddressBusImpl(BusRecord):
    name = SO_SHIP_TO_ADDRESS_BUS
    table_name = "SO_ShipToAddress"
    required = ("ShipToName",)
    needs_customer = True

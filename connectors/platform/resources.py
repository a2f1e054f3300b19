"""The platform-side entities of seed 003, with the natural key each is upserted by.

The platform sandbox serves one resource per entry; the client and the mappings name
resources by these keys. Field names inside records are the platform's own (snake_case),
chosen by the mappings in erpsync.mappings.

`key` is the natural ("user") key: the fields that identify a record across systems. A
record may also be addressed by its platform `id`, which wins when both are given
(CIMcloud's rule). Records created on the platform may lack their natural key until the
ERP assigns it (a customer number, a contact code): `key_optional` marks those.
Documents (invoices, sales orders) carry their lines inline.
`sync_status` marks resources whose records carry the per-record ERP status of seed 004
(erp_status, erp_error).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RESOURCES", "Resource", "resource"]


@dataclass(frozen=True)
class Resource:
    name: str
    key: tuple[str, ...]
    description: str
    key_optional: bool = False
    sync_status: bool = False
    # Custom fields the platform defines for this resource (records carry them in
    # "custom_fields"); ERP UDFs map to these names.
    custom_fields: tuple[str, ...] = ()


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource("countries", ("country_code",), "Countries"),
        Resource("gl_accounts", ("account_key",), "G/L accounts"),
        Resource("tax_codes", ("tax_code",), "Sales tax codes"),
        Resource("tax_schedules", ("tax_schedule",), "Sales tax schedules"),
        Resource("ship_vias", ("ship_via",), "Ship vias"),
        Resource("terms", ("terms_code",), "Payment terms"),
        Resource("sales_people", ("sales_person_no",), "Sales people"),
        Resource(
            "locations", ("location_code",), "Locations (warehouses)", custom_fields=("region",)
        ),
        Resource("product_categories", ("category_code",), "Product categories"),
        Resource("items", ("item_number",), "Items", custom_fields=("brand", "web_item")),
        Resource("item_locations", ("item_number", "location_code"), "Item/location stock"),
        Resource("price_codes", ("price_code_id",), "Price codes and price breaks"),
        Resource(
            "customers",
            ("customer_no",),
            "Customers",
            key_optional=True,
            sync_status=True,
            custom_fields=("web_account", "industry"),
        ),
        Resource(
            "ship_tos",
            ("customer_no", "ship_to_code"),
            "Customer ship-to addresses",
            key_optional=True,
            sync_status=True,
            custom_fields=("delivery_notes",),
        ),
        # One link per sold-to customer: Sage gives a customer at most one bill-to.
        Resource("customer_links", ("customer_no",), "Bill-to / sold-to links (national accounts)"),
        Resource(
            "contacts",
            ("customer_no", "contact_code"),
            "Customer contacts",
            key_optional=True,
            sync_status=True,
            custom_fields=("role",),
        ),
        # Documents carry their lines inline ("lines": [...]): a document is written and
        # replaced as a whole, so no reader ever sees a header without its lines.
        Resource("invoices", ("invoice_no", "header_seq_no"), "Invoices with their lines"),
        Resource(
            "sales_orders",
            ("order_no",),
            "Sales orders with their lines",
            key_optional=True,
            sync_status=True,
        ),
        Resource(
            "payments", ("payment_no",), "Invoice payments", key_optional=True, sync_status=True
        ),
    )
}


def resource(name: str) -> Resource:
    try:
        return RESOURCES[name]
    except KeyError:
        raise KeyError(f"unknown platform resource {name!r}") from None

"""Reference data, items and customers look like a distributor's Sage 100 company."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.sandbox.conftest import Reader

LAST_BREAK = 99_999_999


def test_divisions_customers_and_salespeople_in_both(small_read: Reader) -> None:
    assert sorted(small_read("AR_Division")["ARDivisionNo"]) == ["00", "01"]
    assert set(small_read("AR_Customer")["ARDivisionNo"]) == {"00", "01"}
    assert set(small_read("AR_Salesperson")["SalespersonDivisionNo"]) == {"00", "01"}


def test_reference_tables_hold_real_codes(small_read: Reader) -> None:
    countries = small_read("SY_Country")
    assert len(countries) >= 20
    assert {"USA", "CAN", "MEX", "GBR"} <= set(countries["CountryCode"])
    assert countries["CountryCode"].str.fullmatch(r"[A-Z]{3}").all()

    accounts = small_read("GL_Account")
    assert len(accounts) >= 60
    assert accounts["AccountKey"].str.len().eq(9).all()
    assert accounts["Account"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert set(accounts["AccountType"]) == {f"{k:02d}" for k in range(1, 19)}
    assert 0 < (accounts["Status"] == "I").sum() < 10

    rates = small_read("SY_SalesTaxCodeDetail")
    assert set(rates["TaxClass"]) == {"TX", "NT", "TF"}
    assert rates.loc[rates["TaxClass"] == "NT", "TaxRate"].eq(0).all()
    assert rates.loc[rates["TaxClass"] == "TX", "TaxRate"].gt(0).any()

    detail = small_read("SY_SalesTaxScheduleDetail").sort_values(["TaxSchedule", "ScheduleSeqNo"])
    for schedule, seq in detail.groupby("TaxSchedule")["ScheduleSeqNo"]:
        assert list(seq) == [f"{k:06d}" for k in range(1, len(seq) + 1)], schedule
    assert set(detail["TaxSchedule"]) == set(small_read("SY_SalesTaxSchedule")["TaxSchedule"])

    assert {"UPS GROUND", "FEDEX 2DAY", "WILL CALL", "TRUCK"} <= set(
        small_read("SO_ShippingRateHeader")["ShippingCode"]
    )
    assert {"Net 30", "2% 10 Net 30", "COD"} <= set(small_read("AR_TermsCode")["TermsCodeDesc"])
    assert {"CHECK", "VISA", "MC", "ACH", "CASH"} <= set(
        small_read("AR_PaymentType")["PaymentType"]
    )


def test_warehouses_by_scale_with_the_main_one(tiny_read: Reader, small_read: Reader) -> None:
    for read in (tiny_read, small_read):
        warehouses = read("IM_Warehouse")
        assert len(warehouses) == 3
        assert "000" in set(warehouses["WarehouseCode"])
        assert warehouses["UDF_REGION"].ne("").all()


def test_every_item_kind_with_sage_codes(small_read: Reader) -> None:
    items = small_read("CI_Item")
    kind = np.select(
        [
            (items["ItemType"] == "1") & (items["ProductType"] == "K"),
            items["ItemType"] == "1",
            items["ItemType"] == "5",
            items["ItemType"] == "3",
            items["ItemType"] == "4",
        ],
        ["kit", "regular", "misc", "charge", "comment"],
        "?",
    )
    assert set(kind) == {"kit", "regular", "misc", "charge", "comment"}
    non_inventory = items[np.isin(kind, ["misc", "charge", "comment"])]
    assert non_inventory["ItemCode"].str.startswith("/").all()
    assert {"/FREIGHT", "/C"} <= set(non_inventory["ItemCode"])
    assert set(items.loc[kind == "regular", "ProductType"]) == {"F", "R", "D"}
    inventory = items[np.isin(kind, ["regular", "kit"])]
    assert inventory["DefaultWarehouseCode"].isin(small_read("IM_Warehouse")["WarehouseCode"]).all()
    assert (inventory["StandardUnitPrice"] > inventory["StandardUnitCost"]).all()
    assert inventory["UDF_BRAND"].ne("").all()
    assert set(inventory["UDF_WEB_ITEM"]) == {"Y", "N"}
    inactive = (items["InactiveItem"] == "Y").mean()
    assert 0.02 <= inactive <= 0.10


def test_item_warehouses_cover_default_warehouses_and_add_up(small_read: Reader) -> None:
    items = small_read("CI_Item")
    stock = small_read("IM_ItemWarehouse")
    inventory = items[items["ItemType"] == "1"]
    defaults = set(zip(inventory["ItemCode"], inventory["DefaultWarehouseCode"], strict=True))
    assert defaults <= set(zip(stock["ItemCode"], stock["WarehouseCode"], strict=True))
    assert len(stock) > len(inventory)  # some items are stocked in more than one warehouse
    assert set(stock["ItemCode"]) <= set(inventory["ItemCode"])
    totals = stock.groupby("ItemCode")["QuantityOnHand"].sum()
    on_item = inventory.set_index("ItemCode")["TotalQuantityOnHand"]
    pd.testing.assert_series_equal(on_item.loc[totals.index], totals, check_names=False)
    for column in (
        "QuantityOnHand",
        "QuantityOnPurchaseOrder",
        "QuantityOnSalesOrder",
        "QuantityOnBackOrder",
    ):
        assert stock[column].gt(0).any(), column
        assert stock[column].ge(0).all(), column


def test_price_breaks_are_sage_ranges(small_read: Reader) -> None:
    prices = small_read("IM_PriceCode")
    assert set(prices["PriceCodeRecord"]) == {"0", "1", "2"}
    assert len(set(prices["PricingMethod"])) >= 4
    tops = prices[[f"BreakQuantity{k}" for k in range(1, 6)]].to_numpy()
    values = prices[[f"DiscountMarkup{k}" for k in range(1, 6)]].to_numpy()
    used = (tops > 0).sum(axis=1)
    assert used.min() >= 1 and set(used) > {1}
    for row_tops, row_values, n in zip(tops, values, used, strict=True):
        assert (row_tops[:n] > 0).all() and (row_tops[n:] == 0).all()
        assert (np.diff(row_tops[:n]) > 0).all()
        assert row_tops[n - 1] == LAST_BREAK
        assert (row_values[n:] == 0).all()
    items = set(small_read("CI_Item")["ItemCode"])
    assert set(prices.loc[prices["PriceCodeRecord"] != "0", "ItemCode"]) <= items


def test_customers_point_at_existing_reference_rows(small_read: Reader) -> None:
    customers = small_read("AR_Customer")
    assert customers["CustomerNo"].str.fullmatch(r"\d{7}").all()
    assert customers["ShipMethod"].isin(small_read("SO_ShippingRateHeader")["ShippingCode"]).all()
    assert customers["TermsCode"].isin(small_read("AR_TermsCode")["TermsCode"]).all()
    assert customers["TaxSchedule"].isin(small_read("SY_SalesTaxSchedule")["TaxSchedule"]).all()
    assert customers["CountryCode"].isin(small_read("SY_Country")["CountryCode"]).all()
    assert customers["DefaultPaymentType"].isin(small_read("AR_PaymentType")["PaymentType"]).all()
    people = small_read("AR_Salesperson")
    known = set(zip(people["SalespersonDivisionNo"], people["SalespersonNo"], strict=True))
    assert (
        set(zip(customers["SalespersonDivisionNo"], customers["SalespersonNo"], strict=True))
        <= known
    )
    assert customers["EmailAddress"].str.fullmatch(r"[a-z]+@[a-z0-9]+\.com").all()
    phones = customers["TelephoneNo"].str
    assert (
        phones.fullmatch(r"\(\d{3}\) \d{3}-\d{4}")
        | phones.fullmatch(r"\+\d{2,3} \d{1,3} \d{3} \d{4}")
    ).all()
    abroad = customers["CountryCode"].isin(["GBR", "AUS", "NZL", "DEU", "NLD", "MEX"])
    assert customers.loc[abroad, "TelephoneNo"].str.startswith("+").all()
    assert (customers["PriceLevel"] == "").any() and (customers["PriceLevel"] != "").any()
    assert 0 < (customers["CreditHold"] == "Y").sum() < len(customers) * 0.1
    assert customers["UDF_WEB_ACCOUNT"].ne("").any() and customers["UDF_INDUSTRY"].ne("").all()


def test_national_accounts_bill_to_another_customer(small_read: Reader) -> None:
    customers = small_read("AR_Customer")
    children = customers[customers["BillToCustomerNo"] != ""]
    assert 0 < len(children) < len(customers) * 0.2
    keys = set(zip(customers["ARDivisionNo"], customers["CustomerNo"], strict=True))
    heads = set(zip(children["BillToDivisionNo"], children["BillToCustomerNo"], strict=True))
    assert heads <= keys
    assert not heads & set(zip(children["ARDivisionNo"], children["CustomerNo"], strict=True))


def test_contacts_and_ship_tos_per_customer(small_read: Reader) -> None:
    customers = small_read("AR_Customer")
    contacts = small_read("AR_CustomerContact")
    per_customer = contacts.groupby(["ARDivisionNo", "CustomerNo"]).size()
    assert per_customer.between(1, 3).all() and len(per_customer) == len(customers)
    assert set(per_customer) == {1, 2, 3}
    contact_keys = set(
        zip(contacts["ARDivisionNo"], contacts["CustomerNo"], contacts["ContactCode"], strict=True)
    )
    primary = set(
        zip(
            customers["ARDivisionNo"],
            customers["CustomerNo"],
            customers["ContactCode"],
            strict=True,
        )
    )
    assert primary <= contact_keys
    assert contacts["ContactCode"].str.fullmatch(r"[A-Z]{2}\d{3}").all()

    ship_tos = small_read("SO_ShipToAddress")
    counts = ship_tos.groupby(["ARDivisionNo", "CustomerNo"]).size()
    assert counts.max() <= 3 and len(counts) < len(customers)  # some customers have none
    with_primary = customers[customers["PrimaryShipToCode"] != ""]
    ship_keys = set(
        zip(ship_tos["ARDivisionNo"], ship_tos["CustomerNo"], ship_tos["ShipToCode"], strict=True)
    )
    assert (
        set(
            zip(
                with_primary["ARDivisionNo"],
                with_primary["CustomerNo"],
                with_primary["PrimaryShipToCode"],
                strict=True,
            )
        )
        <= ship_keys
    )
    assert ship_tos["WarehouseCode"].isin(small_read("IM_Warehouse")["WarehouseCode"]).all()

"""A few bad records never stop the business: the operator's inbox lists them, a record
whose customer is held waits for it, and after a fix `erpsync requeue` sends them again."""

from __future__ import annotations

import argparse
from typing import Any

from pydantic import SecretStr

from connectors.platform.client import PlatformClient
from erpsync.commands_errors import requeue
from flows import incremental_sync, initial_seed
from sandbox.platform import issue_token
from sandbox.platform.simulate import simulate_platform
from tests.flows.conftest import Project
from tests.flows.helpers import by_step, erp_count, run_flow


def _client(project: Project, token: str | None = None) -> PlatformClient:
    return PlatformClient(project.platform_url, SecretStr(token or project.token))


def _find(project: Project, resource: str, **match: Any) -> dict[str, Any]:
    with _client(project) as client:
        for page in client.iter_changed(resource):
            for rec in page:
                if all(rec.get(k) == v for k, v in match.items()):
                    return rec
    raise AssertionError(f"no {resource} with {match}")


def test_an_order_waits_for_its_quarantined_customer_and_goes_after_the_fix(
    project: Project, capsys: Any
) -> None:
    settings = project.settings
    run_flow(initial_seed, settings)
    user = issue_token(settings.sandbox_platform_path, "shop", role="user")
    # A valid order of an existing customer, as a template for the new customer's order.
    simulate_platform(project.platform_url, SecretStr(user), orders=1, seed=31)
    run_flow(incremental_sync, settings)
    template = _find(project, "sales_orders", erp_status="synced")

    too_long = "Consolidated Fastener and Industrial Supply Holdings Inc"  # 56 > 50
    with _client(project, user) as shop:
        (made,) = shop.upsert("customers", [{
            "name": too_long, "address1": "1 Main St", "city": "Austin", "state": "TX",
            "zip": "78701", "country": "USA", "ship_via": template.get("ship_via"),
            "terms_code": "01", "erp_status": "readyforfirstsync",
        }]).results  # fmt: skip
        customer_id = str(made.id)
        order = {k: v for k, v in template.items()
                 if k not in ("id", "order_no", "customer_no", "erp_status", "erp_error",
                              "updated_at", "created_at", "status")}  # fmt: skip
        order |= {"customer_id": customer_id, "customer_po_no": "WEB-WAITS",
                  "erp_status": "readyforfirstsync",
                  "subtotal": round(sum(x["extension"] for x in order["lines"]), 2)}  # fmt: skip
        (placed,) = shop.upsert("sales_orders", [order]).results
    orders_before = erp_count(settings, "SO_SalesOrderHeader")

    run = by_step(run_flow(incremental_sync, settings))
    assert (run[13].quarantined, run[21].waiting, run[21].written) == (1, 1, 0)
    waiting = _find(project, "sales_orders", customer_po_no="WEB-WAITS")
    assert waiting["erp_status"] == "readyforfirstsync"  # pending, not an error
    assert waiting["erp_error"].startswith(f"waits for customer {customer_id}: quarantined:")
    assert "50" in waiting["erp_error"]  # ... and why: the name's width

    # The inbox names the record, its field and the reason.
    from erpsync.commands_errors import errors

    args = argparse.Namespace(run=None, entity=None, since=None, limit=50, all=False,
                              json=False, csv=False, config=None)  # fmt: skip
    assert errors(settings, args) == 0
    printed = capsys.readouterr().out
    assert f"customers      {customer_id}" in printed and "CustomerName" in printed

    # Fixed on the platform, then requeued: the customer is written, then its order.
    with _client(project, user) as shop:
        shop.upsert("customers", [{"id": int(customer_id), "name": "Consolidated Fastener"}])
    assert requeue(settings, argparse.Namespace(entity="customers", key=[], all=False,
                                                config=None)) == 0  # fmt: skip
    run = by_step(run_flow(incremental_sync, settings))
    assert (run[13].written, run[21].written, run[21].waiting) == (1, 1, 0)
    assert erp_count(settings, "SO_SalesOrderHeader") == orders_before + 1
    customer = _find(project, "customers", name="Consolidated Fastener")
    assert customer["erp_status"] == "synced" and customer["customer_no"]
    placed_now = _find(project, "sales_orders", customer_po_no="WEB-WAITS")
    assert (
        placed_now["erp_status"] == "synced"
        and placed_now["customer_no"] == customer["customer_no"]
    )
    assert placed.id == placed_now["id"]
    # nothing left in the inbox for it
    store = settings.state_store()
    assert store.requeue_candidates("customers") == {}
    store.close()

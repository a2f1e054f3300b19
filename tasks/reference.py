"""Steps 1-9: reference data, Sage 100 -> platform."""

from __future__ import annotations

import pandas as pd

from erpsync.engine.context import SyncContext
from erpsync.engine.download import DownloadSpec, Trigger, run_download
from erpsync.mappings import reference as m
from erpsync.state.models import StepOutcome
from tasks.registry import step_task

__all__ = [
    "download_countries",
    "download_gl_accounts",
    "download_locations",
    "download_product_categories",
    "download_sales_people",
    "download_ship_vias",
    "download_tax_codes",
    "download_tax_schedules",
    "download_terms",
]


def _tax_rates(ctx: SyncContext, frame: pd.DataFrame) -> pd.DataFrame:
    """Each tax code's rate per tax class (TX, NT, TF ...) from SY_SalesTaxCodeDetail."""
    codes = [(c,) for c in frame["TaxCode"].unique()]
    parts = list(
        ctx.erp.read_keys(
            "SY_SalesTaxCodeDetail", ["TaxCode", "TaxClass", "TaxRate"], ["TaxCode"], codes
        )
    )
    rates: dict[str, dict[str, float]] = {}
    if parts:
        detail = pd.concat(parts, ignore_index=True).sort_values(["TaxCode", "TaxClass"])
        for code, cls, rate in detail.itertuples(index=False, name=None):
            rates.setdefault(code, {})[cls] = float(rate)
    per_row = [rates.get(code, {}) for code in frame["TaxCode"]]
    return frame.assign(rates=pd.Series(per_row, index=frame.index, dtype=object))


def _schedule_codes(ctx: SyncContext, frame: pd.DataFrame) -> pd.DataFrame:
    """Each schedule's tax codes in schedule order; the first is the primary code."""
    keys = [(s,) for s in frame["TaxSchedule"].unique()]
    cols = ["TaxSchedule", "ScheduleSeqNo", "TaxCode"]
    parts = list(ctx.erp.read_keys("SY_SalesTaxScheduleDetail", cols, ["TaxSchedule"], keys))
    codes: dict[str, list[str]] = {}
    if parts:
        detail = pd.concat(parts, ignore_index=True).sort_values(["TaxSchedule", "ScheduleSeqNo"])
        for schedule, _, code in detail.itertuples(index=False, name=None):
            codes.setdefault(schedule, []).append(code)
    per_row = [codes.get(s, []) for s in frame["TaxSchedule"]]
    return frame.assign(tax_codes=pd.Series(per_row, index=frame.index, dtype=object))


COUNTRIES = DownloadSpec(1, m.COUNTRIES)
GL_ACCOUNTS = DownloadSpec(2, m.GL_ACCOUNTS)
TAX_CODES = DownloadSpec(
    3, m.TAX_CODES, triggers=(Trigger("SY_SalesTaxCodeDetail", ("TaxCode",)),), enrich=_tax_rates
)
TAX_SCHEDULES = DownloadSpec(
    4,
    m.TAX_SCHEDULES,
    triggers=(Trigger("SY_SalesTaxScheduleDetail", ("TaxSchedule",)),),
    enrich=_schedule_codes,
)
SHIP_VIAS = DownloadSpec(5, m.SHIP_VIAS)
TERMS = DownloadSpec(6, m.TERMS)
SALES_PEOPLE = DownloadSpec(7, m.SALES_PEOPLE)
LOCATIONS = DownloadSpec(8, m.LOCATIONS)
PRODUCT_CATEGORIES = DownloadSpec(9, m.PRODUCT_CATEGORIES)


@step_task(1)
def download_countries(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, COUNTRIES)


@step_task(2)
def download_gl_accounts(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, GL_ACCOUNTS)


@step_task(3)
def download_tax_codes(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, TAX_CODES)


@step_task(4)
def download_tax_schedules(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, TAX_SCHEDULES)


@step_task(5)
def download_ship_vias(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, SHIP_VIAS)


@step_task(6)
def download_terms(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, TERMS)


@step_task(7)
def download_sales_people(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, SALES_PEOPLE)


@step_task(8)
def download_locations(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, LOCATIONS)


@step_task(9)
def download_product_categories(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, PRODUCT_CATEGORIES)

"""Prefect deployments of the erpsync flows."""

from deployments.definitions import INCREMENTAL_INTERVAL, build_deployments

__all__ = ["INCREMENTAL_INTERVAL", "build_deployments"]

"""Prefect deployments of the erpsync flows."""

from deployments.definitions import build_deployments, deployment_name, incremental_interval

__all__ = ["build_deployments", "deployment_name", "incremental_interval"]

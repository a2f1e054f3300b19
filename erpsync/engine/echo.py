"""The ERP's current view of records, as the download step would send it.

Used by the upload steps: after writing into the ERP they send this view back to the
platform and remember its hash, so the download step that follows sees nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from erpsync.engine.children import attach_children
from erpsync.engine.context import SyncContext
from erpsync.engine.download import DownloadSpec
from erpsync.engine.payload import digest, platform_payloads
from erpsync.mappings.core import encode_records, split_erp_key

__all__ = ["ErpView", "erp_payloads"]


@dataclass(frozen=True)
class ErpView:
    send: bytes  # the platform payload
    compare: str  # its hash, as linkage.platform_hash


def erp_payloads(ctx: SyncContext, spec: DownloadSpec, erp_keys: list[str]) -> dict[str, ErpView]:
    if not erp_keys:
        return {}
    mapping = ctx.company_mapping(spec.mapping)
    keys = sorted({split_erp_key(k, len(mapping.key)) for k in erp_keys})
    have = set(ctx.erp.table(mapping.table).column_names)
    extra = [c for c in spec.extra_columns if c in have]
    columns = list(dict.fromkeys([*mapping.source_columns, *extra]))
    frames = list(ctx.erp.read_keys(mapping.table, columns, mapping.key, keys))
    if not frames:
        return {}
    frame = pd.concat(frames, ignore_index=True)
    if spec.enrich is not None:
        frame = spec.enrich(ctx, frame)
    mapped = mapping.apply(frame, ctx)
    if spec.children:
        docs = attach_children(
            ctx, frame.iloc[mapped.kept], encode_records(mapped.records), spec.children
        )
        return {
            key: ErpView(send, digest(send))
            for key, send in zip(mapped.keys.tolist(), docs.encoded, strict=True)
        }
    owned, _, _ = spec.matrix(ctx)
    existing = np.ones(len(mapped.records), dtype=bool)
    payloads = platform_payloads(mapped.records, existing, owned_by_platform=owned)
    return {
        key: ErpView(send, compare)
        for key, send, compare in zip(
            mapped.keys.tolist(), payloads.send, payloads.compare, strict=True
        )
    }

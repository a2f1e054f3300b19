"""Keep Prefect's view of erpsync runs true.

A run killed with SIGKILL (or whose machine died) cannot tell the Prefect server; the
server keeps showing it Running for ever. The next run of the company, holding the lease,
knows better: the ledger marks such runs CRASHED, and so does this in Prefect.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

__all__ = ["crash_in_prefect"]

log = logging.getLogger("erpsync.run")


def crash_in_prefect(run_ids: Iterable[str]) -> list[str]:
    """Set each flow run that Prefect still shows unfinished to Crashed; returns those."""
    ids = []
    for run_id in run_ids:
        try:
            ids.append(uuid.UUID(run_id))
        except ValueError:  # a run started outside Prefect ("local-...")
            continue
    if not ids:
        return []
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed

    marked: list[str] = []
    try:
        with get_client(sync_client=True) as client:
            for flow_run_id in ids:
                found = client.read_flow_run(flow_run_id)
                if found.state is None or found.state.is_final():
                    continue
                message = "ended without finishing (found by the next run of its company)"
                client.set_flow_run_state(flow_run_id, Crashed(message=message), force=True)
                marked.append(str(flow_run_id))
    except Exception as exc:  # the ledger already says CRASHED; Prefect is told next time
        log.warning("could not mark crashed runs in Prefect: %s", exc)
    if marked:
        log.warning("marked %d run(s) left running as crashed: %s", len(marked), ", ".join(marked))
    return marked

"""The benchmark's figures as targets (PASS/FAIL) and as one printed table.

`targets(figures)` compares the measured figures with the limits the README carries;
`table(figures)` renders everything as plain text. Neither measures anything: they read
the dictionary `bench.suite` builds, which is also what goes to the JSON file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bench.memory import GIB, MIB

__all__ = ["Target", "table", "targets"]


@dataclass(frozen=True)
class Target:
    name: str
    figure: str  # what is compared, in words
    value: float | None  # None: not measured in this run
    limit: float
    op: str  # "<=", ">=", "=="
    note: str = ""

    @property
    def passed(self) -> bool | None:
        if self.value is None or math.isnan(self.value):
            return None
        compare: dict[str, Callable[[float, float], bool]] = {
            "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b,
            "==": lambda a, b: a == b,
        }
        return compare[self.op](self.value, self.limit)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


def _get(figures: dict[str, Any], *path: str) -> Any:
    node: Any = figures
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def targets(figures: dict[str, Any]) -> list[Target]:
    seeds: dict[str, Any] = figures.get("seeds", {})
    # The throughput and API targets are set for medium: judged there whenever the run
    # seeded it (a large run seeds medium too), else on the scale asked for.
    main = "medium" if "medium" in seeds else figures["scale"]
    out: list[Target] = []
    top = seeds.get(main, {})
    out.append(
        Target(
            f"seed throughput ({main})",
            "engine records/s ÷ raw I/O records/s",
            _get(top, "engine_over_raw"),
            0.5,
            ">=",
            "target is set for medium",
        )
    )
    for scale in figures.get("seed_scales", []):
        out.append(
            Target(
                f"seed peak RSS ({scale})",
                "engine process high-water mark, GiB",
                _ratio(_get(seeds, scale, "memory", "engine_peak_rss_bytes"), GIB),
                1.0,
                "<=",
            )
        )
    medium = _get(seeds, "medium", "memory", "engine_peak_rss_bytes")
    large = _get(seeds, "large", "memory", "engine_peak_rss_bytes")
    out.append(
        Target(
            "seed peak RSS large ÷ medium",
            "engine high-water mark, large ÷ medium",
            _ratio(large, medium),
            1.2,
            "<=",
            "" if large and medium else "needs --scale large",
        )
    )
    inc = figures.get("incremental", {})
    scales = f"{_get(inc, 'top', 'scale')} ÷ {_get(inc, 'base', 'scale')}"
    out.append(
        Target(
            f"incremental {scales}",
            "wall time of `erpsync sync`, 100 changed records",
            _get(inc, "ratio_process"),
            1.3,
            "<=",
            "target is set for large ÷ small",
        )
    )
    out.append(
        Target(
            f"incremental {scales}, flow only",
            "the flow run's own time (ledger), same runs",
            _get(inc, "ratio_flow"),
            1.3,
            "<=",
        )
    )
    quiet = figures.get("no_change", {})
    out += [
        Target(
            "no-change run writes nothing",
            "records written, platform + ERP",
            _sum(_get(quiet, "written_platform"), _get(quiet, "written_erp")),
            0,
            "==",
        ),
        Target(
            "no-change run: platform reads",
            "most GET calls to one platform resource",
            _get(quiet, "platform_reads_max_per_resource"),
            1,
            "<=",
        ),
        Target(
            "no-change run: ERP queries",
            "most queries to one Sage table",
            _get(quiet, "erp_queries_max_per_table"),
            1,
            "<=",
        ),
        Target(
            f"seed API economy ({main})",
            "records per write call ÷ platform.max_batch",
            _get(top, "api", "batch_fill"),
            0.9,
            ">=",
        ),
        Target(
            "erpsync --help",
            "seconds, fresh process, best of a few",
            _get(figures, "startup", "help_seconds"),
            1.0,
            "<=",
        ),
    ]
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _sum(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


# --- text ------------------------------------------------------------------------------------
def _grid(head: tuple[str, ...], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*head), fmt.format(*("-" * w for w in widths))] + [
        fmt.format(*r) for r in rows
    ]


def _n(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float) and math.isnan(value):
        return "-"
    return f"{value:,.{digits}f}"


def _mib(value: Any) -> str:
    return "-" if value is None else f"{value / MIB:,.0f} MiB"


def _seed_lines(scale: str, seed: dict[str, Any]) -> list[str]:
    eng, raw, mem, api = seed["engine"], seed["raw"], seed["memory"], seed["api"]
    lines = [
        f"Seed, {scale}: {seed['records']:,} records from {', '.join(seed['tables'])}",
        f"  engine  {_n(eng['flow_seconds'])} s flow ({_n(eng['records_per_second'], 0)} rec/s);"
        f" process {_n(eng['process_seconds'])} s ({_n(eng['process_records_per_second'], 0)}"
        " rec/s)",
        f"  raw     {_n(raw['seconds'])} s ({_n(raw['records_per_second'], 0)} rec/s)"
        f"   engine ÷ raw = {_n(seed['engine_over_raw'], 3)}",
        f"  memory  engine {_mib(mem['engine_peak_rss_bytes'])},"
        f" platform sandbox {_mib(mem['platform_peak_rss_bytes'])}",
        f"  API     {api['write_calls']} write calls for {api['records_sent']:,} records"
        f" (max batch {api['max_batch']}): fill {_n(api['batch_fill'], 3)};"
        f" fewest possible calls {api['min_write_calls']}"
        f" (efficiency {_n(api['call_efficiency'], 3)})",
    ]
    rows = [
        (
            str(s["step"]),
            s["name"],
            s["state"],
            _n(s["read"]),
            _n(s["written"]),
            _n(s["seconds"], 3),
            _n(s["records_per_second"], 0),
            "<- slowest" if s["step"] == seed["slowest_step"] else "",
        )
        for s in seed["steps"]
    ]
    head = ("#", "step", "state", "read", "written", "seconds", "rec/s", "")
    return lines + ["  " + line for line in _grid(head, rows)]


def table(figures: dict[str, Any]) -> str:
    c = figures["conditions"]
    lines = [
        f"erpsync benchmark — scale {figures['scale']}, seed {figures['seed']},"
        f" {figures['started_at']}",
        f"machine: {c['cpus']} CPUs, {_n(c['memory_gib'], 1)} GiB; load average"
        f" {_n(c['load_before'], 2)} before, {_n(c['load_after'], 2)} after",
        f"Prefect server start-up: {_n(figures['prefect_server']['startup_seconds'])} s"
        " (excluded from every run below)",
        f"erpsync --help: {_n(figures['startup']['help_seconds'], 3)} s (best of"
        f" {len(figures['startup']['samples'])})",
        "",
    ]
    for scale in figures["seed_scales_all"]:
        lines += [*_seed_lines(scale, figures["seeds"][scale]), ""]
    inc = figures["incremental"]
    for which in ("base", "top"):
        run = inc[which]
        lines.append(
            f"Incremental, {run['scale']}: {run['changed_records']} changed ERP records ->"
            f" {run['written_platform']} written; process {_n(run['process_seconds'])} s,"
            f" flow {_n(run['flow_seconds'])} s (samples"
            f" {', '.join(_n(x) for x in run['samples_process_seconds'])} s),"
            f" {run['erp_queries']} ERP queries,"
            f" {sum(run['platform_calls'].values())} platform calls;"
            f" {_n(run['seconds_after_seed'], 0)} s after the seed"
        )
    lines.append(
        f"  median of {inc['rounds']} runs per scale; ratio {inc['top']['scale']} ÷"
        f" {inc['base']['scale']}: process"
        f" {_n(inc['ratio_process'], 3)}, flow {_n(inc['ratio_flow'], 3)}"
    )
    q = figures["no_change"]
    calls = ", ".join(f"{k} {v}" for k, v in q["platform_calls"].items()) or "none"
    per_table = ", ".join(f"{k} {v}" for k, v in q["erp_queries_by_table"].items()) or "none"
    lines += [
        "",
        f"No-change run, {q['scale']}: written platform {q['written_platform']},"
        f" ERP {q['written_erp']}; process {_n(q['process_seconds'])} s,"
        f" flow {_n(q['flow_seconds'])} s; {_n(q['seconds_after_seed'], 0)} s after the seed",
        f"  platform calls: {calls}",
        f"  ERP queries {q['erp_queries']}: {per_table}"
        f" (+{q['erp_queries_outside_run']} by the CLI outside the run)",
        "",
    ]
    gate = figures["gate"]
    if gate.get("error"):
        lines.append(f"Gate: not measured: {gate['error']}")
    else:
        for g in gate["runs"]:
            lines.append(
                f"Gate ({gate['suite']}, {gate['checks']} checks): {g['rows']:,} records in"
                f" {_n(g['seconds'], 3)} s ({_n(g['rows_per_second'], 0)} rec/s)"
            )
    if figures.get("notes"):
        lines += ["", "Notes"] + [f"  - {n}" for n in figures["notes"]]
    lines += ["", "Targets"]
    rows = []
    for t in figures["targets"]:
        verdict = {True: "PASS", False: "FAIL", None: "n/a"}[t["passed"]]
        value = "-" if t["value"] is None else _n(float(t["value"]), 3)
        rows.append((verdict, t["name"], f"{value} {t['op']} {_n(t['limit'], 2)}", t["note"]))
    lines += _grid(("", "target", "measured", "note"), rows)
    return "\n".join(lines)

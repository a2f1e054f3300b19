"""generate(): deterministic, refuses to overwrite, reports what it wrote."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.sage100.tables import TABLES
from sandbox.sage100 import SCALES, GenerationReport, generate
from tests.sandbox.conftest import AS_OF, read_table, sqlite_url

ROOT = Path(__file__).resolve().parents[2]


def _contents(url: str) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for name, spec in TABLES.items():
        frame = read_table(url, name).sort_values(list(spec.primary_key), ignore_index=True)
        out[name] = list(frame.itertuples(index=False, name=None))
    return out


def test_same_seed_and_as_of_give_identical_contents(
    tiny: GenerationReport, tmp_path: Path
) -> None:
    again = generate(sqlite_url(tmp_path / "again.db"), scale="tiny", seed=42, as_of=AS_OF)
    assert again.rows == tiny.rows
    assert _contents(again.url) == _contents(tiny.url)


def test_files_are_byte_identical_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    """Nothing may depend on set or dict-of-set order, which changes with PYTHONHASHSEED."""
    script = (
        "import sys; from datetime import datetime; from sandbox.sage100 import generate; "
        "generate('sqlite:///' + sys.argv[1], scale='tiny', seed=9, "
        "as_of=datetime(2026, 1, 5, 9, 15))"
    )
    digests = []
    for hash_seed in ("1", "2"):
        path = tmp_path / f"h{hash_seed}.db"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(path)], check=True, env=env, cwd=ROOT)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_a_different_seed_gives_a_different_company(tiny: GenerationReport, tmp_path: Path) -> None:
    other = generate(sqlite_url(tmp_path / "other.db"), scale="tiny", seed=43, as_of=AS_OF)
    mine, theirs = _contents(tiny.url), _contents(other.url)
    for name in ("CI_Item", "AR_Customer", "SO_SalesOrderHistoryDetail", "AR_InvoiceHistoryHeader"):
        assert mine[name] != theirs[name], name


def test_refuses_a_database_with_company_tables_unless_replace(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "company.db")
    generate(url, scale="tiny", seed=1, as_of=AS_OF)
    before = _contents(url)
    with pytest.raises(ValueError, match=r"already has Sage 100 company tables .*replace=True"):
        generate(url, scale="tiny", seed=2, as_of=AS_OF)
    assert _contents(url) == before  # refused before touching anything
    generate(url, scale="tiny", seed=2, as_of=AS_OF, replace=True)
    assert len(read_table(url, "SO_SalesOrderHistoryHeader")) == SCALES["tiny"].orders
    fresh = generate(sqlite_url(tmp_path / "fresh.db"), scale="tiny", seed=2, as_of=AS_OF)
    assert _contents(url) == _contents(fresh.url)


def test_report_counts_rows_and_hides_the_password(tiny: GenerationReport) -> None:
    scale = SCALES["tiny"]
    assert tiny.scale == "tiny" and tiny.seed == 42 and tiny.as_of == AS_OF
    assert set(tiny.rows) == set(TABLES)
    assert tiny.rows["AR_Customer"] == scale.customers
    assert tiny.rows["CI_Item"] == scale.items
    assert tiny.rows["SO_SalesOrderHistoryHeader"] == scale.orders
    for name, count in tiny.rows.items():
        assert len(read_table(tiny.url, name)) == count, name
    assert tiny.seconds > 0


def test_progress_reports_running_totals_and_bad_scale_is_named(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []
    report = generate(
        sqlite_url(tmp_path / "p.db"),
        scale="tiny",
        as_of=AS_OF,
        progress=lambda t, n: seen.append((t, n)),
    )
    last: dict[str, int] = {}
    for table, count in seen:
        assert count >= last.get(table, 0)
        last[table] = count
    assert last == {t: n for t, n in report.rows.items() if n}
    with pytest.raises(
        ValueError, match=r"unknown sandbox scale 'huge'.*tiny, small, medium, large"
    ):
        generate(sqlite_url(tmp_path / "q.db"), scale="huge")


def test_default_as_of_is_now_to_the_second(tmp_path: Path) -> None:
    from datetime import datetime

    before = datetime.now().replace(microsecond=0)
    report = generate(sqlite_url(tmp_path / "now.db"), scale="tiny")
    assert before <= report.as_of <= datetime.now() and report.as_of.microsecond == 0


def test_url_in_report_has_no_password() -> None:
    from sandbox.sage100.writer import safe_url

    shown = safe_url("postgresql+psycopg://erp:s3cret-pw@db.example:5432/sage")
    assert "s3cret-pw" not in shown and "erp@db.example" in shown

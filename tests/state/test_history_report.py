"""`erpsync report` on a ledger of 120 runs written through the StateStore API, on SQLite
and PostgreSQL: the page is self-contained (no script, nothing fetched, every chart valid
SVG), and a real headless Chromium renders it to a screenshot that is not blank and shows
the charts' colours."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest

from erpsync.reports import charts
from erpsync.reports.html import ReportOptions, build_report
from erpsync.state import StateStore
from tests.conftest import missing_external
from tests.state.ledger_fill import fill_ledger

CHROMIUM = Path("/usr/bin/chromium")
WINDOW = (1280, 2000)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not os.access(CHROMIUM, os.X_OK):
        missing_external(
            f"Debian's chromium is not installed at {CHROMIUM} "
            "(apt-get install --no-install-recommends chromium)"
        )
    return CHROMIUM


def screenshot(browser: Path, page: Path, png: Path, profile: Path) -> None:
    """Chromium's own --screenshot: no driver, no network (file:// only, every
    background service off), its own profile directory, killed with its children if it
    hangs."""
    args = [
        str(browser), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={png}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}", page.resolve().as_uri(),
    ]  # fmt: skip
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]


def decode_png(data: bytes) -> tuple[int, int, list[bytearray]]:
    """(width, height, RGB rows) of an 8-bit RGB/RGBA non-interlaced PNG, with the
    standard library: the chunks, zlib, and the five scanline filters undone."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    assert header is not None
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + (left + prev[i]) // 2) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line if bpp == 3 else bytearray(v for i, v in enumerate(line) if i % 4 != 3))
        prev = line
    return width, height, rows


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


@pytest.mark.slow
def test_report_of_120_runs_renders_in_a_real_browser(
    store: StateStore, tmp_path: Path, chromium: Path
) -> None:
    fill_ledger(store, runs=120)
    page = build_report(store, options=ReportOptions(limit=500))

    # Self-contained: nothing a browser would fetch or run.
    lowered = page.lower()
    for banned in ("<script", "src=", "href=", "url(", "@import", "<link", "https:"):
        assert banned not in lowered, banned
    assert lowered.count("http://") == lowered.count('xmlns="http://www.w3.org/2000/svg"')
    svgs = page.split("<svg")[1:]
    assert len(svgs) == 5  # duration, outcomes, issues, per entity, last seed's steps
    for chunk in svgs:
        ElementTree.fromstring("<svg" + chunk.split("</svg>")[0] + "</svg>")
    for needle in (
        "erpsync runs: ABC", "120 runs from 2026-11-01 06:00", "Run duration over time",
        "Runs per day by outcome", "Failed and quarantined records per day",
        "Records per entity per run", "Per-step time of the last seed", "Latest 50 runs",
        "window 2026-10-01..2026-10-07; entities invoices, items", "this run is skipped",
        "ended without finishing", "step 10 Download Items failed",
    ):  # fmt: skip
        assert needle in page, needle
    assert page.count('<tr class="why">') >= 5

    report = tmp_path / "report.html"
    report.write_text(page, encoding="utf-8")
    png = tmp_path / "report.png"
    screenshot(chromium, report, png, tmp_path / "chromium-profile")
    assert png.stat().st_size > 20_000

    width, height, rows = decode_png(png.read_bytes())
    assert (width, height) == WINDOW
    background = {(255, 255, 255), (249, 250, 251)}  # white cards, the page's grey
    counts: dict[tuple[int, int, int], int] = {}
    for row in rows[::2]:  # every other row is plenty to count
        for i in range(0, len(row), 3):
            px = (row[i], row[i + 1], row[i + 2])
            counts[px] = counts.get(px, 0) + 1
    total = sum(counts.values())
    ink = total - sum(counts.get(c, 0) for c in background)
    assert ink / total > 0.05, f"only {ink} of {total} pixels are not background"
    # The charts drew: solid fills in the ledger's colours are on the screen.
    for state in ("COMPLETED", "FAILED", "SKIPPED"):
        assert counts.get(_rgb(charts.STATE_COLORS[state]), 0) > 200, state
    assert counts.get(_rgb(charts.QUARANTINED_COLOR), 0) > 200
    print(f"screenshot: {png}")

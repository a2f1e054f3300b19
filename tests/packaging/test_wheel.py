"""The product wheel ships the product only; the development kit is a separate install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = {"erpsync", "connectors", "tasks", "flows", "expectations", "deployments"}


@pytest.mark.slow
def test_the_wheel_holds_the_product_and_nothing_of_the_dev_kit(tmp_path: Path) -> None:
    # Built from a copy: setuptools leaves build/ and *.egg-info in the tree it builds.
    source = tmp_path / "src"
    skip = shutil.ignore_patterns(
        ".git", ".venv", ".erpsync", "build", "dist", "__pycache__", "*.egg-info"
    )
    shutil.copytree(ROOT, source, ignore=skip)
    out = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), "."],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("erpsync-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top == PRODUCT
    assert not [n for n in names if n.startswith(("sandbox/", "bench/", "tests/", "dev/"))]
    # Every product package the wheel ships is importable from it alone (no dev kit).
    assert "erpsync/cli.py" in names and "connectors/sage100/client.py" in names


def test_without_the_dev_kit_a_sandbox_command_says_what_is_missing(tmp_path: Path) -> None:
    # sys.modules["sandbox"] = None makes `import sandbox` fail as it does where erpsync-dev
    # is not installed.
    code = (
        "import sys; sys.modules['sandbox'] = None; "
        "from erpsync.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ERPSYNC_")}
    for args in (["sync"], ["sandbox", "init", "--scale", "tiny"]):
        result = subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert "development kit" in lines[0]
        assert not (tmp_path / ".erpsync" / "sandbox").exists()

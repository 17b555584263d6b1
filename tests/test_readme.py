"""`make demo` as the README describes it: it keeps its own inventory under out/ (the user's default
inventory is never touched), examples/README.md is no input, and the README's sample output is what
the demo prints."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _demo_command(out: Path) -> list[str]:
    """The custodiet command of the Makefile's demo target, with $(OUT) and $(BIN) filled in."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\ndemo:") :].split("\n\n", 1)[0]
    line = next(line.strip() for line in recipe.splitlines() if "custodiet audit" in line)
    words = shlex.split(line.replace("$(OUT)", str(out)))
    assert words[0] == "$(BIN)/custodiet"
    return [sys.executable, "-m", "custodiet.cli.main", *words[1:]]


def _normal(line: str) -> str:
    return " ".join(line.split())


def test_the_demo_prints_the_readme_sample_and_keeps_its_own_inventory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("CUSTODIET_DB", "XDG_DATA_HOME")}
    env.update(HOME=str(home), COLUMNS="200")
    result = subprocess.run(
        _demo_command(out), cwd=ROOT, capture_output=True, text=True, timeout=300, env=env, check=True
    )
    # Its own inventory, none in the user's data directory.
    assert (out / "demo.sqlite").is_file()
    assert not (home / ".local" / "share" / "custodiet").exists()
    # examples/README.md is documentation: named as not audited, not counted as an input.
    assert "not audited (no input format): examples/README.md" in result.stderr
    printed = [_normal(line) for line in result.stdout.splitlines() if line.strip()]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- demo-output -->\n```\n(.*?)```\n<!-- /demo-output -->", readme, re.S)
    assert block, "the README's demo sample is marked with <!-- demo-output -->"
    sample = [_normal(line) for line in block.group(1).splitlines() if line.strip()]
    position = 0
    for line in sample:
        assert line in printed[position:], f"README line not printed (in this order): {line!r}"
        position = printed.index(line, position) + 1
    assert "(unidentified)" in result.stdout and "examples/README.md" not in result.stdout

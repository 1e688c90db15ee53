"""The README's Python section runs as written."""

import pathlib
import re
import subprocess
import sys

import pytest

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"
PACKAGE_README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def python_blocks():
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_the_section_has_the_examples_it_promises():
    blocks = python_blocks()
    assert sum("def test_" in block for block in blocks) == 2
    assert any("AnthropicBedrock" in block for block in blocks)
    assert any("bedrock_harness.serve(" in block for block in blocks)


@pytest.mark.parametrize("index", [0, 1])
def test_each_pytest_example_passes(pytester, index):
    pytest.importorskip("anthropic")
    block = [block for block in python_blocks() if "def test_" in block][index]
    pytester.makeini("[pytest]\nbedrock_harness_args = --as-of 2026-12-02\n")
    pytester.makepyfile(test_example=block)
    result = pytester.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(passed=1)


def test_the_script_example_prints_the_stop_reason(tmp_path):
    block = next(block for block in python_blocks() if "bedrock_harness.serve(" in block)
    script = tmp_path / "example.py"
    script.write_text(block, encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, str(script)], check=False, capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "tool_use"


def test_the_package_readme_example_passes(pytester):
    text = PACKAGE_README.read_text(encoding="utf-8")
    (block,) = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    pytester.makeini("[pytest]\nbedrock_harness_args = --as-of 2026-12-02\n")
    pytester.makepyfile(test_example=block)
    result = pytester.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(passed=1)

"""The installed package: its version, its errors, its shipped golden suite."""
import os
import pathlib

import pytest

import learndyn
from conftest import run_cli


def test_imported_package_is_the_installed_one_not_the_source_tree():
    here = pathlib.Path(__file__).resolve().parent.parent  # python/
    assert pathlib.Path(learndyn.__file__).resolve().parent != here / "learndyn"


def test_version_equals_the_cli_version():
    assert learndyn.__version__ == run_cli("--version")[1].strip()


@pytest.mark.parametrize("suite", ["default", "full"])
def test_shipped_suite_is_byte_identical_to_a_fresh_oracle_generate(tmp_path, suite):
    out = tmp_path / "golden.json"
    run_cli("oracle", "generate", "--suite", suite, "--output", str(out))
    assert learndyn.oracle.golden_text(suite).encode() == out.read_bytes()


def test_golden_is_the_parsed_generated_file(tmp_path):
    import json

    doc = learndyn.oracle.golden()
    assert doc == json.loads(learndyn.oracle.golden_text())
    assert doc["suite"] == "default" and doc["learndyn_version"] == learndyn.__version__
    assert len(doc["cases"]) > 0


def test_unknown_suite_is_a_value_error_naming_suite():
    with pytest.raises(ValueError, match="suite"):
        learndyn.oracle.golden("fulll")


def test_bad_input_is_a_value_error_with_the_cli_message():
    code, _, err = run_cli("ghost", "critical-rate", "--T", "-1", "--Tr", "100", check=False)
    assert code == 2
    with pytest.raises(ValueError) as info:
        learndyn.ghost.critical_rate("-1", 100)
    assert str(info.value) in err and "T" in str(info.value)


@pytest.mark.parametrize("digits", [0, 51])
def test_digits_out_of_range_is_the_cli_message(digits):
    _, _, err = run_cli("ghost", "critical-rate", "--T", "100", "--Tr", "100", "--digits", str(digits), check=False)
    with pytest.raises(ValueError) as info:
        learndyn.ghost.critical_rate(100, 100, digits=digits)
    assert str(info.value) in err


def test_malformed_golden_file_is_a_value_error_naming_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "learndyn-golden/1"}')
    with pytest.raises(ValueError, match="bad.json"):
        learndyn.oracle.check({}, golden=bad)


@pytest.mark.parametrize("module", ["ghost", "ntk", "overlaps", "oracle", "testing"])
def test_every_public_function_has_a_docstring(module):
    mod = getattr(learndyn, module)
    assert mod.__doc__
    for name in mod.__all__:
        item = getattr(mod, name)
        assert item.__doc__ and item.__doc__.strip(), f"learndyn.{module}.{name}"
        for attr, member in vars(item).items() if isinstance(item, type) else []:
            if callable(member) and not attr.startswith("_"):
                assert member.__doc__, f"learndyn.{module}.{name}.{attr}"

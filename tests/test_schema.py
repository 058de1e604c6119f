"""`formgen schema` output: up to date in schema/, and it accepts the shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import MINIMAL_RECORD, ROOT, run_cli
from formgen.yamlsource import load_yaml, parse_yaml

DATA_FILES = sorted((ROOT / "data").rglob("*.yaml"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("schema")
    result = run_cli("schema", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def _validator(generated: Path, name: str) -> jsonschema.protocols.Validator:
    import json

    schema = json.loads((generated / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_committed_schemas_are_current(generated: Path) -> None:
    for path in sorted(generated.iterdir()):
        committed = ROOT / "schema" / path.name
        assert committed.exists(), f"schema/{path.name} is missing: run `formgen schema`"
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"schema/{path.name} is out of date: run `formgen schema`"
        )


@pytest.mark.parametrize("path", DATA_FILES, ids=[str(p.relative_to(ROOT)) for p in DATA_FILES])
def test_shipped_data_is_valid_against_the_schema(generated: Path, path: Path) -> None:
    validator = _validator(generated, "record.schema.json")
    errors = list(validator.iter_errors(load_yaml(path).data))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_schema_accepts_the_fiscal_years_the_loader_reads(generated: Path) -> None:
    validator = _validator(generated, "record.schema.json")
    for year in ["R7", "r7", "令和7年度", "令和７年度", "令和元年度", "H30", "2025", "FY2025", "fy2025", " R7 "]:
        record = parse_yaml(MINIMAL_RECORD.replace("fiscal_year: R7", f'fiscal_year: "{year}"'), "y.yaml").data
        assert not list(validator.iter_errors(record)), year
    bad = parse_yaml(MINIMAL_RECORD.replace("fiscal_year: R7", "fiscal_year: X7"), "y.yaml").data
    assert list(validator.iter_errors(bad))


def test_schema_refuses_what_the_loader_refuses(generated: Path) -> None:
    validator = _validator(generated, "record.schema.json")
    good = parse_yaml(MINIMAL_RECORD, "min.yaml").data
    assert not list(validator.iter_errors(good))
    for old, new in [
        ("cost: 601", "cost: abc"),
        ("    name: 交流の促進", "    nmae: 交流の促進"),
        ("sdgs: [4, 8]", "sdgs: [4, 18]"),
    ]:
        bad = parse_yaml(MINIMAL_RECORD.replace(old, new), "bad.yaml").data
        assert list(validator.iter_errors(bad)), f"schema accepted {new!r}"


def test_data_files_carry_the_schema_modeline() -> None:
    for path in DATA_FILES:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1].strip()).resolve()
        assert target == ROOT / "schema" / "record.schema.json", f"{path}: modeline points at {target}"


def test_shipped_layout_is_valid_against_its_schema(generated: Path) -> None:
    layout = ROOT / "layouts" / "policy_area.yaml"
    errors = list(_validator(generated, "layout.schema.json").iter_errors(load_yaml(layout).data))
    assert not errors, [e.message for e in errors]
    first = layout.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/layout.schema.json"


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "formgen.yaml",
        ROOT / "formgen" / "templates" / "formgen.yaml",
        ROOT / "examples" / "sakuradai" / "formgen.yaml",
    ],
    ids=["sample", "init-template", "example"],
)
def test_project_files_are_valid_against_the_config_schema(generated: Path, path: Path) -> None:
    validator = _validator(generated, "config.schema.json")
    errors = list(validator.iter_errors(json.loads(json.dumps(load_yaml(path).data, default=float))))
    assert not errors, [e.message for e in errors]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema/config.schema.json"
    bad = {"fields": {"area": {"x": {"type": "choise"}}}}
    assert list(validator.iter_errors(bad)), "a wrong type must be refused"

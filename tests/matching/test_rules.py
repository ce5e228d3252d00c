"""Rule files: the shipped ones load; a bad one names the file, key path and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pixissync.errors import RuleFileError
from pixissync.matching import load_rules, rules_path
from pixissync.matching.rules import ENTITY_FILES

GOOD = {
    "entity": "customer",
    "id": "customer_id",
    "thresholds": {"auto": 0.99, "review": 0.6},
    "fields": {
        "name_core": {"from": "name", "normalize": ["company_core"]},
        "phone": {"from": "phone", "normalize": ["phone"]},
    },
    "blocking": [["phone"], ["name_core"]],
    "comparisons": [
        {
            "field": "name_core",
            "levels": [
                {"is": "null", "weight": 0, "label": "name: missing"},
                {"is": "exact", "weight": 8, "label": "name: same"},
                {"is": "fuzzy", "scorer": "ratio", "min": 90, "weight": 4, "label": "name: close"},
                {"is": "else", "weight": -8, "label": "name: different"},
            ],
        }
    ],
}


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "customers.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("entity", sorted(ENTITY_FILES))
def test_shipped_rule_files_load(entity: str) -> None:
    rules = load_rules(rules_path(entity))
    assert rules.entity == ENTITY_FILES[entity]
    assert rules.blocking and rules.comparisons
    assert 0 < rules.review <= rules.auto <= 1
    assert all(level.label for c in rules.comparisons for level in c.levels)


def test_rules_dir_can_be_overridden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, GOOD)
    monkeypatch.setenv("PIXISSYNC_RULES_DIR", str(tmp_path))
    assert rules_path("customers") == tmp_path / "customers.yaml"
    assert load_rules(rules_path("customers")).comparisons[0].levels[1].label == "name: same"


def test_unknown_entity_for_rules_path() -> None:
    with pytest.raises(RuleFileError, match="known: customers"):
        rules_path("vendors")


def _broken(change: str) -> object:
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    level = data["comparisons"][0]["levels"][2]
    if change == "unknown field in comparison":
        data["comparisons"][0]["field"] = "nickname"
    elif change == "unknown source column":
        data["fields"]["phone"]["from"] = "fax"
    elif change == "unknown scorer":
        level["scorer"] = "soundex"
    elif change == "auto out of range":
        data["thresholds"]["auto"] = 1.5
    elif change == "review above auto":
        data["thresholds"]["review"] = 0.995
    elif change == "unknown normaliser":
        data["fields"]["phone"]["normalize"] = ["phone", "shout"]
    elif change == "unknown key":
        data["comparisons"][0]["levels"][1]["wieght"] = 1
    elif change == "fuzzy min out of range":
        level["min"] = 190
    elif change == "unknown level kind":
        level["is"] = "similar"
    elif change == "blocking on undeclared field":
        data["blocking"].append(["zip"])
    elif change == "missing thresholds":
        del data["thresholds"]
    elif change == "fields as a list":
        data["fields"] = [{"name_core": {"from": "name"}}]
    elif change == "reserved field name":
        data["fields"]["__row"] = {"from": "name"}
    elif change == "group above review":
        data["thresholds"]["group"] = 0.9
    elif change == "group zero":
        data["thresholds"]["group"] = 0
    elif change == "at_most not review":
        level["at_most"] = "auto"
    return data


@pytest.mark.parametrize(
    ("change", "key_path", "problem"),
    [
        ("unknown field in comparison", "comparisons[0].field", "unknown field 'nickname'"),
        ("unknown source column", "fields.phone.from", "unknown field 'fax'"),
        ("unknown scorer", "comparisons[0].levels[2].scorer", "unknown scorer 'soundex'"),
        ("auto out of range", "thresholds.auto", "out of range"),
        ("review above auto", "thresholds.review", "must not exceed auto"),
        ("unknown normaliser", "fields.phone.normalize[1]", "unknown normaliser 'shout'"),
        ("unknown key", "comparisons[0].levels[1].wieght", "unknown key"),
        ("fuzzy min out of range", "comparisons[0].levels[2].min", "out of range"),
        ("unknown level kind", "comparisons[0].levels[2].is", "unknown level 'similar'"),
        ("blocking on undeclared field", "blocking[2][0]", "unknown field 'zip'"),
        ("missing thresholds", "thresholds", "is required"),
        ("fields as a list", "fields", "expected a mapping"),
        ("reserved field name", "fields.__row", "cannot start with __"),
        ("group above review", "thresholds.group", "must not exceed review"),
        ("group zero", "thresholds.group", "must be above 0"),
        ("at_most not review", "comparisons[0].levels[2].at_most", "only 'review'"),
    ],
)
def test_bad_rule_file_names_file_key_path_and_problem(
    tmp_path: Path, change: str, key_path: str, problem: str
) -> None:
    path = _write(tmp_path, _broken(change))
    with pytest.raises(RuleFileError) as info:
        load_rules(path)
    err = info.value
    assert err.file == str(path)
    assert err.key_path == key_path
    assert problem in err.problem
    assert str(path) in str(err) and key_path in str(err)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "customers.yaml"
    path.write_text("entity: customer\nfields: {name: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rules(path)
    assert info.value.file == str(path)
    assert "YAML error at line" in info.value.problem


def test_missing_rule_file(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="cannot read the file"):
        load_rules(tmp_path / "nope.yaml")


def test_unquoted_null_level_means_the_null_level(tmp_path: Path) -> None:
    text = yaml.safe_dump(GOOD).replace("is: 'null'", "is: null")
    assert "is: null" in text
    path = tmp_path / "customers.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_rules(path).comparisons[0].levels[0].kind == "null"

"""Matching rules as data: typed rule objects, the YAML loader and its checks.

A rule file (``rules/<entity>.yaml``) declares, for one canonical entity:

- ``fields``: derived columns, each built from source columns by normalisers;
- ``deterministic``: exact strong identifiers that decide a pair on their own;
- ``blocking``: several keys (lists of fields); their candidate pairs are unioned;
- ``comparisons``: per field, levels strictest first (``null`` -> ``exact`` ->
  ``fuzzy``/``within`` -> ``else``), each with a match weight and a human label
  (``at_most: review`` on a level keeps any pair where it fires out of ``auto``);
- ``prior`` and ``thresholds``: the score of a pair is the probability
  ``1 / (1 + 2 ** -(prior + sum of level weights))`` (0..1); ``auto`` and
  ``review`` are thresholds on that probability; the optional ``group`` (at most
  ``review``) lets a pair that is not proposed still sit in one duplicate group
  with records it is linked to through others.

Weights are log2 Bayes factors, as in the Fellegi-Sunter model Splink uses, but
set by hand from what accountants know rather than by EM, so they stay stable
and explainable. Every problem raises :class:`RuleFileError` with the file, the
key path (``comparisons[2].levels[1].scorer``) and what is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, cast

import yaml

from pixissync.errors import RuleFileError
from pixissync.matching import normalize
from pixissync.matching.scorers import SCORERS
from pixissync.model import ENTITIES

LevelKind = Literal["null", "exact", "fuzzy", "within", "else"]
LEVEL_KINDS: Final[tuple[str, ...]] = ("null", "exact", "fuzzy", "within", "else")
ENTITY_FILES: Final[dict[str, str]] = {
    "customers": "customer",
    "jobs": "job",
    "invoices": "invoice",
    "payments": "payment",
    "time_entries": "time_entry",
}


@dataclass(frozen=True)
class Field:
    """A derived column: source columns joined by a space, then normalisers in order."""

    name: str
    columns: tuple[str, ...]
    normalize: tuple[str, ...]


@dataclass(frozen=True)
class Level:
    """One comparison level; the first level whose test holds is the one that fires."""

    kind: LevelKind
    weight: float
    label: str
    field: str | None = None
    scorers: tuple[str, ...] = ()  # fuzzy: the best of these scores counts
    minimum: float | None = None
    maximum: float | None = None
    # ``at_most: review``: a pair where this level fires is never decided ``auto``.
    review_only: bool = False


@dataclass(frozen=True)
class Comparison:
    """Levels for one field, strictest first."""

    name: str
    field: str
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class Deterministic:
    """Pairs whose listed fields are all equal (and present) match without scoring.

    ``pairs`` holds (left field, right field); both are the same field for
    ordinary keys, different for "the ERP record carries our reference".
    """

    label: str
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RuleSet:
    """Every rule for one entity, ready for the engine."""

    source: str
    entity: str
    id_column: str
    fields: tuple[Field, ...]
    deterministic: tuple[Deterministic, ...]
    blocking: tuple[tuple[str, ...], ...]
    comparisons: tuple[Comparison, ...]
    prior: float
    auto: float
    review: float
    max_block_pairs: int
    # Duplicates: pairs at or above this probability may share a group without being
    # proposed themselves (see cluster.complete_linkage); equal to review by default.
    group: float = 1.0


def repo_root() -> Path:
    """The project folder (the one holding ``rules/``)."""
    return Path(__file__).resolve().parent.parent.parent


def rules_path(entity: str) -> Path:
    """The rule file of an entity; ``PIXISSYNC_RULES_DIR`` overrides the folder.

    Args:
        entity: ``customers``, ``jobs``, ``invoices``, ``payments`` or ``time_entries``
            (the singular canonical names are accepted too).
    """
    plural = {v: k for k, v in ENTITY_FILES.items()}.get(entity, entity)
    if plural not in ENTITY_FILES:
        known = ", ".join(ENTITY_FILES)
        raise RuleFileError(str(entity), "", f"no rule file for entity {entity!r}; known: {known}")
    folder = os.environ.get("PIXISSYNC_RULES_DIR")
    base = Path(folder) if folder else repo_root() / "rules"
    return base / f"{plural}.yaml"


class _Reader:
    """Walks the parsed YAML and raises with the key path on the first problem."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> RuleFileError:
        return RuleFileError(self.source, path, problem)

    def mapping(self, value: Any, path: str, allowed: set[str] | None) -> dict[str, Any]:
        """``value`` as a mapping; ``allowed`` None accepts any key (names chosen by the user)."""
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {type(value).__name__}")
        for key in value:
            if allowed is not None and key not in allowed:
                raise self.fail(
                    f"{path}.{key}" if path else str(key),
                    f"unknown key; allowed: {', '.join(sorted(allowed))}",
                )
        return value

    def seq(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {type(value).__name__}")
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "expected a non-empty text")
        return value

    def number(self, value: Any, path: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"expected a number, got {value!r}")
        if not low <= float(value) <= high:
            raise self.fail(path, f"{value} is out of range [{low}, {high}]")
        return float(value)

    def required(self, data: dict[str, Any], key: str, path: str) -> Any:
        if key not in data:
            raise self.fail(f"{path}.{key}" if path else key, "is required")
        return data[key]


_TOP: Final = {
    "entity",
    "id",
    "description",
    "prior",
    "thresholds",
    "max_block_pairs",
    "fields",
    "deterministic",
    "blocking",
    "comparisons",
    "reconcile",  # month-end tolerances, read and checked by pixissync.reconcile
}


def load_rules(path: str | Path) -> RuleSet:
    """Read and check a rule file.

    Raises:
        RuleFileError: unreadable file, YAML error, unknown key/field/normaliser/scorer,
            threshold out of range; the message names the file and the key path.
    """
    source = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(source, "", f"cannot read the file: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(source, "", f"YAML error{where}: {problem}") from None
    return parse_rules(data, source=source)


def parse_rules(data: Any, *, source: str = "<rules>") -> RuleSet:
    """Build a :class:`RuleSet` from parsed YAML (a dict); see :func:`load_rules`."""
    r = _Reader(source)
    top = r.mapping(data, "", _TOP)
    entity = r.text(r.required(top, "entity", ""), "entity")
    if entity not in ENTITIES:
        raise r.fail("entity", f"unknown entity {entity!r}; known: {', '.join(sorted(ENTITIES))}")
    columns = ENTITIES[entity].columns
    id_column = r.text(r.required(top, "id", ""), "id")
    if id_column not in columns:
        raise r.fail("id", f"unknown field {id_column!r} for {entity}")

    fields: dict[str, Field] = {}
    for name, spec in r.mapping(r.required(top, "fields", ""), "fields", None).items():
        path = f"fields.{name}"
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("__"):
            raise r.fail(path, "a field name is letters, digits and _ and cannot start with __")
        body = r.mapping(spec, path, {"from", "normalize"})
        sources = body.get("from", name)
        src = tuple(sources) if isinstance(sources, list) else (sources,)
        for i, column in enumerate(src):
            if column not in columns:
                raise r.fail(
                    f"{path}.from[{i}]" if isinstance(sources, list) else f"{path}.from",
                    f"unknown field {column!r} for {entity}",
                )
        steps = body.get("normalize", [])
        steps = [steps] if isinstance(steps, str) else r.seq(steps, f"{path}.normalize")
        for i, step in enumerate(steps):
            try:
                normalize.resolve(str(step))
            except KeyError:
                raise r.fail(
                    f"{path}.normalize[{i}]",
                    f"unknown normaliser {step!r}; known: {', '.join(normalize.known_names())}",
                ) from None
            except ValueError as exc:
                raise r.fail(f"{path}.normalize[{i}]", str(exc)) from None
        fields[str(name)] = Field(str(name), tuple(map(str, src)), tuple(map(str, steps)))

    def field_ref(value: Any, path: str) -> str:
        name = r.text(value, path)
        if name not in fields:
            raise r.fail(path, f"unknown field {name!r}; declared fields: {', '.join(fields)}")
        return name

    deterministic: list[Deterministic] = []
    for i, rule in enumerate(r.seq(top.get("deterministic", []), "deterministic")):
        path = f"deterministic[{i}]"
        body = r.mapping(rule, path, {"label", "fields"})
        label = r.text(r.required(body, "label", path), f"{path}.label")
        pairs: list[tuple[str, str]] = []
        for j, item in enumerate(r.seq(r.required(body, "fields", path), f"{path}.fields")):
            ipath = f"{path}.fields[{j}]"
            if isinstance(item, dict):
                sides = r.mapping(item, ipath, {"left", "right"})
                left = field_ref(r.required(sides, "left", ipath), f"{ipath}.left")
                right = field_ref(r.required(sides, "right", ipath), f"{ipath}.right")
                pairs.append((left, right))
            else:
                name = field_ref(item, ipath)
                pairs.append((name, name))
        if not pairs:
            raise r.fail(f"{path}.fields", "needs at least one field")
        deterministic.append(Deterministic(label, tuple(pairs)))

    blocking: list[tuple[str, ...]] = []
    for i, key in enumerate(r.seq(r.required(top, "blocking", ""), "blocking")):
        items = [key] if isinstance(key, str) else r.seq(key, f"blocking[{i}]")
        if not items:
            raise r.fail(f"blocking[{i}]", "a blocking key needs at least one field")
        blocking.append(tuple(field_ref(v, f"blocking[{i}][{j}]") for j, v in enumerate(items)))
    if not blocking:
        raise r.fail("blocking", "needs at least one blocking key")

    comparisons = [
        _comparison(r, c, f"comparisons[{i}]", field_ref)
        for i, c in enumerate(r.seq(r.required(top, "comparisons", ""), "comparisons"))
    ]
    if not comparisons:
        raise r.fail("comparisons", "needs at least one comparison")

    thresholds = r.mapping(
        r.required(top, "thresholds", ""), "thresholds", {"auto", "review", "group"}
    )
    auto = r.number(r.required(thresholds, "auto", "thresholds"), "thresholds.auto", 0.0, 1.0)
    review = r.number(r.required(thresholds, "review", "thresholds"), "thresholds.review", 0.0, 1.0)
    if review > auto:
        raise r.fail("thresholds.review", f"review ({review}) must not exceed auto ({auto})")
    if not review > 0.0:
        raise r.fail("thresholds.review", "must be above 0 or every pair would be proposed")
    group = r.number(thresholds.get("group", review), "thresholds.group", 0.0, 1.0)
    if group > review:
        raise r.fail("thresholds.group", f"group ({group}) must not exceed review ({review})")
    if not group > 0.0:
        raise r.fail("thresholds.group", "must be above 0 or every pair could share a group")
    prior = r.number(top.get("prior", 0), "prior", -64.0, 64.0)
    cap = int(r.number(top.get("max_block_pairs", 5000), "max_block_pairs", 1, 10_000_000))
    return RuleSet(
        source=source,
        entity=entity,
        id_column=id_column,
        fields=tuple(fields.values()),
        deterministic=tuple(deterministic),
        blocking=tuple(blocking),
        comparisons=tuple(comparisons),
        prior=prior,
        auto=auto,
        review=review,
        max_block_pairs=cap,
        group=group,
    )


def _comparison(
    r: _Reader, value: Any, path: str, field_ref: Callable[[Any, str], str]
) -> Comparison:
    body = r.mapping(value, path, {"name", "field", "levels"})
    field = field_ref(r.required(body, "field", path), f"{path}.field")
    name = r.text(body.get("name", field), f"{path}.name")
    levels: list[Level] = []
    raw_levels = r.seq(r.required(body, "levels", path), f"{path}.levels")
    for i, item in enumerate(raw_levels):
        lpath = f"{path}.levels[{i}]"
        lv = r.mapping(
            item, lpath, {"is", "weight", "label", "field", "scorer", "min", "max", "at_most"}
        )
        raw_kind = r.required(lv, "is", lpath)
        # ``is: null`` unquoted reads as YAML null; it means the null level.
        kind = "null" if raw_kind is None else r.text(raw_kind, f"{lpath}.is")
        if kind not in LEVEL_KINDS:
            raise r.fail(f"{lpath}.is", f"unknown level {kind!r}; known: {', '.join(LEVEL_KINDS)}")
        weight = r.number(r.required(lv, "weight", lpath), f"{lpath}.weight", -64.0, 64.0)
        label = r.text(r.required(lv, "label", lpath), f"{lpath}.label")
        level_field = field_ref(lv["field"], f"{lpath}.field") if "field" in lv else None
        scorers: tuple[str, ...] = ()
        minimum = maximum = None
        if kind == "fuzzy":
            raw = r.required(lv, "scorer", lpath)
            names = raw if isinstance(raw, list) else [raw]
            for j, scorer in enumerate(names):
                spath = f"{lpath}.scorer[{j}]" if isinstance(raw, list) else f"{lpath}.scorer"
                if r.text(scorer, spath) not in SCORERS:
                    raise r.fail(spath, f"unknown scorer {scorer!r}; known: {', '.join(SCORERS)}")
            if not names:
                raise r.fail(f"{lpath}.scorer", "needs at least one scorer")
            scorers = tuple(names)
            minimum = r.number(r.required(lv, "min", lpath), f"{lpath}.min", 0.0, 100.0)
        elif kind == "within":
            maximum = r.number(r.required(lv, "max", lpath), f"{lpath}.max", 0.0, 1e12)
        for key in ("scorer", "min") if kind != "fuzzy" else ():
            if key in lv:
                raise r.fail(f"{lpath}.{key}", f"only a fuzzy level takes {key!r}")
        if "max" in lv and kind != "within":
            raise r.fail(f"{lpath}.max", "only a within level takes 'max'")
        at_most = lv.get("at_most")
        if at_most is not None and at_most != "review":
            raise r.fail(f"{lpath}.at_most", f"only 'review' is allowed, got {at_most!r}")
        levels.append(
            Level(
                cast(LevelKind, kind),
                weight,
                label,
                level_field,
                scorers,
                minimum,
                maximum,
                review_only=at_most == "review",
            )
        )
    if not levels:
        raise r.fail(f"{path}.levels", "needs at least one level")
    return Comparison(name, field, tuple(levels))

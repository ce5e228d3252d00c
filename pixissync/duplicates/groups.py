"""Groups of likely duplicate customers inside one system, and the merge worksheet.

Groups come from the matching engine's ``dedupe`` with the customer rules and
the reviewers' remembered pair decisions. Each group carries its explanation
(the comparison labels that fired), its remembered verdict if any, and a
suggested survivor: the record with the most jobs, then the largest open
balance, then the lowest id (the oldest record in systems that number upward).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pixissync.connectors.base import Connector
from pixissync.duplicates.review import members_key, verdicts
from pixissync.matching import dedupe, load_rules, rules_path
from pixissync.matching.normalize import reference_id
from pixissync.model import MONEY, empty_frame
from pixissync.store import Store

GROUP_SCHEMA = pl.Schema(
    {
        "group_id": pl.String(),
        "members": pl.List(pl.String()),
        "names": pl.List(pl.String()),
        "score": pl.Float64(),
        "explanation": pl.List(pl.String()),
        "status": pl.String(),
        "survivor_id": pl.String(),
        "suggested_survivor": pl.String(),
    }
)


@dataclass(frozen=True)
class SystemRecords:
    """One system's customers and what hangs off them (for balances and job counts)."""

    system: str
    customers: pl.DataFrame
    jobs: pl.DataFrame
    invoices: pl.DataFrame


def records_from(connector: Connector, system: str) -> SystemRecords:
    """Pull customers, jobs and invoices of one connection."""

    def pull(entity: str) -> pl.DataFrame:
        return connector.pull(entity) if entity in connector.pulls else empty_frame(entity)

    return SystemRecords(system, pull("customer"), pull("job"), pull("invoice"))


def customer_facts(records: SystemRecords) -> pl.DataFrame:
    """Per customer: name, jobs, open invoices, open balance, whether PixisSync created it."""
    jobs = records.jobs.group_by("customer_id").agg(pl.len().cast(pl.Int64).alias("jobs"))
    open_inv = records.invoices.filter(pl.col("balance").cast(MONEY) != 0)
    balances = open_inv.group_by("customer_id").agg(
        pl.len().cast(pl.Int64).alias("open_invoices"),
        pl.col("balance").cast(pl.Decimal(18, 2)).sum().alias("open_balance"),
    )
    return (
        records.customers.select(
            "customer_id",
            "name",
            "address1",
            "city",
            reference_id(pl.col("external_ref")).is_not_null().alias("created_by_pixissync"),
        )
        .join(jobs, on="customer_id", how="left")
        .join(balances, on="customer_id", how="left")
        .with_columns(
            pl.col("jobs", "open_invoices").fill_null(0),
            pl.col("open_balance").fill_null(pl.lit(0, pl.Decimal(18, 2))),
        )
    )


def find_groups(
    store: Store,
    records: SystemRecords,
    *,
    entity: str = "customer",
    include_dismissed: bool = False,
) -> pl.DataFrame:
    """Likely duplicate groups in ``records`` (see the module docstring); GROUP_SCHEMA rows."""
    decisions = store.decisions(entity, records.system, records.system)
    pairs = dedupe(records.customers, load_rules(rules_path(entity)), decisions=decisions)
    if pairs.height == 0:
        return pl.DataFrame(schema=GROUP_SCHEMA)
    both = pl.concat_list("id_a", "id_b").list.explode(keep_nulls=False, empty_as_null=False)
    groups = pairs.group_by("group_id").agg(
        both.unique().sort().alias("members"),
        pl.col("score").min().alias("score"),
        pl.col("explanation")
        .list.explode(keep_nulls=False, empty_as_null=False)
        .unique(maintain_order=True)
        .alias("explanation"),
    )
    facts = customer_facts(records)
    ranked = (
        groups.select("group_id", pl.col("members").alias("customer_id"))
        .explode("customer_id")
        .join(facts, on="customer_id", how="left")
        .sort(["jobs", "open_balance", "customer_id"], descending=[True, True, False])
    )
    extra = ranked.group_by("group_id", maintain_order=True).agg(
        pl.col("customer_id").first().alias("suggested_survivor"),
        pl.col("name").sort_by("customer_id").alias("names"),
    )
    known = verdicts(store, entity, records.system)
    verdict = pl.DataFrame(
        {
            "key": [members_key(v.members) for v in known],
            "status": [v.status for v in known],
            "survivor_id": [v.survivor_id for v in known],
        },
        schema={"key": pl.String(), "status": pl.String(), "survivor_id": pl.String()},
    )
    out = (
        groups.join(extra, on="group_id", how="left")
        .with_columns(pl.col("members").list.join("|").alias("key"))
        .join(verdict, on="key", how="left")
        .with_columns(pl.col("status").fill_null("pending"))
    )
    if not include_dismissed:
        out = out.filter(pl.col("status") != "dismissed")
    return out.select(GROUP_SCHEMA.names()).sort("group_id").cast(GROUP_SCHEMA)


def merge_worksheet(groups: pl.DataFrame, records: SystemRecords) -> pl.DataFrame:
    """One row per record of each group: what the ERP administrator should merge into what.

    The survivor is the chosen one if the group was confirmed, else the
    suggestion. Deactivation is proposed only for records PixisSync created
    (they carry our reference); others are left to the administrator.
    """
    facts = customer_facts(records)
    rows = (
        groups.with_columns(pl.coalesce("survivor_id", "suggested_survivor").alias("survivor"))
        .select("group_id", "status", "survivor", pl.col("members").alias("customer_id"))
        .explode("customer_id")
        .join(facts, on="customer_id", how="left")
    )
    is_survivor = pl.col("customer_id") == pl.col("survivor")
    action = (
        pl.when(is_survivor)
        .then(pl.lit("keep: surviving record"))
        .when(pl.col("created_by_pixissync"))
        .then(pl.format("merge into {}, then deactivate (PixisSync created it)", "survivor"))
        .otherwise(pl.format("merge into {} (keep active until the ERP merge)", "survivor"))
    )
    return rows.select(
        "group_id",
        "status",
        pl.col("customer_id").alias("record_id"),
        "name",
        "address1",
        "city",
        "jobs",
        "open_invoices",
        "open_balance",
        "created_by_pixissync",
        "survivor",
        action.alias("action"),
        (~is_survivor & pl.col("created_by_pixissync")).alias("deactivate"),
    ).sort("group_id", ~pl.col("record_id").eq(pl.col("survivor")), "record_id")

"""Duplicate records inside one system: groups, verdicts, survivors and the merge worksheet.

Public API::

    from pixissync.duplicates import records_from, find_groups, merge_worksheet,
        confirm_group, dismiss_group
"""

from __future__ import annotations

from pixissync.duplicates.groups import (
    GROUP_SCHEMA,
    SystemRecords,
    customer_facts,
    find_groups,
    merge_worksheet,
    records_from,
)
from pixissync.duplicates.review import (
    GroupVerdict,
    confirm_group,
    dismiss_group,
    members_key,
    verdicts,
)

__all__ = [
    "GROUP_SCHEMA",
    "GroupVerdict",
    "SystemRecords",
    "confirm_group",
    "customer_facts",
    "dismiss_group",
    "find_groups",
    "members_key",
    "merge_worksheet",
    "records_from",
    "verdicts",
]

"""The matching engine: declared rules pair records across systems and find duplicates.

Public API::

    from pixissync.matching import RuleSet, load_rules, rules_path, link, dedupe
"""

from __future__ import annotations

from pixissync.matching.engine import dedupe, link
from pixissync.matching.rules import RuleSet, load_rules, parse_rules, rules_path

__all__ = ["RuleSet", "dedupe", "link", "load_rules", "parse_rules", "rules_path"]

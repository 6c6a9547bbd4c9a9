"""Given the check table (schemas/quality), then it is well formed and GX stays out of loading."""

from __future__ import annotations

import subprocess
import sys

from quality.details import failing_condition
from schemas.quality import CATEGORIES, SEVERITIES, checks
from warehouse.catalogue import catalogue


def test_every_check_is_complete_and_feeds_known_indicators() -> None:
    known = set(catalogue())
    for check in checks():
        assert check.categorie in CATEGORIES and check.severite in SEVERITIES, check.nom
        assert 0 <= check.seuil_pct < 100 and check.description, check.nom
        assert set(check.indicateurs) <= known, check.nom
        assert failing_condition(check), check.nom  # every expectation used has its SQL reading


def test_loading_code_does_not_import_great_expectations() -> None:
    code = ("import sys, quality, tasks.ingest; "
            "sys.exit('great_expectations' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

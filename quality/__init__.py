"""Data-quality step: Great Expectations suites on the warehouse, results and indicator statuses.

Great Expectations is imported only inside `run_checks` (quality/gx_run.py), never by loading code.
"""

from quality.run import CheckResult, QualitySummary, run_checks
from quality.statuses import mark_provisional

__all__ = ["CheckResult", "QualitySummary", "mark_provisional", "run_checks"]

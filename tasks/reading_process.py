"""Imported first by the reading processes' fork server, before polars and pandera.

- One polars thread per reading process: reading runs in parallel across processes
  (`CPTS_LECTURE_PROCESSUS`, about one per core); a polars pool of one thread per core in each
  would put processes × cores threads on the cores, ~10 % more CPU for the same reads (department
  bench, 2 processes on 2 cores), and leave less to the writer. `POLARS_MAX_THREADS`, if set, wins.
- No pandas: the readers are polars only, and pandera (polars backend) imports pandas for its
  pandas API whenever pandas can be imported: 1.1 s of the fork server's 2.9 s start, which every
  ingestion waits for before its first read. Here pandas is reported absent, as in a polars-only
  install (which pandera supports).
- No hypothesis either (a test dependency, absent from a production install): pandera imports it
  for its data synthesis strategies whenever it can, 0.2 s of the same start.
The loading process keeps polars' default pool and can import pandas.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import ModuleSpec

os.environ.setdefault("POLARS_MAX_THREADS", "1")


ABSENT = ("pandas", "hypothesis")


class _PolarsOnly:
    """A meta path finder that makes `import pandas` (and hypothesis) fail as if not installed."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if name.split(".")[0] in ABSENT:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


if not any(module in sys.modules for module in ABSENT):
    sys.meta_path.insert(0, _PolarsOnly())

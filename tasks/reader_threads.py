"""Imported first by the reading processes' fork server, before polars fixes its thread pool.

Reading runs in parallel across processes (`CPTS_LECTURE_PROCESSUS`, about one per core); a
polars pool of one thread per core in each of them puts processes × cores threads on the cores,
which cost about 10 % more CPU for the same reads (department bench, 2 processes on 2 cores) and
leave less for the writer. Each reading process runs polars on one thread unless the operator
set `POLARS_MAX_THREADS`. The loading process keeps polars' default.
"""

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")

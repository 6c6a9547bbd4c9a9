"""`python -m portal`: the portal alone (what `cpts portail` and `cpts serve` start)."""

from portal.server import main

main()

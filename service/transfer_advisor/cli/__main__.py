"""`python -m transfer_advisor.cli` (what the tests' live server and the load bench run)."""

from . import main

raise SystemExit(main())

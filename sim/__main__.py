"""``python -m sim`` runs the debtsim command line."""

from sim.cli import main

raise SystemExit(main())

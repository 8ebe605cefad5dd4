"""``python -m paylab``: see :mod:`paylab.cli`."""

from paylab.cli import main

raise SystemExit(main())

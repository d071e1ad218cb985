"""Entry script of the PyInstaller bundle: the same `escdesk` command the wheel installs."""

from escdesk.cli import main

raise SystemExit(main())

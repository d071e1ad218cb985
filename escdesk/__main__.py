from escdesk.cli import main

raise SystemExit(main())

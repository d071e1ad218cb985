"""The EscDesk desktop app (PySide6). The only package that imports Qt; it depends on escdesk, never the reverse.

Start it through `ui.app.run_app` (the composition root); nothing here does work at import time.
"""

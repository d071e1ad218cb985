"""The core (escdesk/) never imports Qt: the CLI, the store and the services must work without a GUI stack."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Imports every module of the package (except __main__, which would run the CLI), then reports what it imported.
PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import escdesk

    modules, failed = ["escdesk"], {}
    for info in pkgutil.walk_packages(escdesk.__path__, "escdesk.", onerror=lambda name: None):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:
            failed[info.name] = f"{type(exc).__name__}: {exc}"
        else:
            modules.append(info.name)
    qt = sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6", "ui"))
    print(json.dumps({"modules": modules, "failed": failed, "qt": qt}))
    """
)


def test_importing_every_core_module_loads_no_qt() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["failed"] == {}, "core modules that cannot even be imported"
    assert {"escdesk.cli", "escdesk.store.models", "escdesk.services"} <= set(report["modules"])
    assert report["qt"] == [], f"the core imported Qt or the ui package: {report['qt']}"

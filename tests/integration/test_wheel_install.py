"""EscDesk works from an installed wheel, not only from the checkout: the generic top-level names (ui, db,
resources) are declared explicitly in pyproject.toml, and the migrations and default policy must ship as files.

The wheel is built from a copy of the checkout, installed with --no-deps into a fresh venv whose dependencies come
from this venv's site-packages through a .pth file (no download; the checkout's editable finder is not loaded,
because .pth files inside a directory named by a .pth line are not processed). Everything runs from a folder
outside the checkout, so only the installed copy can be imported. The build backend (setuptools) is fetched by
`python -m build` as usual, unless this venv already satisfies [build-system] requires (then --no-isolation).
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from escdesk.store.migrate import head_revision

pytestmark = pytest.mark.slow

CHECKOUT = Path(__file__).resolve().parents[2]
PACKAGE_DIRS = ("escdesk", "ui", "db", "resources")
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.pyc", ".*_cache", ".hypothesis", "*.egg-info", "dist", "work", "*.sqlite*"
)


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    workdir: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=self.workdir, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def escdesk(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        result = self.run(str(self.venv / "bin" / "escdesk"), *args, timeout=timeout)
        assert result.returncode == 0, f"escdesk {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def python(self, code: str) -> str:
        result = self.run(str(self.venv / "bin" / "python"), "-c", code)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def wheel_files(self) -> set[str]:
        with zipfile.ZipFile(self.wheel) as archive:
            return set(archive.namelist())


def _build_requirements_met() -> bool:
    """Whether this venv can build without an isolated (downloaded) build environment."""
    import tomllib

    requires = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["build-system"]["requires"]
    for text in requires:
        requirement = Requirement(text)
        try:
            if metadata.version(requirement.name) not in requirement.specifier:
                return False
        except metadata.PackageNotFoundError:
            return False
    return True


def _build_wheel(tmp: Path) -> Path:
    source = tmp / "src"
    shutil.copytree(CHECKOUT, source, ignore=NOT_SOURCES)  # setuptools writes build/ and egg-info into the tree
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp / "dist"), str(source)]
    if _build_requirements_met():
        command.insert(4, "--no-isolation")
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"building the wheel failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    (wheel,) = (tmp / "dist").glob("escdesk-*.whl")
    return wheel


def _fresh_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site_packages = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    (site_packages / "_escdesk_test_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index"]
    subprocess.run([*install, str(wheel)], check=True, timeout=300)
    return venv


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    for name in ("data", "config", "state", "cache"):
        env[f"XDG_{name.upper()}_HOME"] = str(tmp / "xdg" / name)
    env.update(QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = _build_wheel(tmp)
    venv = _fresh_venv(tmp, wheel)
    workdir = tmp / "elsewhere"
    workdir.mkdir()
    return Installed(wheel, venv, workdir, _clean_env(tmp))


def _checkout_files(package: str) -> set[str]:
    root = CHECKOUT / package
    return {
        path.relative_to(CHECKOUT).as_posix()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def test_the_wheel_ships_every_file_of_the_packages(installed: Installed) -> None:
    shipped = installed.wheel_files()
    for must in ("db/env.py", "db/script.py.mako", "resources/policy/default.json", "escdesk/cli.py"):
        assert must in shipped
    assert {n for n in shipped if n.startswith("db/versions/") and n.endswith(".py")} - {"db/versions/__init__.py"}
    for package in PACKAGE_DIRS:
        missing = _checkout_files(package) - shipped
        assert not missing, (
            "in the checkout but not in the wheel (a folder of modules needs an __init__.py and a place in "
            "pyproject.toml's packages; a data file needs [tool.setuptools.package-data]): "
            f"{sorted(missing)}"
        )


def test_the_entry_point_is_declared(installed: Installed) -> None:
    (entry_points,) = (n for n in installed.wheel_files() if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(installed.wheel) as archive:
        assert "escdesk = escdesk.cli:main" in archive.read(entry_points).decode()


def test_imports_and_data_files_come_from_the_installed_copy(installed: Installed) -> None:
    probe = """
import json, escdesk, db, resources
from escdesk.policy import default_policy
from escdesk.store.migrate import _alembic_config
from resources import resource_path
files = {"escdesk": escdesk.__file__, "db": db.__file__, "resources": resources.__file__,
         "policy": str(resource_path("policy", "default.json")),
         "migrations": _alembic_config().get_main_option("script_location")}
try:
    import ui
    files["ui"] = ui.__file__
except ImportError:
    pass
print(json.dumps({"files": files, "policy_version": default_policy().version}))
"""
    report = json.loads(installed.python(probe))
    for name, location in report["files"].items():
        assert Path(location).is_relative_to(installed.venv), f"{name} was imported from {location}"
    assert report["policy_version"]
    if (CHECKOUT / "ui" / "__init__.py").exists():
        assert "ui" in report["files"]


def test_the_installed_command_creates_migrates_and_lists(installed: Installed) -> None:
    database = installed.workdir / "fresh.sqlite"
    installed.escdesk("init", "--db", str(database))
    migrated = json.loads(installed.escdesk("migrate", "--db", str(database), "--json").stdout)
    assert (migrated["from"], migrated["to"]) == (head_revision(), head_revision())
    assert json.loads(installed.escdesk("cases", "--db", str(database), "--json").stdout) == []


def test_the_installed_app_renders_its_window_offscreen(installed: Installed) -> None:
    if "ui/app.py" not in installed.wheel_files():
        pytest.skip("ui/app.py is not written yet: nothing to render")
    database = installed.workdir / "shot.sqlite"
    installed.escdesk("init", "--db", str(database))
    shot = installed.workdir / "shot.png"
    installed.escdesk("--db", str(database), "--screenshot", str(shot), timeout=180)
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert width >= 600 and height >= 400, (width, height)

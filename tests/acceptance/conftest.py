"""The acceptance suite's shared fixtures: Cabinet installed and started as its user would.

`installed` installs the project the README's way (`uv sync --frozen`, the project editable in
its own virtual environment) into a fresh environment, once per test session, from uv's
cache; its `cabinet` script then runs as a child process, never inside pytest's process nor
through pytest's `sys.path`. Each child gets a private home and an environment the
integrity guard accepts, as a user's terminal would give it.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from cabinet.guard import FORBIDDEN_VARIABLES

PROJECT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Installed:
    """The installed `cabinet` command and the environment its children get."""

    script: Path
    environment: dict[str, str]

    def command(self, *args: object) -> list[str]:
        return [str(self.script), *map(str, args)]

    def run(self, *args: object, stdin: str = "", cwd: Path | None = None,
            timeout: float = 240) -> subprocess.CompletedProcess[str]:
        """Run `cabinet ARGS…`, typing `stdin` at its prompts; never raises on a failure."""
        return subprocess.run(self.command(*args), input=stdin, capture_output=True,
                              text=True, encoding="utf-8", env=self.environment, cwd=cwd,
                              timeout=timeout, check=False)


def _user_environment(home: Path, scripts: Path) -> dict[str, str]:
    """The test's environment as a user's shell would have it: no door the guard refuses."""
    kept = {name: value for name, value in os.environ.items()
            if name not in FORBIDDEN_VARIABLES and name != "VIRTUAL_ENV"
            and not name.startswith(("XDG_", "PYTEST_"))}
    kept.update(HOME=str(home), PATH=f"{scripts}{os.pathsep}{kept.get('PATH', '')}",
                LC_ALL="C.UTF-8")
    return kept


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A fresh virtual environment where `uv sync --frozen` installed the project."""
    return install(tmp_path_factory.mktemp("installation"))


def install(base: Path) -> Installed:
    """Install the project the README's way into `base`/venv, with a home in `base`."""
    uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` names itself in UV
    if uv is None:
        pytest.fail("uv is missing: python3 -m pip install uv (or run: bash tests/run_all.sh)",
                    pytrace=False)
    environment = {name: value for name, value in os.environ.items() if name != "VIRTUAL_ENV"}
    environment["UV_PROJECT_ENVIRONMENT"] = str(base / "venv")
    synced = subprocess.run([uv, "sync", "--frozen", "--quiet"], cwd=PROJECT,
                            env=environment, capture_output=True, text=True, timeout=900,
                            check=False)
    assert synced.returncode == 0, synced.stderr
    home = base / "maison"
    home.mkdir()
    scripts = base / "venv" / "bin"
    return Installed(scripts / "cabinet", _user_environment(home, scripts))

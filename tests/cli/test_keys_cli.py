"""The embedded default makes its keys on first run (0600, and says where), keeps its SQLite
files private, and ``mandi keys status`` / ``mandi keys rotate`` report and rotate."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

MANDI = str(Path(sys.executable).parent / "mandi")


def _mandi(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(  # noqa: S603 - our own console script
        [MANDI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_run_keys_private_files_status_and_rotation(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MANDI_DATA_KEY", "MANDI_INDEX_KEY", "MANDI_DATA_KEY_PREVIOUS"}
    }
    env.update({"DATABASE_URL": "sqlite://var/mandi.sqlite3", "MANDI_ENV": "development"})

    migrated = _mandi(env, tmp_path, "migrate")
    assert "var/mandi-data.key" in migrated.stderr and "var/mandi-index.key" in migrated.stderr
    _mandi(env, tmp_path, "seed-demo")
    var = tmp_path / "var"
    for name in ("mandi-data.key", "mandi-index.key", "mandi.sqlite3", "mandi-keys.sqlite3"):
        assert _mode(var / name) == 0o600, name
    assert "generated" not in _mandi(env, tmp_path, "keys", "status").stderr  # made once

    status = _mandi(env, tmp_path, "keys", "status").stdout
    assert "data keys of customer: 6" in status
    assert "(current): " in status and "still in clear" not in status

    old = (var / "mandi-data.key").read_text().strip()
    new_env = {**env, "MANDI_DATA_KEY": "A" * 43 + "=", "MANDI_DATA_KEY_PREVIOUS": old}
    rotated = _mandi(new_env, tmp_path, "keys", "rotate", "--batch", "3").stdout
    assert "data keys re-wrapped" in rotated
    assert "0 data keys re-wrapped" in _mandi(new_env, tmp_path, "keys", "rotate").stdout
    after = _mandi({**new_env, "MANDI_DATA_KEY_PREVIOUS": ""}, tmp_path, "keys", "status").stdout
    wrapped = [line for line in after.splitlines() if "data keys wrapped by" in line]
    assert len(wrapped) == 1 and "(current)" in wrapped[0]

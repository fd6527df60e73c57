"""Starting the bot from the command line."""

import os
import subprocess
import sys


def test_run_without_token_explains_how_to_get_one(tmp_path):
    """`python -m bot` with no DISCORD_TOKEN exits 2 with directions, not a traceback."""
    env = {k: v for k, v in os.environ.items() if "DISCORD_TOKEN" not in k}
    env["NEWSDESK_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no Discord bot token" in done.stderr
    assert "DISCORD_TOKEN=" in done.stderr
    assert "Traceback" not in done.stderr

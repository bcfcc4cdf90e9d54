"""Run a command and write its own peak resident memory: ``python peak_rss.py OUT.json CMD ...``.

On Linux a child's ``ru_maxrss`` starts from its parent's high-water mark:
the address space copied at fork is counted when the child calls exec. A
benchmark harness that has grown (pandas comparing rows, say) would so lend
its own size to every command it times. This launcher is a fresh, small
interpreter: it forks the command from itself and writes the command's
``ru_maxrss`` (MiB, within the launcher's own ~10 MiB) to OUT.json. The
command's output and exit code pass through.
"""
from __future__ import annotations

import json
import os
import sys


def main() -> int:
    out, cmd = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    with open(out, "w") as f:
        json.dump({"peak_mib": usage.ru_maxrss / 1024}, f)
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())

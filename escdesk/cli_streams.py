"""Standard output that never ends a command with a traceback (no Qt here).

- A terminal or pipe that is not UTF-8 (LANG=C, an old Windows console): a customer named "Волга" would raise
  UnicodeEncodeError halfway through a listing. Such streams write what they cannot encode as \\u escapes
  instead (errors="backslashreplace"); UTF-8 streams are left as they are.
- `escdesk cases | head`: the reader closes the pipe early, which is not an error of ours. As Python's
  documentation of signal/SIGPIPE recommends, stdout is pointed at devnull (so the flush at exit cannot raise
  again) and the command ends quietly with 141, the status a shell gives a process ended by SIGPIPE.
"""

from __future__ import annotations

import codecs
import os
import sys

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what `sh` reports for a writer whose reader went away


def never_fail_on_encoding() -> None:
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            is_utf8 = codecs.lookup(encoding).name == "utf-8"
        except LookupError:
            is_utf8 = False
        reconfigure = getattr(stream, "reconfigure", None)
        if not is_utf8 and reconfigure is not None:
            reconfigure(errors="backslashreplace")


def reader_went_away() -> int:
    """Call from `except BrokenPipeError`: silence stdout for the rest of the process and return the exit code."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (already closed, or replaced by a test)
        pass
    return EXIT_BROKEN_PIPE

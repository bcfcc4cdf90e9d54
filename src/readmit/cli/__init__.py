"""The ``readmit`` command line.

Each command is thin: it parses its options (registered by the modules of
this package) and calls the library. :func:`main` is the command boundary:
a :class:`readmit.errors.ReadmitError`, a file that cannot be read or
written, or a missing optional package becomes one line on stderr and exit
code 2 — never a traceback. So does DuckDB failing to read or write a file.
"""
from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import duckdb

from readmit.cli.common import HelpFormatter, Parser
from readmit.errors import ReadmitError

__all__ = ["main"]

#: The modules that register commands, in the order ``readmit --help`` lists them.
COMMAND_MODULES = (
    "readmit.cli.extract",
    "readmit.cli.readmissions",
    "readmit.cli.analyse",
    "readmit.cli.frequent",
    "readmit.cli.survival",
    "readmit.cli.savings",
    "readmit.cli.report",
)

#: Optional packages, and the extra that installs them.
OPTIONAL = {"jupytext": "notebooks", "papermill": "notebooks", "nbformat": "notebooks",
            "nbclient": "notebooks", "ipykernel": "notebooks", "jupyterlab": "notebooks",
            "jupyter_client": "notebooks", "IPython": "notebooks"}


def parser() -> Parser:
    """The whole command line's parser."""
    from readmit import __version__

    p = Parser(prog="readmit", formatter_class=HelpFormatter,
               description="Readmissions and frequent users in NPR-shaped extracts "
                           "(Norwegian Patient Registry deliveries).",
               epilog="Run 'readmit COMMAND --help' for a command's options.")
    p.add_argument("--version", action="version", version=f"readmit {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           parser_class=Parser)

    def add(name: str, target: str, help: str, description: str | None = None) -> Parser:
        sp = sub.add_parser(name, help=help, description=description or help.replace("%%", "%"),
                            formatter_class=HelpFormatter)
        sp.set_defaults(_target=target)
        return sp

    for module in COMMAND_MODULES:
        importlib.import_module(module).register(add)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = parser().parse_args(argv)
    command = f"readmit {args.command}"
    if getattr(args, "quiet", False):
        from readmit import progress

        progress.set_quiet(True)
    try:
        module_name, _, func_name = args._target.partition(":")
        handler = getattr(importlib.import_module(module_name), func_name)
        return int(handler(args) or 0)
    except ReadmitError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if top not in OPTIONAL:
            raise
        print(f"{command}: needs the optional package {top}; install it with "
              f"pip install 'readmit[{OPTIONAL[top]}]' (make install does this)",
              file=sys.stderr)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"{command}: cannot use{where}: {exc.strerror or exc}", file=sys.stderr)
    except duckdb.IOException as exc:
        # DuckDB reading or writing a file (COPY ... TO, write_csv): the same class
        # of error as OSError, raised by DuckDB's own file system
        text = str(exc).splitlines()[0].removeprefix("IO Error: ")
        print(f"{command}: {text[:1].lower() + text[1:]}", file=sys.stderr)
    except duckdb.OutOfMemoryException as exc:
        # DuckDB could not stay within its memory limit, even spilling
        from readmit.extract.open import memory_limit_setting

        text = str(exc).splitlines()[0].removeprefix("Out of Memory Error: ")
        print(f"{command}: out of memory under DuckDB's limit of "
              f"{getattr(args, 'memory_limit', None) or memory_limit_setting()} ({text}); "
              "raise --memory-limit (or READMIT_MEMORY_LIMIT), or give --temp-dir a disk "
              "with room to spill to", file=sys.stderr)
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return 130
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

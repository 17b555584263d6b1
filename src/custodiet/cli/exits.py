"""Exit codes, and the one place where errors become them.

Every command runs inside CustodietGroup: a CustodietError becomes one "error:" line and its
exit code; an unexpected exception becomes an "internal error" message with a bug-report hint
(never a traceback, unless CUSTODIET_DEBUG=1) and exit 70; Click's usage errors, Ctrl-C and a
closed pipe get their conventional codes. Everything printed that came from input (paths, option
values, messages quoting a file) goes through render.shown(): control characters are shown as
\\xNN, never sent to the terminal.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

import typer
from typer.core import TyperGroup

from custodiet.errors import (
    ContentError,
    CustodietError,
    InputError,
    InternalError,
    OutputError,
    StoreError,
    UsageError,
    describe_bug,
)

try:  # recent Typer releases vendor Click; older ones depend on it
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - a Typer that still depends on Click
    from click.exceptions import ClickException  # type: ignore[import-not-found, no-redef, unused-ignore, assignment]


class Exit(IntEnum):
    """What `custodiet` exits with (the README lists the same)."""

    OK = 0
    FAIL_ON = 1  # --fail-on matched: reserved for that, never an error
    USAGE = 2  # bad command line, or it names something the inventory does not hold (Click's 2)
    CONTENT = 3  # detection content is invalid
    STORE = 4  # the inventory cannot be opened, checked or written
    INPUT = 5  # an input could not be read (the others were audited and stored)
    OUTPUT = 6  # a report could not be written (the run is stored: `custodiet report` again)
    INTERNAL = 70  # a bug in custodiet (sysexits EX_SOFTWARE); the other inputs are kept
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    BROKEN_PIPE = 141  # stdout closed early, e.g. `| head` (128 + SIGPIPE)


# The most specific class first (NotFoundError is a UsageError).
_CODES: tuple[tuple[type[CustodietError], Exit], ...] = (
    (InternalError, Exit.INTERNAL),
    (OutputError, Exit.OUTPUT),
    (InputError, Exit.INPUT),
    (StoreError, Exit.STORE),
    (ContentError, Exit.CONTENT),
    (UsageError, Exit.USAGE),
)


def exit_code(exc: CustodietError) -> Exit:
    return next((code for kind, code in _CODES if isinstance(exc, kind)), Exit.USAGE)


def print_error(message: object) -> None:
    """One "error: ..." line on stderr, with everything from input made inert."""
    from custodiet.cli.render import err, shown

    err.print(f"[red]error:[/red] {shown(message)}")


def fail(exc: CustodietError) -> typer.Exit:
    """Print a CustodietError and return the Exit to raise (for commands that go on after one)."""
    print_error(exc)
    return typer.Exit(exit_code(exc))


def print_internal_error(exc: BaseException) -> None:
    from custodiet.cli.render import err, shown

    if os.environ.get("CUSTODIET_DEBUG"):
        err.print(shown("".join(traceback.format_exception(exc))))
    err.print(f"[red]error:[/red] {shown(describe_bug(exc))}")


def _quiet_stdout() -> None:
    """After a broken pipe: send what is still buffered for stdout nowhere, so that Python's own
    flush at exit does not fail again with a second message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class CustodietGroup(TyperGroup):
    """The top-level command group: runs every (sub)command under the error rule above."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except CustodietError as exc:
            raise fail(exc) from None
        except KeyboardInterrupt:
            print_error("interrupted (a run not yet committed is not stored; one already stored is kept)")
            raise typer.Exit(Exit.INTERRUPTED) from None
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(Exit.BROKEN_PIPE) from None
        except Exception as exc:
            print_internal_error(exc)
            raise typer.Exit(Exit.INTERNAL) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's main without its own printing: usage errors are shown with their values made
        inert, Abort is an interruption (not exit 1, which --fail-on owns)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except ClickException as exc:
            code = _show_click_error(exc)
        except (typer.Abort, KeyboardInterrupt):
            print_error("interrupted")
            code = Exit.INTERRUPTED
        except BrokenPipeError:
            _quiet_stdout()
            code = Exit.BROKEN_PIPE
        except Exception as exc:  # raised while parsing, outside any command
            print_internal_error(exc)
            code = Exit.INTERNAL
        sys.exit(int(code) if isinstance(code, int) else 0)


def _show_click_error(exc: Any) -> int:
    from custodiet.cli.render import err, shown

    if type(exc).__name__ == "NoArgsIsHelpError":  # the help was printed already
        return int(exc.exit_code)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        err.print(shown(ctx.get_usage()))
        if ctx.command.get_help_option(ctx) is not None:
            err.print(shown(f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help."))
    print_error(exc.format_message())
    return int(exc.exit_code)

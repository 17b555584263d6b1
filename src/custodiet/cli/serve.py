"""`custodiet serve`: the local dashboard (custodiet.dashboard) over an inventory, read-only."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from custodiet.cli.inventory import DbOption, _main
from custodiet.cli.render import err


def serve(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
) -> None:
    """Serve a local, read-only dashboard of the inventory: overview, devices, findings, runs, diffs, sites."""
    from custodiet.errors import CustodietError, StoreError, UsageError

    main = _main()
    path = db or main.default_db()
    try:
        if not 0 < port < 65536:
            raise UsageError("--port must be between 1 and 65535")
        from custodiet.dashboard.db import open_readonly

        try:
            open_readonly(path).close()  # a bad --db fails here, with its message, not on the first request
        except StoreError as exc:
            if "locked" not in exc.message:
                raise
            err.print(f"[yellow]warning:[/] {exc}: pages answer 503 until it is free")
        allowed = ["127.0.0.1", "localhost", "[::1]", "::1"]
        try:
            address = ipaddress.ip_address(host.strip("[]"))
            if not address.is_loopback:
                err.print(
                    f"[yellow]warning:[/] listening on {host}: anyone who can reach it can read the inventory"
                )
            allowed.append(str(address) if address.version == 4 else f"[{address}]")
            if address.is_unspecified:
                allowed = ["*"]
        except ValueError:
            allowed.append(host)
        from custodiet.dashboard.app import create_app
    except CustodietError as exc:
        raise main.fail(exc) from None
    import uvicorn

    err.print(f"custodiet dashboard of {path} on http://{host}:{port}/ (read-only; Ctrl-C stops it)")
    uvicorn.run(create_app(path, allowed), host=host, port=port, log_level="warning", access_log=False)


def register(app: typer.Typer) -> None:
    app.command()(serve)

"""``reverie ui``: review the local store in a browser (the pages live in ``reverie.web``)."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from reverie.workspace import Workspace

DEFAULT_BIND = "127.0.0.1:0"  # any free port on loopback


@click.command(name="ui")
@click.option(
    "--bind",
    default=DEFAULT_BIND,
    show_default=True,
    help="HOST:PORT to listen on; loopback only. Port 0 picks a free port.",
)
@click.option("--no-open", is_flag=True, help="Print the sign-in URL; do not open a browser.")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder `reverie eval --report` wrote, for the eval page. Default: <home>/eval/report.",
)
def ui_command(bind: str, no_open: bool, report_dir: Path | None) -> None:
    """Review in a browser: lessons, dreams as a code review, history with rollback, artifacts, the eval.

    Prints a sign-in URL that works once; stop with Ctrl-C."""
    # Imported here: every other command starts without loading the web stack.
    from reverie.web import Guard, create_app, serve

    host, port = serve.parse_bind(bind)
    sock = serve.listen(host, port)
    workspace = Workspace.open()
    guard = Guard()
    url = serve.sign_in_url(sock, guard)

    def ready() -> None:
        click.echo(f"reverie ui: {url}\n(the link signs this browser in once; Ctrl-C stops the server)", err=True)
        if not no_open:
            webbrowser.open(url)

    try:
        serve.run(create_app(workspace, guard=guard, report_dir=report_dir), sock, on_ready=ready)
    finally:
        workspace.close()
        sock.close()


COMMANDS = (ui_command,)

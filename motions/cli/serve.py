"""``motions serve``: the web application, for people who will never open a terminal.

One person runs it on a laptop for their group (the page opens at
http://127.0.0.1:8000/), or an association hosts it for everyone
(``--read-only``, behind a reverse proxy). The server is waitress: a
production WSGI server in pure Python (no compiler, no C extension, runs
wherever motions runs, Windows included), well kept by the Pylons project,
with a fixed pool of threads and its own request-size limits; Flask's own
server is for development only.
"""

from __future__ import annotations

import click

from .options import pass_state, pdf_engine, pdf_engine_option


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default is this computer only; 0.0.0.0 opens it to the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--threads", default=32, show_default=True, type=click.IntRange(1, 128),
              help="Worker threads (requests served at once). PDFs are laid out one at a time; a thread "
                   "waiting for its turn costs little, and the others keep answering pages.")
@click.option("--read-only", is_flag=True,
              help="Hosted mode: the library cannot be edited, uploads are small; for a server shared by many.")
@click.option("--open/--no-open", "open_browser", default=False, show_default=True,
              help="Open the page in the default web browser once the server is ready.")
@click.option("--url-prefix", default="", metavar="PATH",
              help="Behind a reverse proxy that serves the application under a path, e.g. /motions.")
@click.option("--proxy", "proxy", metavar="ADDRESS", default=None,
              help="Behind a reverse proxy (nginx) at ADDRESS, e.g. 127.0.0.1: trust its X-Forwarded-For, "
                   "-Proto and -Host headers (and no one else's).")
@pdf_engine_option()
@pass_state
def serve(state, host, port, threads, read_only, open_browser, url_prefix, proxy, pdf_engine_name):
    """Start the web application (in French) on this computer and print its address."""
    import logging

    from waitress import create_server

    from ..web import create_app

    resources = state.resources()
    if not read_only and resources.library.user_root is None:
        # the arguments written in the browser on an earlier run, when no library folder was given
        from ..library import LIBRARY_MARKER
        from ..web.app import default_edit_dir

        if (default_edit_dir() / LIBRARY_MARKER).is_file():
            state.library_dir, state._resources = str(default_edit_dir()), None
            resources = state.resources()
    app = create_app(resources, read_only=read_only, pdf_engine=pdf_engine(state, pdf_engine_name))
    edit_dir = app.extensions["motions"].edit_dir
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    proxy_settings = {"trusted_proxy": proxy, "trusted_proxy_count": 1,
                      "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}} \
        if proxy else {}
    server = create_server(app, host=host, port=port, threads=threads, url_prefix=url_prefix or "",
                           ident="motions", clear_untrusted_proxy_headers=True,
                           max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 64 * 1024, **proxy_settings)
    bound = server.effective_port
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    address = f"http://{'[' + shown + ']' if ':' in shown else shown}:{bound}{url_prefix or ''}/"
    click.echo(f"motions is serving on {address}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"  listening on {host}: other computers of the network can reach it.", err=True)
    click.echo("  hosted mode (--read-only): the library cannot be edited." if read_only else
               f"  arguments you write are saved in {edit_dir}", err=True)
    click.echo("  stop it with Ctrl-C.", err=True)
    if open_browser:
        import webbrowser

        webbrowser.open(address)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()

"""``motions batch``: one motion for every commune of a département, a région, an
EPCI, a list, or all of France, skipping what is already up to date.

The progress bar is click's: click is already loaded by every command, it writes
to standard error, shows the position, the percentage and the time left, and
falls back to a single line when the output is not a terminal (logs, CI). A
rate is added through its ``item_show_func``. Rich would look nicer but is not
a dependency and costs its import on every run.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..log import warn as _warn
from .options import (
    date_options, motion_option, overseas_option, pass_state, pdf_engine, pdf_engine_option,
    session_date as _session_date,
)

MAX_LISTED_FAILURES = 20


class _Bar:
    """click's progress bar, with communes per second."""

    def __init__(self, total: int):
        self.total = total
        self.started = time.monotonic()
        self.done = 0
        self._bar = click.progressbar(length=total, label="Rendering", show_eta=True, show_pos=True,
                                      item_show_func=self._rate, file=click.get_text_stream("stderr"), width=28)

    def _rate(self, _item) -> str | None:
        elapsed = time.monotonic() - self.started
        return f"{self.done / elapsed:.1f} communes/s" if self.done and elapsed > 0 else None

    def __enter__(self):
        self._bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self._bar.__exit__(*exc)

    def update(self, n: int = 1) -> None:
        self.done += n
        self._bar.update(n, current_item=self.done)


@click.command("batch")
@motion_option
@click.option("--departement", metavar="CODE", help="Every commune of a département: 94, 2A, 971.")
@click.option("--region", metavar="CODE", help="Every commune of a région (INSEE code): 11, 84.")
@click.option("--epci", metavar="SIREN", help="Every member commune of an EPCI or EPT.")
@click.option("--communes", "communes_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="A file listing communes, one per line (INSEE code, postal code or name).")
@click.option("--all", "all_communes", is_flag=True, help="All 34,969 communes.")
@click.option("--min-population", type=click.IntRange(min=0), metavar="N",
              help="Only communes of at least N inhabitants (alone: in all France).")
@click.option("--format", "-f", "formats", default="docx,pdf", show_default=True,
              help="Comma-separated: docx, odt, pdf, html, txt.")
@click.option("--dossier/--no-dossier", default=False, show_default=True,
              help="Also write each motion's dossier (deadlines, points to check, sources).")
@click.option("--output", "-o", "out_dir", default="motions-out", show_default=True, type=click.Path(file_okay=False),
              help="Output folder; files go to OUT/<département>/.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--facts-dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Local facts per commune: DIR/<INSEE>.yaml.")
@date_options
@overseas_option
@click.option("--annex/--no-annex", "annex", default=None, help="Add (or leave out) the annex of sources.")
@click.option("--force", is_flag=True, help="Rebuild every output, even up-to-date ones or ones edited since.")
@pdf_engine_option(default=None, batch=True)
@pass_state
def batch(state, motion_id, departement, region, epci, communes_file, all_communes, min_population, formats, dossier,
          out_dir, jobs, facts_dir, session_date, old_session_date, allow_overseas, annex, force, pdf_engine_name):
    """Write a motion for many communes, skipping outputs that are up to date.

    A re-run rebuilds only what changed (library, templates, facts, options,
    commune data, motions' version); a commune that fails does not stop the
    others, and the failures are listed at the end (exit code non-zero).
    """
    import sys

    from ..batch import BatchFailed, BatchSettings, Terminated, failure_lines, run_batch, select_communes
    from ..compose import Options
    from ..writers import WriterOptions, parse_formats

    fmts = parse_formats(formats)
    options = Options(date=_session_date(session_date, old_session_date), allow_overseas=allow_overseas,
                      annex_sources=annex)
    notices: list[str] = []
    places = select_communes(departement=departement, region=region, epci=epci, communes_file=communes_file,
                             all_communes=all_communes, min_population=min_population, notices=notices,
                             index=state.communes())
    for notice in notices:
        _warn(notice)
    resources = state.resources()
    settings = BatchSettings(motion_id=motion_id, formats=fmts, out_dir=Path(out_dir), jobs=jobs or 0,
                             facts_dir=Path(facts_dir) if facts_dir else None, force=force, options=options,
                             dossier=dossier,
                             writer_options=WriterOptions(pdf_engine=pdf_engine(state, pdf_engine_name, fmts, prefer="typst")))
    try:
        report = run_batch(resources, places, settings, progress=_Bar)
    except Terminated:
        click.echo("Terminated (SIGTERM): no partial file was left behind; every file written is recorded, "
                   "and the next run goes on from there.", err=True)
        sys.exit(Terminated.exit_code)
    for w in report.warnings:
        _warn(w)
    n_files = report.files_written + report.files_unchanged + report.files_current
    rate = (f", {report.rate:.2f} communes/s with {report.jobs} worker{'s' if report.jobs > 1 else ''} once warm"
            if report.rate and report.communes_done else "")
    click.echo(f"{report.selected} communes: {report.communes_done} rendered, {report.communes_current} up to date, "
               f"{len(report.failures)} failed; {n_files} files ({report.files_written} written, "
               f"{report.files_unchanged} unchanged, {report.files_current} up to date) in {report.elapsed:.1f} s{rate}.")
    click.echo(f"Index: {report.index_csv} and {report.index_json}")
    if report.failures:
        lines = failure_lines(report.failures, MAX_LISTED_FAILURES, report.index_json)
        raise BatchFailed(f"{len(report.failures)} commune{'s' if len(report.failures) > 1 else ''} failed "
                          "(the others are done):\n" + "\n".join(lines), report.exit_code)

"""``sizeup check FILE|URL|-``: read market commentary and check every number in it.

The work is done by :func:`sizeup.app.check.run_check`; this module parses the options, reads
standard input for ``-`` and renders the result (Rich text, JSON or TOML claims). Text from the
article is never read as Rich markup.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from sizeup.cli._common import emit_json, handle_errors, store_ref

if TYPE_CHECKING:
    from sizeup.app.check import CheckResult

__all__ = ["check", "register", "render"]

_STYLE = {"SUPPORTED": "green", "CONTRADICTED": "red", "NOT_CHECKABLE": "yellow"}


def render(result: CheckResult, console: Console) -> None:
    """Print sentence by sentence: the quote, each reading and verdict, numbers not understood."""
    console.print(
        f"[bold]{escape(result.source)}[/]: published {result.published:%Y-%m-%d} "
        f"({escape(result.published_from)}); {len(result.checked)} claims, "
        f"{len(result.not_understood)} numbers not understood"
    )
    for text, claims, unknown in result.by_sentence():
        console.print(f"\n[italic]“{escape(text)}”[/]")
        for c in claims:
            style = _STYLE[c.verdict]
            body = escape(c.line().split("] ", 1)[1])
            console.print(f"  {escape(c.claim.id)} [{style}]{c.verdict}[/] {body}")
        for n in unknown:
            console.print(f"  [dim]? not understood: {escape(n.text)} ({escape(n.why)})[/]")
    counts = result.counts()
    console.print("\n" + ", ".join(f"[{_STYLE[k]}]{k}[/]: {v}" for k, v in counts.items()))
    for line in result.provenance.lines():
        console.print(f"[dim]{escape(line)}[/]")


@handle_errors
def check(
    article: Annotated[str, typer.Argument(help="Text, HTML or Markdown file, a URL, or '-'.")],
    published: Annotated[
        str | None,
        typer.Option("--published", help="Publication date YYYY-MM-DD (when the text has none)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_toml: Annotated[
        bool, typer.Option("--toml", help="Print the claims as TOML for `sizeup claims`.")
    ] = False,
    allow_proxies: Annotated[
        bool,
        typer.Option(
            "--allow-proxies", help="Let DIA/QQQ stand in for the Dow/Nasdaq (wider tolerance)."
        ),
    ] = False,
) -> None:
    """Find the numbers about indexes, ETFs, yields and rates in ARTICLE and check each one.

    Example: sizeup check article.md --published 2025-08-22 --toml > claims.toml
    """
    from sizeup.app.check import MAX_BYTES, CheckRequest, run_check

    data = None
    if article == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    request = CheckRequest(article, published, allow_proxies, data)
    result = run_check(request, store_ref())
    if as_json:
        emit_json(result)
    elif as_toml:
        typer.echo(result.to_toml(), nl=False)
    else:
        render(result, Console(highlight=False))


def register(app: typer.Typer) -> None:
    """Add the ``check`` command to a Typer app.

    Parameters
    ----------
    app
        The root ``sizeup`` app.
    """
    app.command("check")(check)

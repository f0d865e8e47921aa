"""``corroborator serve`` and ``corroborator user``: the review web app and its accounts."""

from __future__ import annotations

import ipaddress
import logging
import sys
from pathlib import Path

import click

from corroborator.errors import CorroboratorError
from corroborator.review import accounts
from corroborator.store import CaseStore, open_case

logger = logging.getLogger(__name__)

CASE = click.argument("case", type=click.Path(dir_okay=False, path_type=Path))
CASE_OPTION = click.option("--case", "case", default="case.duckdb", show_default=True,
                           type=click.Path(dir_okay=False, path_type=Path), help="The case file.")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@CASE
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--secure-cookies/--no-secure-cookies", default=None,
              help="Mark the session and form cookies Secure (sent over HTTPS only). "
                   "Default: on unless --host is a loopback address.")
@click.option("--idle-minutes", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="End a login unused this long (0: only after --session-hours).")
@click.option("--session-hours", type=click.FloatRange(min=0.1), default=12.0, show_default=True,
              help="The longest a login lasts.")
def serve(case: Path, host: str, port: int, secure_cookies: bool | None, idle_minutes: float,
          session_hours: float) -> None:
    """Serve the review web app of CASE (log in with a user from `corroborator user add`)."""
    # The web stack is heavy and only this command needs it.
    import uvicorn

    from corroborator.web import Settings, create_app

    local = is_loopback(host)
    secure = (not local) if secure_cookies is None else secure_cookies
    try:
        app = create_app(case, settings=Settings(secure_cookies=secure, session_idle_minutes=idle_minutes,
                                                 session_hours=session_hours))
        with app.state.case.db.store() as store:
            users = accounts.list_users(store)
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    if not users:
        click.echo(f"No users yet: create one with `corroborator user add NAME --role editor --case {case}`", err=True)
    if not local and not secure:
        click.echo("Warning: listening beyond this machine with --no-secure-cookies: session cookies can be read "
                   "on the network; put HTTPS in front and drop the option.", err=True)
    elif not local:
        click.echo("Cookies are marked Secure: browsers send them over HTTPS only, so put HTTPS in front.", err=True)
    click.echo(f"Serving {case.resolve()} at http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.group()
def user() -> None:
    """Manage the reviewers of a case file."""


def _password(password_stdin: bool) -> str:
    """The new password: from standard input, or asked twice on the terminal."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise click.UsageError("no terminal to ask for the password: pipe it with --password-stdin")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _store(case: Path) -> CaseStore:
    return open_case(case)


def _show_totp(name: str, secret: str) -> None:
    click.echo("Second factor (TOTP): add this to an authenticator app; it is shown only now.")
    click.echo(f"  secret: {secret}")
    click.echo(f"  uri:    {accounts.totp_uri(name, secret)}")


@user.command("add")
@CASE_OPTION
@click.argument("name")
@click.option("--role", type=click.Choice(["viewer", "editor", "admin"]), default="viewer", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def user_add(case: Path, name: str, role: str, password_stdin: bool) -> None:
    """Add user NAME to CASE (admins get a TOTP second factor)."""
    password = _password(password_stdin)
    try:
        with _store(case) as store:
            created, secret = accounts.add_user(store, name, role, password)
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"User {created.name} ({created.role}) added to {case}.")
    if secret:
        _show_totp(created.name, secret)


@user.command("list")
@CASE_OPTION
def user_list(case: Path) -> None:
    """List the users of CASE."""
    try:
        with _store(case) as store:
            users = accounts.list_users(store)
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    for u in users:
        click.echo(f"{u.name}\t{u.role}\t{'active' if u.active else 'disabled'}\t{'totp' if u.has_totp else '-'}")


@user.command("passwd")
@CASE_OPTION
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def user_passwd(case: Path, name: str, password_stdin: bool) -> None:
    """Set a new password for NAME (ends their sessions)."""
    password = _password(password_stdin)
    try:
        with _store(case) as store:
            accounts.set_password(store, name, password)
            accounts.record_audit(store, None, "password.reset", name, {"via": "cli"})
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Password of {name} changed; their sessions were ended.")


@user.command("totp")
@CASE_OPTION
@click.argument("name")
def user_totp(case: Path, name: str) -> None:
    """Give NAME a new TOTP second factor (replacing any old one)."""
    try:
        with _store(case) as store:
            secret = accounts.enable_totp(store, name)
            accounts.record_audit(store, None, "totp.reset", name, {"via": "cli"})
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    _show_totp(name, secret)


@user.command("role")
@CASE_OPTION
@click.argument("name")
@click.argument("role", type=click.Choice(["viewer", "editor", "admin"]))
def user_role(case: Path, name: str, role: str) -> None:
    """Change the role of NAME (ends their sessions)."""
    try:
        with _store(case) as store:
            secret = accounts.set_role(store, name, role)
            accounts.record_audit(store, None, "user.role", name, {"role": role, "via": "cli"})
    except CorroboratorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{name} is now {role}.")
    if secret:
        _show_totp(name, secret)

"""`corroborator user` and `corroborator serve`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from corroborator.review import accounts
from corroborator.cli import cli
from corroborator.store import open_case
from tests.webcase import PASSWORD, build_case


def test_web_cli_user_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    build_case(case)
    runner = CliRunner()
    result = runner.invoke(cli, ["user", "add", "edna", "--role", "editor", "--case", str(case), "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "edna (editor) added" in result.output and "otpauth" not in result.output
    admin = runner.invoke(cli, ["user", "add", "ada", "--role", "admin", "--case", str(case), "--password-stdin"],
                          input=PASSWORD + "\n")
    assert admin.exit_code == 0 and "otpauth://totp/Corroborator:ada" in admin.output
    listed = runner.invoke(cli, ["user", "list", "--case", str(case)])
    assert "ada\tadmin\tactive\ttotp" in listed.output and "edna\teditor\tactive\t-" in listed.output
    with open_case(case) as store:
        assert accounts.verify_login(store, "edna", PASSWORD).role == "editor"


def test_web_cli_user_errors_are_clear(tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    build_case(case)
    runner = CliRunner()
    short = runner.invoke(cli, ["user", "add", "edna", "--case", str(case), "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "too short" in short.output
    no_tty = runner.invoke(cli, ["user", "add", "edna", "--case", str(case)], input="")
    assert no_tty.exit_code == 2 and "--password-stdin" in no_tty.output
    missing = runner.invoke(cli, ["user", "list", "--case", str(tmp_path / "nope.duckdb")])
    assert missing.exit_code == 1 and "no such case file" in missing.output
    unknown = runner.invoke(cli, ["user", "passwd", "ghost", "--case", str(case), "--password-stdin"],
                            input=PASSWORD + "\n")
    assert unknown.exit_code == 1 and "no user called 'ghost'" in unknown.output


def test_web_cli_password_change_and_totp_reset(tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    build_case(case)
    runner = CliRunner()
    runner.invoke(cli, ["user", "add", "edna", "--case", str(case), "--password-stdin"], input=PASSWORD + "\n")
    changed = runner.invoke(cli, ["user", "passwd", "edna", "--case", str(case), "--password-stdin"],
                            input="another long password\n")
    assert changed.exit_code == 0
    totp = runner.invoke(cli, ["user", "totp", "edna", "--case", str(case)])
    assert totp.exit_code == 0 and "secret:" in totp.output
    role = runner.invoke(cli, ["user", "role", "edna", "editor", "--case", str(case)])
    assert role.exit_code == 0 and "edna is now editor" in role.output
    with open_case(case) as store:
        assert accounts.get_user(store, "edna").has_totp  # type: ignore[union-attr]
        assert accounts.verify_password(store, "edna", "another long password")


def test_web_cli_serve_refuses_a_missing_case(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 1 and "no such case file" in result.output
    assert "--port" in CliRunner().invoke(cli, ["serve", "--help"]).output

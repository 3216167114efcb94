"""The `mail:` settings (checked without raising, for build and check), sizes, the PDF attached
or linked, and the command's options."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notespress.cli import app
from notespress.errors import NotespressError
from notespress.mail import (
    MailSettings,
    check_mail_settings,
    distribute,
    fill_url,
    header_problem,
    load_settings,
    mail_lines,
    parse_size,
)
from notespress.mail import mailing as mailing_module

from .mailserver import env_for, mail_workspace, running, set_mail

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mail_workspace(tmp_path / "mini", tmp_path_factory)


@pytest.mark.parametrize(("value", "size"), [
    (7340032, 7340032), ("7MB", 7 * 1024 ** 2), ("7 MB", 7 * 1024 ** 2), ("7mb", 7 * 1024 ** 2),
    ("7MiB", 7 * 1024 ** 2), ("1.5M", int(1.5 * 1024 ** 2)), ("500KB", 500 * 1024),
    ("500k", 500 * 1024), ("1G", 1024 ** 3), ("900", 900), ("900B", 900), (0, 0),
    ("seven MB", None), ("7 TB", None), ("-1MB", None), (-5, None), (True, None), ("", None),
    ([7], None), ("7MB extra", None),
])
def test_parse_size(value: object, size: int | None) -> None:
    assert parse_size(value) == size


CONFIG = """\
name: X
mail:
  from: not an address
  reply_to: Replies <replies@example.org>
  host: smtp example org
  port: 70000
  security: starttls-please
  user: bulletin
  subject: "{{ issue.number"
  list_id: has space.example.org
  unsubscribe_email: "nobody"
  unsubscribe_url: http://example.org/u?e={email}
  link: https://example.org/{file}/{issue}
  attach_limit: huge
  rate: 0
  retries: -1
  retry_delay: soon
  timeout: 30
  password: hunter2
  colour: red
"""


def test_check_mail_settings_returns_every_problem_with_key_and_line(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "notespress.yaml"
    path.write_text(CONFIG)
    raw = yaml.safe_load(CONFIG)["mail"]
    problems = check_mail_settings(raw, path, mail_lines(path))
    by_key = {p.key: p for p in problems}
    wrong = ["from", "host", "port", "security", "subject", "list_id", "unsubscribe_email",
             "unsubscribe_url", "link", "attach_limit", "rate", "retries", "retry_delay",
             "password", "colour"]
    assert sorted(by_key) == sorted(f"mail.{key}" for key in wrong)
    lines = {key: n for n, key in enumerate(
        (line.split(":")[0].strip() for line in CONFIG.splitlines()), start=1)}
    for key in wrong:
        problem = by_key[f"mail.{key}"]
        assert problem.path == path and problem.line == lines[key]
        assert problem.severity == "error"
        assert str(problem).startswith(f"{path}:{lines[key]}: mail.{key}: ")
    assert "https://" in by_key["mail.unsubscribe_url"].message
    assert "{issue}" in by_key["mail.link"].message
    assert "hunter2" not in " ".join(str(p) for p in problems)
    assert "NOTESPRESS_SMTP_PASSWORD" in by_key["mail.password"].message
    # nothing raised, and a section that is not a mapping is one problem
    (problem,) = check_mail_settings("smtp.example.org", path, 2)
    assert problem.key == "mail" and problem.line == 2
    assert check_mail_settings(None, path) == []


def test_a_login_in_clear_is_a_warning_in_check(tmp_path: Path) -> None:
    path = tmp_path / "notespress.yaml"
    raw = {"from": "a@example.org", "user": "bulletin", "security": "none"}
    (problem,) = check_mail_settings(raw, path, {"security": 7})
    assert problem.severity == "warning" and problem.key == "mail.security"
    assert problem.line == 7 and "--insecure" in problem.message
    assert check_mail_settings({**raw, "security": "ssl"}, path) == []


def test_environment_and_rate_override_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notespress.yaml"
    raw = {"from": "a@example.org", "host": "smtp.example.org", "security": "ssl"}
    settings = load_settings(raw, path)
    assert (settings.host, settings.server_port, settings.rate) == ("smtp.example.org", 465,
                                                                    60.0)
    settings = load_settings(raw, path, {"NOTESPRESS_SMTP_HOST": "other.example.org",
                                         "NOTESPRESS_SMTP_PORT": "2525"}, rate=30)
    assert (settings.host, settings.server_port, settings.rate) == ("other.example.org",
                                                                    2525, 30.0)
    with pytest.raises(NotespressError) as caught:
        load_settings(raw, path, {"NOTESPRESS_SMTP_PORT": "twenty", "NOTESPRESS_SMTP_SECURITY":
                                  "tls"}, rate=0)
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 3
    assert any("NOTESPRESS_SMTP_PORT" in m for m in messages)
    assert any("NOTESPRESS_SMTP_SECURITY" in m and "'tls'" in m for m in messages)
    assert any("--rate" in m for m in messages)


def test_header_problem_and_fill_url() -> None:
    assert header_problem("Red Notes <a@example.org>") is None
    assert "one line" in header_problem("a\r\nBcc: b@example.org")
    assert "\\x0b" in header_problem("a\x0bb")
    assert fill_url("https://x.org/u?e={email}&l=en", email="bob+news@x.org") == \
        "https://x.org/u?e=bob%2Bnews%40x.org&l=en"
    assert fill_url("https://x.org/{file}", file="issue 3#a.pdf") == \
        "https://x.org/issue%203%23a.pdf"


def read_eml(workspace: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted((workspace / "build/issue-3/mail").glob("*.eml"))]


def test_the_pdf_is_attached_under_the_limit(workspace: Path) -> None:
    result = distribute(workspace, "3", workspace / "subscribers.csv")
    assert result.pdf.attach and result.pdf.size < MailSettings().attach_limit
    for message in read_eml(workspace):
        assert next(message.iter_attachments()).get_content() == result.pdf.path.read_bytes()


def test_over_the_limit_without_link_is_a_clear_error(workspace: Path) -> None:
    set_mail(workspace, attach_limit="20KB")
    result = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                 str(workspace / "subscribers.csv")])
    assert result.exit_code == 1
    (line,) = [row for row in result.output.splitlines() if row.startswith("error:")]
    assert "over mail.attach_limit" in line and "set mail.link" in line
    assert "raise mail.attach_limit" in line
    assert read_eml(workspace) == []


@pytest.mark.parametrize("limit", ["20KB", "7MB"])
def test_with_link_the_pdf_is_linked(workspace: Path, limit: str) -> None:
    set_mail(workspace, attach_limit=limit, link="https://mini.example.org/pdf/{file}")
    result = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                 str(workspace / "subscribers.csv")])
    assert result.exit_code == 0, result.output
    url = "https://mini.example.org/pdf/mini-bulletin-3-screen.pdf"
    assert f"PDF linked: {url}" in result.output
    messages = read_eml(workspace)
    assert len(messages) == 6
    for message in messages:
        assert list(message.iter_attachments()) == []
        assert url in message.get_body(("plain",)).get_content()
        assert f'href="{url}"' in message.get_body(("html",)).get_content()


def test_rate_is_an_option_and_the_list_is_read_once(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []
    read = mailing_module.read_subscribers

    def counting(path: Path):
        reads.append(path)
        return read(path)

    monkeypatch.setattr(mailing_module, "read_subscribers", counting)
    monkeypatch.delenv("NOTESPRESS_MAIL_RATE", raising=False)
    rates: list[float] = []
    send_all = mailing_module.send_all

    def spy(subscribers, compose, settings, *args, **kwargs):
        rates.append(settings.rate)
        return send_all(subscribers, compose, settings, *args, **kwargs)

    monkeypatch.setattr(mailing_module, "send_all", spy)
    with running() as server:
        result = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                     str(workspace / "subscribers.csv"), "--send",
                                     "--rate", "6000"], env=env_for(server))
        assert result.exit_code == 0, result.output
        assert server.count_by_recipient().total() == 6
    assert len(reads) == 1 and rates == [6000.0]
    result = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                 str(workspace / "subscribers.csv"), "--rate", "0"])
    assert result.exit_code == 1 and "--rate must be a positive number" in result.output

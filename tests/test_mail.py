"""`notespress mail` against a real SMTP server on 127.0.0.1 (aiosmtpd), with faults injected.

Every assertion is made on what the server received."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notespress.cli import app
from notespress.errors import NotespressError
from notespress.mail import distribute, read_subscribers

from .mailserver import (
    SUBSCRIBERS,
    FaultyServer,
    env_for,
    free_port,
    mail_workspace,
    running,
)

runner = CliRunner()


@pytest.fixture
def server():
    with running() as handler:
        yield handler


@pytest.fixture
def workspace(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mail_workspace(tmp_path / "mini", tmp_path_factory)


def send(workspace: Path, server: FaultyServer, **options):
    return distribute(workspace, "3", workspace / "subscribers.csv", send=True,
                      env=env_for(server), sleep=lambda s: None, **options)


def test_subscribers_csv_reports_bad_lines_and_duplicates(workspace: Path) -> None:
    result = read_subscribers(workspace / "subscribers.csv")
    assert [s.email for s in result.subscribers] == SUBSCRIBERS
    assert [(p.line, p.severity) for p in result.warnings] == [(4, "warning"), (6, "warning")]
    assert "'not-an-address' is not a valid email address" in result.warnings[0].message


def test_dry_run_writes_eml_files_that_parse(workspace: Path) -> None:
    result = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                 str(workspace / "subscribers.csv")])
    assert result.exit_code == 0, result.output
    assert "nothing was sent" in result.output and "not-an-address" in result.output
    files = sorted((workspace / "build/issue-3/mail").glob("*.eml"))
    assert len(files) == 6
    pdf = (workspace / "build/issue-3/mini-bulletin-3-screen.pdf").read_bytes()
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["Message-ID"] and message["Date"] and message["List-Id"]
        attachment = next(message.iter_attachments())
        assert attachment.get_content() == pdf
        assert message.get_body(("plain",)) and message.get_body(("html",))


def test_sends_once_with_headers_and_attachment(workspace: Path, server: FaultyServer) -> None:
    result = send(workspace, server)
    assert sorted(result.report.sent) == SUBSCRIBERS
    assert server.count_by_recipient() == dict.fromkeys(SUBSCRIBERS, 1)
    pdf = (workspace / "build/issue-3/mini-bulletin-3-screen.pdf").read_bytes()
    ids = set()
    for message in server.received:
        assert message["From"] == "Mini Bulletin <bulletin@mini.example.org>"
        assert message["To"] and message["Date"]
        number = "nº" if message["Content-Language"] == "fr" else "No."  # (their language)
        assert message["Subject"] == f"Mini Bulletin {number} 3: A fixture issue"
        assert message["List-Id"] == "Mini Bulletin <mini-bulletin.mini.example.org>"
        unsubscribe = message["List-Unsubscribe"]
        assert "<mailto:bulletin@mini.example.org?subject=unsubscribe>" in unsubscribe
        assert "<https://mini.example.org/unsubscribe?u=" in unsubscribe
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        ids.add(message["Message-ID"])
        assert next(message.iter_attachments()).get_content() == pdf
        assert "<img" not in message.get_body(("html",)).get_content()
    assert len(ids) == len(SUBSCRIBERS)
    by_to = {m["To"].addresses[0].addr_spec: m for m in server.received}
    assert by_to["reader1@example.org"]["To"].addresses[0].display_name == "Ana Reyes"
    assert "Dear Ana Reyes," in by_to["reader1@example.org"].get_body(("plain",)).get_content()
    french = by_to["reader2@example.org"].get_body(("plain",)).get_content()
    assert french.startswith("Bonjour,") and "Dans ce numéro" in french
    # a second run sends nothing: everyone is in the send log
    again = send(workspace, server)
    assert again.report.sent == [] and again.report.skipped_sent == 6
    assert len(server.received) == 6


def test_message_ids_are_stable_across_runs(workspace: Path, server: FaultyServer) -> None:
    distribute(workspace, "3", workspace / "subscribers.csv", env=env_for(server))
    dry = {}
    for path in (workspace / "build/issue-3/mail").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        dry[message["To"].addresses[0].addr_spec] = message["Message-ID"]
    send(workspace, server)
    sent = {m["To"].addresses[0].addr_spec: m["Message-ID"] for m in server.received}
    assert sent == dry


def test_no_unsubscribe_post_without_https(workspace: Path, server: FaultyServer) -> None:
    config = workspace / "notespress.yaml"
    config.write_text(config.read_text().replace(
        "  unsubscribe_url: https://mini.example.org/unsubscribe?u={email}\n", ""))
    send(workspace, server, limit=1)
    message = server.received[0]
    assert message["List-Unsubscribe"] == "<mailto:bulletin@mini.example.org?subject=unsubscribe>"
    assert message["List-Unsubscribe-Post"] is None


def test_temporary_failures_are_retried(workspace: Path, server: FaultyServer) -> None:
    server.temporary = {2: "451 4.3.0 please try again", 4: "421 4.7.0 closing, come back"}
    result = send(workspace, server)
    assert sorted(result.report.sent) == SUBSCRIBERS
    assert server.count_by_recipient() == dict.fromkeys(SUBSCRIBERS, 1)


def test_a_permanent_failure_is_recorded_and_not_retried(workspace: Path,
                                                         server: FaultyServer) -> None:
    server.reject = {"reader3@example.org"}
    result = send(workspace, server)
    assert [email for email, _ in result.report.failed] == ["reader3@example.org"]
    assert "550" in result.report.failed[0][1]
    counts = server.count_by_recipient()
    assert "reader3@example.org" not in counts
    assert all(counts[a] == 1 for a in SUBSCRIBERS if a != "reader3@example.org")
    server.reject = set()
    again = send(workspace, server)  # not retried unless asked
    assert again.report.skipped_failed == ["reader3@example.org"]
    assert "reader3@example.org" not in server.count_by_recipient()
    send(workspace, server, retry_failed=True)
    assert server.count_by_recipient()["reader3@example.org"] == 1


def test_connection_dropped_during_data_is_unknown(workspace: Path,
                                                   server: FaultyServer) -> None:
    server.drop_after_store = {3}
    result = send(workspace, server)
    assert result.report.unknown == ["reader3@example.org"]
    assert server.count_by_recipient() == dict.fromkeys(SUBSCRIBERS, 1)  # it did arrive
    again = send(workspace, server)  # reported, not sent again
    assert again.report.unknown == ["reader3@example.org"] and again.report.sent == []
    assert server.count_by_recipient()["reader3@example.org"] == 1
    cli = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                              str(workspace / "subscribers.csv"), "--send"],
                        env=env_for(server))
    assert cli.exit_code == 1 and "unknown: reader3@example.org" in cli.output


def test_killed_after_k_messages_then_run_again(workspace: Path, server: FaultyServer) -> None:
    command = [sys.executable, "-m", "notespress", "mail", "3", "--workspace", str(workspace),
               "--subscribers", str(workspace / "subscribers.csv"), "--send"]
    env = {**os.environ, **env_for(server)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    server.kill_before_store = {3: process.pid}
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL
    assert server.count_by_recipient() == {"reader1@example.org": 1, "reader2@example.org": 1}
    # run again: the first two are not sent again, the third is unknown, the rest go out
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "unknown: reader3@example.org" in done.stdout
    counts = server.count_by_recipient()
    assert "reader3@example.org" not in counts
    assert all(counts[a] == 1 for a in SUBSCRIBERS if a != "reader3@example.org")
    # the editor checks, and sends it on purpose
    done = subprocess.run([*command, "--retry-unknown"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert server.count_by_recipient() == dict.fromkeys(SUBSCRIBERS, 1)


def test_limit_and_to_self(workspace: Path, server: FaultyServer) -> None:
    result = send(workspace, server, limit=2)
    assert result.report.sent == SUBSCRIBERS[:2]
    send(workspace, server, to_self="editor@example.org")
    assert server.count_by_recipient()["editor@example.org"] == 1
    rest = send(workspace, server)  # the test send did not count as anyone's copy
    assert sorted(rest.report.sent) == SUBSCRIBERS[2:]
    assert server.count_by_recipient() == {**dict.fromkeys(SUBSCRIBERS, 1),
                                           "editor@example.org": 1}


def test_password_only_from_the_environment(workspace: Path, server: FaultyServer) -> None:
    config = workspace / "notespress.yaml"
    config.write_text(config.read_text() + "  password: hunter2\n")
    result = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                 str(workspace / "subscribers.csv")])
    assert result.exit_code == 1
    assert "passwords are never read from files" in result.output
    assert "hunter2" not in result.output


def test_tls_certificates_are_verified(workspace: Path, tmp_path: Path) -> None:
    """A server with a self-signed certificate is refused, with a clear message."""
    import ssl

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    sleeps: list[float] = []
    with running(tls_context=context) as handler:
        env = {"NOTESPRESS_SMTP_PORT": str(handler.port), "NOTESPRESS_SMTP_SECURITY": "starttls"}
        with pytest.raises(NotespressError) as caught:
            distribute(workspace, "3", workspace / "subscribers.csv", send=True, env=env,
                       sleep=sleeps.append)
        assert "certificate was refused" in str(caught.value)
        assert len(caught.value.problems) == 1 and sleeps == []  # at once, not retried
        assert handler.received == []


def test_screen_edition_is_small(demo) -> None:
    _, result = demo
    screen = result.output("screen").path.stat().st_size
    printed = result.output("print").path.stat().st_size
    assert screen < 2_000_000
    # (the print edition's pictures at full size, the screen edition's at 150 dpi: the
    # demo's cover picture runs across the page)
    assert screen <= printed / 3.5


def test_semicolon_separated_subscribers(workspace: Path) -> None:
    (workspace / "subscribers.csv").write_text(
        "email;name;lang\nuno@example.org;Uno;it\ndue@example.org;;\n")
    result = read_subscribers(workspace / "subscribers.csv")
    assert [(s.email, s.name, s.lang) for s in result.subscribers] == [
        ("uno@example.org", "Uno", "it"), ("due@example.org", "", "")]


def test_a_refused_sender_stops_the_run_and_blames_no_one(workspace: Path,
                                                          server: FaultyServer) -> None:
    async def refuse_sender(server_, session, envelope, address, options):
        return "553 5.7.1 sender not allowed"

    server.handle_MAIL = refuse_sender
    with pytest.raises(NotespressError) as caught:
        send(workspace, server)
    assert "refuses the sender bulletin@mini.example.org" in str(caught.value)
    log = (workspace / "build/issue-3/mail/send-log.jsonl").read_text()
    assert '"failed"' not in log  # nobody is marked as refused: a later run sends to all
    del server.handle_MAIL
    result = send(workspace, server)
    assert sorted(result.report.sent) == SUBSCRIBERS


def test_an_unreachable_server_stops_the_run(workspace: Path) -> None:
    env = {"NOTESPRESS_SMTP_PORT": str(free_port())}  # nothing listens there
    result = distribute(workspace, "3", workspace / "subscribers.csv", send=True, env=env,
                        sleep=lambda s: None)
    assert result.report.stopped and "cannot be reached" in result.report.stopped
    assert len(result.report.deferred) == 1  # the first one tried, then it stopped
    assert result.report.sent == []


def test_sending_is_throttled(workspace: Path, server: FaultyServer) -> None:
    waits: list[float] = []
    distribute(workspace, "3", workspace / "subscribers.csv", send=True, env=env_for(server),
               rate=600, sleep=waits.append)  # one every 0.1 s
    assert len(waits) >= 4 and all(0 < w <= 0.1 for w in waits)


def test_screen_edition_is_tagged_for_accessibility(demo) -> None:
    from pypdf import PdfReader

    _, result = demo
    reader = PdfReader(result.output("screen").path)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    assert len(reader.outline) >= 7  # bookmarks: every article and the platform


def test_a_line_cut_short_by_a_crash_does_not_spoil_the_log(workspace: Path,
                                                           server: FaultyServer) -> None:
    log = workspace / "build/issue-3/mail/send-log.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text('{"email": "reader1@example.org", "state": "sent", "detail": ""}\n'
                   '{"email": "reader2@example.org", "state": "da')  # killed mid-line
    result = send(workspace, server)
    assert result.report.skipped_sent == 1
    assert sorted(result.report.sent) == SUBSCRIBERS[1:]
    again = send(workspace, server)  # every line written after the cut one is read
    assert again.report.sent == [] and again.report.skipped_sent == 6
    assert server.count_by_recipient() == dict.fromkeys(SUBSCRIBERS[1:], 1)


def test_a_language_without_mail_layouts_gets_them_whole_in_english(workspace: Path) -> None:
    """An Italian subscriber (no mail.it layouts): the English message, date included (a
    Persian one printed 'No. 3, مه ۲۰۲۶' before mail.fa existed); a Persian one gets the
    Persian layouts, right to left, with Persian digits."""
    (workspace / "subscribers.csv").write_text("email,name,lang\nluca@example.org,Luca,it\n"
                                               "sara@example.org,Sara,fa\n"
                                               "jean@example.org,Jean,fr\n")
    result = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                 str(workspace / "subscribers.csv")])
    assert result.exit_code == 0, result.output
    messages = {}
    for path in (workspace / "build/issue-3/mail").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        messages[str(message["To"]).split()[0]] = message
    text = messages["Luca"].get_body(("plain",)).get_content()
    assert "Dear Luca" in text and "May 2026" in text, text
    assert messages["Luca"]["Content-Language"] == "en"
    assert messages["Jean"]["Content-Language"] == "fr"
    persian = messages["Sara"]
    assert persian["Content-Language"] == "fa"
    assert "سلام Sara" in persian.get_body(("plain",)).get_content()
    html = persian.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and "شمارهٔ ۳" in html
    assert persian["Subject"] == "Mini Bulletin شماره ۳: A fixture issue"
    assert messages["Jean"]["Subject"] == "Mini Bulletin nº 3: A fixture issue"

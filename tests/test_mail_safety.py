"""`notespress mail` under attack and under faults (issue 13): two senders at once, a server
without TLS, a login in clear, hostile names and languages, addresses in URLs, terminal
escapes. Against a real SMTP server on 127.0.0.1; every assertion on what it received."""

from __future__ import annotations

import csv
import email
import email.policy
import os
import pathlib
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from typer.testing import CliRunner

from notespress.cli import app
from notespress.errors import NotespressError
from notespress.mail import Composer, SendLog, distribute
from notespress.resources import default_layouts

from .mailserver import (
    SUBSCRIBERS,
    FaultyServer,
    RefusingStarttls,
    env_for,
    log_entries,
    mail_workspace,
    running,
    set_mail,
)

runner = CliRunner()


@pytest.fixture
def server():
    with running() as handler:
        yield handler


@pytest.fixture
def workspace(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mail_workspace(tmp_path / "mini", tmp_path_factory)


@pytest.fixture(scope="module")
def tls_context(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A server-side context with a self-signed certificate (which clients refuse)."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def send(workspace: Path, server: FaultyServer, subscribers: str = "subscribers.csv",
         env: dict[str, str] | None = None, **options):
    return distribute(workspace, "3", workspace / subscribers, send=True,
                      env=env or env_for(server), sleep=lambda s: None, **options)


def write_csv(workspace: Path, rows: list[list[str]], name: str = "subscribers.csv") -> Path:
    path = workspace / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["email", "name", "lang"], *rows])
    return path


def eml_files(workspace: Path) -> dict[str, email.message.EmailMessage]:
    found = {}
    for path in (workspace / "build/issue-3/mail").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found[message["To"].addresses[0].addr_spec] = message
    return found


# ------------------------------------------------------------------ exactly once


def test_two_senders_at_once_never_send_twice(workspace: Path, server: FaultyServer) -> None:
    """Two real processes: the second is refused while the first holds the send log, in one
    line that names the first; run after it, it finds everyone sent."""
    server.hold = {2: threading.Event()}  # the first sender waits in the middle of its run
    command = [sys.executable, "-m", "notespress", "mail", "3", "-w", str(workspace),
               "-s", str(workspace / "subscribers.csv"), "--send"]
    env = {**os.environ, **env_for(server)}
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while server.data_count < 2:
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    finally:
        server.hold[2].set()
    out, err = first.communicate(timeout=120)
    assert server.count_by_recipient() == dict.fromkeys(SUBSCRIBERS, 1)
    assert first.returncode == 0, out + err
    assert second.returncode == 1
    (line,) = second.stderr.strip().splitlines()
    assert "send-log.jsonl: another notespress is sending this issue" in line
    assert f"process {first.pid} on " in line and "run again" in line
    # the lock is gone with the first process, and the log is read anew
    third = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert third.returncode == 0, third.stderr
    assert "sent 0, already sent before 6" in third.stdout
    assert server.count_by_recipient() == dict.fromkeys(SUBSCRIBERS, 1)


def test_a_locked_send_log_refuses_a_send_not_a_dry_run(workspace: Path,
                                                       server: FaultyServer) -> None:
    log_path = workspace / "build/issue-3/mail/send-log.jsonl"
    with SendLog(log_path):
        with pytest.raises(NotespressError) as caught:
            send(workspace, server)
        (problem,) = caught.value.problems
        assert problem.path == log_path and f"process {os.getpid()} on " in problem.message
        assert distribute(workspace, "3", workspace / "subscribers.csv").written == 6
    assert server.received == []
    assert sorted(send(workspace, server).report.sent) == SUBSCRIBERS


def test_messages_are_made_one_at_a_time_and_the_pdf_read_once(
        workspace: Path, server: FaultyServer, monkeypatch: pytest.MonkeyPatch) -> None:
    received_before: list[int] = []
    outgoing = Composer.outgoing

    def spy(self: Composer, subscriber):
        received_before.append(len(server.received))
        return outgoing(self, subscriber)

    reads: list[Path] = []
    read_bytes = pathlib.Path.read_bytes

    def count_reads(self: Path) -> bytes:
        if self.name.endswith("-screen.pdf"):
            reads.append(self)
        return read_bytes(self)

    monkeypatch.setattr(Composer, "outgoing", spy)
    monkeypatch.setattr(pathlib.Path, "read_bytes", count_reads)
    send(workspace, server)
    assert received_before == [0, 1, 2, 3, 4, 5]  # each made after the one before was sent
    assert len(reads) == 1
    pdf = read_bytes(reads[0])
    assert all(next(m.iter_attachments()).get_content() == pdf for m in server.received)


def test_a_dry_run_writes_each_message_as_it_is_made(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = workspace / "build/issue-3/mail"
    files_before: list[int] = []
    outgoing = Composer.outgoing

    def spy(self: Composer, subscriber):
        files_before.append(len(list(folder.glob("*.eml"))))
        return outgoing(self, subscriber)

    monkeypatch.setattr(Composer, "outgoing", spy)
    assert distribute(workspace, "3", workspace / "subscribers.csv").written == 6
    assert files_before == [0, 1, 2, 3, 4, 5]


# ------------------------------------------------------------------ nothing in clear


def test_a_server_without_starttls_stops_the_run_at_once(workspace: Path,
                                                        server: FaultyServer) -> None:
    sleeps: list[float] = []
    env = env_for(server, NOTESPRESS_SMTP_SECURITY="starttls")
    with pytest.raises(NotespressError) as caught:
        distribute(workspace, "3", workspace / "subscribers.csv", send=True, env=env,
                   sleep=sleeps.append)
    (problem,) = caught.value.problems
    assert "does not offer STARTTLS" in problem.message
    assert "nothing was sent in clear" in problem.message
    assert sleeps == [] and server.received == []  # not retried, nothing sent
    stopped = [e for e in log_entries(workspace) if e.get("event") == "stopped"]
    assert len(stopped) == 1 and "STARTTLS" in stopped[0]["detail"]
    # one line on the command line, exit 1
    cli = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                              str(workspace / "subscribers.csv"), "--send"], env=env)
    assert cli.exit_code == 1
    errors = [line for line in cli.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "does not offer STARTTLS" in errors[0]
    assert server.received == []
    # the subscriber that was being tried is not lost: sent when the setting is right
    assert sorted(send(workspace, server).report.sent) == SUBSCRIBERS


def test_a_refused_starttls_stops_the_run_at_once(workspace: Path,
                                                 tls_context: ssl.SSLContext) -> None:
    sleeps: list[float] = []
    with running(smtp_class=RefusingStarttls, tls_context=tls_context) as server:
        env = env_for(server, NOTESPRESS_SMTP_SECURITY="starttls")
        with pytest.raises(NotespressError) as caught:
            distribute(workspace, "3", workspace / "subscribers.csv", send=True, env=env,
                       sleep=sleeps.append)
        (problem,) = caught.value.problems
        assert "refused STARTTLS: 454" in problem.message
        assert "nothing was sent in clear" in problem.message
        assert sleeps == [] and server.received == []


def test_a_tls_failure_stops_the_run_at_once(workspace: Path, server: FaultyServer) -> None:
    """security: ssl against a server that does not speak TLS on that port."""
    sleeps: list[float] = []
    env = env_for(server, NOTESPRESS_SMTP_SECURITY="ssl")
    with pytest.raises(NotespressError) as caught:
        distribute(workspace, "3", workspace / "subscribers.csv", send=True, env=env,
                   sleep=sleeps.append)
    (problem,) = caught.value.problems
    assert "TLS with the SMTP server" in problem.message and "mail.security" in problem.message
    assert sleeps == [] and server.received == []


def test_a_login_without_tls_needs_insecure(workspace: Path) -> None:
    set_mail(workspace, user="bulletin")
    handler = FaultyServer()
    with running(handler, authenticator=handler.authenticate, auth_require_tls=False):
        env = env_for(handler, NOTESPRESS_SMTP_PASSWORD="s3cret")
        cli = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                  str(workspace / "subscribers.csv"), "--send"], env=env)
        assert cli.exit_code == 1
        (line,) = cli.output.strip().splitlines()
        assert "mail.security: 'none' would send the password of bulletin in clear" in line
        assert "--insecure" in line and "notespress.yaml:" in line
        assert handler.logins == [] and handler.received == []
        cli = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                  str(workspace / "subscribers.csv"), "--send", "--insecure"],
                            env=env)
        assert cli.exit_code == 0, cli.output
        assert handler.logins[0] == ("bulletin", "s3cret")
        assert handler.count_by_recipient() == dict.fromkeys(SUBSCRIBERS, 1)


# ------------------------------------------------------------------ hostile values


HOSTILE_NAMES = [
    "Ève <evil@x.org>, Friend",
    'Mallory" <evil@x.org>, "Friend',
    "evil@x.org",
    "<evil@x.org>",
    "a, b; c: d",
    'Back\\slash" <evil@x.org>',
    "سلام، <evil@x.org>, دوست",
    "Ana\x0bReyes",
    "Eve\r\nBcc: victim@example.org",
    "Tab\there\x00\x1f\x7f\x85end",
]


def test_hostile_names_never_add_an_address(workspace: Path, server: FaultyServer) -> None:
    emails = [f"target{n}@example.org" for n in range(len(HOSTILE_NAMES))]
    write_csv(workspace, [[address, name, ""] for address, name in
                          zip(emails, HOSTILE_NAMES, strict=True)])
    result = send(workspace, server)
    assert sorted(result.report.sent) == sorted(emails)
    assert server.count_by_recipient() == dict.fromkeys(emails, 1)
    by_to = {}
    for message in server.received:
        assert message["Cc"] is None and message["Bcc"] is None
        (to,) = message["To"].addresses  # exactly one address in the visible To:
        by_to[to.addr_spec] = to.display_name
    assert set(by_to) == set(emails)
    for address, name in zip(emails, HOSTILE_NAMES, strict=True):
        if not any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in name):
            assert by_to[address] == name  # the name, whole, as the name
        else:  # a control character became a space, or was dropped
            assert by_to[address].isprintable()
    # the names with control characters are reported with their lines (the one with a line
    # break takes two)
    assert [w.line for w in result.warnings] == [9, 10, 12]


def test_lang_is_a_language_code_never_a_path(workspace: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "broken.yaml").write_text("key: [never closed\n")
    (outside / "words.yaml").write_text("subscribe_text: from outside the workspace\n")
    strings = default_layouts() / "strings"
    broken = os.path.relpath(outside / "broken", strings)
    words = os.path.relpath(outside / "words", strings)
    write_csv(workspace, [["reader1@example.org", "Ana", broken],
                          ["reader2@example.org", "", words],
                          ["reader3@example.org", "", "FR_fr"]])
    result = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                 str(workspace / "subscribers.csv")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "not a language code" in line]
    assert len(warnings) == 2
    for line, value in zip((2, 3), (broken, words), strict=True):
        assert f"subscribers.csv:{line}: warning: '{value[:20]}" in warnings[line - 2]
    messages = eml_files(workspace)
    assert messages["reader1@example.org"]["Content-Language"] == "en"  # the issue's
    assert messages["reader2@example.org"]["Content-Language"] == "en"
    assert messages["reader3@example.org"]["Content-Language"] == "fr-fr"
    assert all("outside" not in m.get_body(("plain",)).get_content()
               for m in messages.values())


@pytest.mark.parametrize("broken", [("layouts/strings/fr.yaml", "title: [never closed\n", 2),
                                    ("layouts/mail.fr.txt", "Bonjour\n{% if %}\n", 2)])
def test_a_broken_language_file_stops_only_its_subscribers(
        workspace: Path, server: FaultyServer, broken: tuple[str, str, int]) -> None:
    name, text, line = broken
    target = workspace / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    command = ["mail", "3", "-w", str(workspace), "-s", str(workspace / "subscribers.csv"),
               "--send"]
    cli = runner.invoke(app, command, env=env_for(server))
    assert cli.exit_code == 1
    reported = [row for row in cli.output.splitlines() if name in row]
    assert len(reported) == 1, cli.output  # once, not once per subscriber
    assert f"{name}:{line}:" in reported[0] and "2 subscribers in 'fr'" in reported[0]
    french = {"reader2@example.org", "reader5@example.org"}
    assert server.count_by_recipient() == dict.fromkeys(set(SUBSCRIBERS) - french, 1)
    target.unlink()  # fixed: the next run sends to them alone
    cli = runner.invoke(app, command, env=env_for(server))
    assert cli.exit_code == 0, cli.output
    assert "sent 2, already sent before 4" in cli.output
    assert server.count_by_recipient() == dict.fromkeys(SUBSCRIBERS, 1)


def test_addresses_are_url_encoded_in_the_unsubscribe_url(workspace: Path,
                                                          server: FaultyServer) -> None:
    hostile = ["bob+news@example.org", "x&list=all@example.org", "a%20b@example.org",
               "q?u=other@example.org"]
    write_csv(workspace, [[a, "", ""] for a in hostile])
    send(workspace, server)
    assert len(server.received) == len(hostile)
    for message in server.received:
        address = message["To"].addresses[0].addr_spec
        links = [part.strip().strip("<>") for part in message["List-Unsubscribe"].split(",")]
        url = next(link for link in links if link.startswith("https://"))
        assert parse_qs(urlparse(url).query) == {"u": [address]}  # one parameter, whole
        assert url in message.get_body(("plain",)).get_content()
    by_to = {m["To"].addresses[0].addr_spec: m for m in server.received}
    assert "?u=bob%2Bnews%40example.org>" in by_to["bob+news@example.org"]["List-Unsubscribe"]


def test_terminal_escapes_from_the_csv_are_never_echoed(workspace: Path) -> None:
    write_csv(workspace, [["\x1b]0;owned\x07@example.org", "Eve", ""],
                          ["reader1@example.org", "\x1b[2JAna", "\x1b[31mred"],
                          ["reader2@example.org", "Bo\u202eb", "fr"]])
    result = runner.invoke(app, ["mail", "3", "-w", str(workspace), "-s",
                                 str(workspace / "subscribers.csv")])
    assert result.exit_code == 0, result.output
    assert not any(c in result.output for c in "\x1b\x07\u202e")
    assert "\\x1b]0;owned\\x07@example.org" in result.output  # shown, escaped
    assert "\\x1b[31mred" in result.output


def test_control_characters_in_a_name_or_the_title_never_stop_the_mailing(
        workspace: Path, server: FaultyServer) -> None:
    issue_yaml = workspace / "issues/issue-3/issue.yaml"
    good = issue_yaml.read_text()
    issue_yaml.write_text(good.replace(
        "title: A fixture issue", 'title: "A fixture\\vissue\\u0007"'))
    write_csv(workspace, [["reader1@example.org", "Ana\x0bReyes", ""],
                          ["reader2@example.org", "Bo\x1fb", "fr"]])
    with pytest.raises(NotespressError) as caught:  # the issue's own text: one line to fix
        send(workspace, server)
    assert "issue.yaml:3: title: must be one line" in str(caught.value)
    assert not server.received
    issue_yaml.write_text(good)
    result = send(workspace, server)
    assert sorted(result.report.sent) == ["reader1@example.org", "reader2@example.org"]
    assert [(w.line, "replaced by a space" in w.message) for w in result.warnings] == [
        (2, True), (3, True)]
    by_to = {m["To"].addresses[0].addr_spec: m for m in server.received}
    assert by_to["reader1@example.org"]["To"].addresses[0].display_name == "Ana Reyes"
    assert by_to["reader1@example.org"]["Subject"] == "Mini Bulletin No. 3: A fixture issue"


# ------------------------------------------------------------------ the smaller things


def test_every_test_send_to_self_is_sent(workspace: Path, server: FaultyServer) -> None:
    for _ in range(2):
        result = send(workspace, server, to_self="Editor <editor@example.org>")
        assert result.report.sent == ["editor@example.org"]
    assert server.count_by_recipient() == {"editor@example.org": 2}
    assert server.received[0]["To"].addresses[0].display_name == "Editor"
    assert not (workspace / "build/issue-3/mail/send-log.jsonl").exists()
    assert len(log_entries(workspace, "test-sends.jsonl")) >= 2


def test_dry_run_file_names_never_collide(workspace: Path) -> None:
    write_csv(workspace, [["a#b@example.org", "", ""], ["a$b@example.org", "", ""],
                          ["a_b@example.org", "", ""], ["A_B@example.org", "", ""]])
    result = distribute(workspace, "3", workspace / "subscribers.csv")
    assert result.written == 3  # A_B is a_b again
    assert sorted(eml_files(workspace)) == ["a#b@example.org", "a$b@example.org",
                                            "a_b@example.org"]


def test_content_language_is_kept(workspace: Path) -> None:
    distribute(workspace, "3", workspace / "subscribers.csv")
    messages = eml_files(workspace)
    assert {a: m["Content-Language"] for a, m in messages.items()} == {
        a: "fr" if a in ("reader2@example.org", "reader5@example.org") else "en"
        for a in SUBSCRIBERS}
    assert all(m.get_body(("html",)).get_content().count('lang="') >= 1
               for m in messages.values())


def test_a_rebuild_keeps_the_send_log(workspace: Path, server: FaultyServer) -> None:
    """The send log lives in build/<issue>/mail/: a build, even a forced one that writes
    every edition anew, must leave it, or everyone would get the issue again."""
    from notespress.build import build

    send(workspace, server, limit=2)
    build(workspace, "3", force=True)
    result = send(workspace, server)
    assert result.report.skipped_sent == 2
    assert server.count_by_recipient() == dict.fromkeys(SUBSCRIBERS, 1)


def test_a_send_log_that_cannot_be_written_stops_the_sending(
        workspace: Path, server: FaultyServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk: nothing more goes out once the log cannot record it."""
    import errno

    from notespress.mail import sendlog

    fsync = os.fsync
    calls = []

    def full_disk(fd: int) -> None:
        calls.append(fd)
        if len(calls) >= 9:  # the lock, started, 3 lines for each of two, the 3rd one's first
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        fsync(fd)

    monkeypatch.setattr(sendlog.os, "fsync", full_disk)
    with pytest.raises(NotespressError) as caught:
        send(workspace, server)
    (problem,) = caught.value.problems
    assert problem.message.startswith("cannot write the send log (No space left on device)")
    assert server.count_by_recipient() == dict.fromkeys(SUBSCRIBERS[:2], 1)
    monkeypatch.setattr(sendlog.os, "fsync", fsync)
    again = send(workspace, server)
    assert again.report.skipped_sent == 2
    counts = server.count_by_recipient()
    assert all(count == 1 for count in counts.values())
    assert set(counts) | set(again.report.unknown) == set(SUBSCRIBERS)

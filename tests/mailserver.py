"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives and misbehaves on
request, and the fixture workspace the mail tests send from."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import shutil
import signal
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

SUBSCRIBERS = [f"reader{n}@example.org" for n in range(1, 7)]


class FaultyServer:
    """An aiosmtpd handler that keeps what it receives and misbehaves on request."""

    def __init__(self) -> None:
        self.port = 0
        self.received: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.data_count = 0
        self.reject: set[str] = set()  # 550 at RCPT
        self.temporary: dict[int, str] = {}  # data count -> 4xx reply, given once
        self.drop_after_store: set[int] = set()  # close the connection, message kept
        self.kill_before_store: dict[int, int] = {}  # data count -> pid to SIGKILL
        self.hold: dict[int, threading.Event] = {}  # data count -> wait for the event
        self.logins: list[tuple[str, str]] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_count += 1
        count = self.data_count
        if count in self.hold:
            while not self.hold[count].is_set():
                await asyncio.sleep(0.01)
        if count in self.kill_before_store:
            os.kill(self.kill_before_store.pop(count), signal.SIGKILL)
            time.sleep(0.2)
            return "451 4.3.0 client gone"
        if count in self.temporary:
            return self.temporary.pop(count)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if count in self.drop_after_store:
            server.transport.abort()
            return "250 OK"  # never reaches the client
        return "250 OK"

    def count_by_recipient(self) -> Counter:
        return Counter(rcpt for _, rcpts in self.envelopes for rcpt in rcpts)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(login)
        return AuthResult(success=login == ("bulletin", "s3cret"))


class RefusingStarttls(SMTP):
    """Offers STARTTLS, and refuses it when asked."""

    async def smtp_STARTTLS(self, arg: str) -> None:
        await self.push("454 4.7.0 TLS not available due to temporary reason")


class _Controller(Controller):
    def __init__(self, handler: Any, smtp_class: type[SMTP] = SMTP, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.smtp_class = smtp_class

    def factory(self) -> SMTP:
        return self.smtp_class(self.handler, **self.SMTP_kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running(handler: FaultyServer | None = None, smtp_class: type[SMTP] = SMTP,
            **kwargs: Any) -> Iterator[FaultyServer]:
    """The server, listening on a free port of 127.0.0.1 until the block ends."""
    handler = handler or FaultyServer()
    handler.port = free_port()
    controller = _Controller(handler, smtp_class, hostname="127.0.0.1", port=handler.port,
                             **kwargs)
    controller.start()
    try:
        yield handler
    finally:
        for event in handler.hold.values():
            event.set()
        controller.stop()


MAIL_SETTINGS = (
    "mail:\n"
    "  from: Mini Bulletin <bulletin@mini.example.org>\n"
    "  host: 127.0.0.1\n"
    "  security: none\n"
    "  rate: 100000\n"
    "  retry_delay: 0.01\n"
    "  retries: 2\n"
    "  unsubscribe_url: https://mini.example.org/unsubscribe?u={email}\n")


_built: list[Path] = []  # the workspace below, built once for the session


def mail_workspace(target: Path, factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture publication with mail settings and six subscribers (and two bad
    lines), its screen edition already built (a copy is up to date: the build is skipped)."""
    if not _built:
        from notespress.build import build

        from .conftest import FIXTURES, copy_workspace

        root = copy_workspace(FIXTURES / "mini", factory.mktemp("mail") / "mini")
        config = root / "notespress.yaml"
        config.write_text(config.read_text() + MAIL_SETTINGS)
        rows = ["email,name,lang", "reader1@example.org,Ana Reyes,", "reader2@example.org,,fr",
                "not-an-address,Broken,", "reader3@example.org,Chris,en",
                "READER1@example.org,Ana again,", "reader4@example.org,,",
                "reader5@example.org,Dana,fr", "reader6@example.org,Eli,"]
        (root / "subscribers.csv").write_text("\n".join(rows) + "\n")
        build(root, "3")
        _built.append(root)
    return Path(shutil.copytree(_built[0], target, symlinks=True))


def env_for(server: FaultyServer, **more: str) -> dict[str, str]:
    return {"NOTESPRESS_SMTP_PORT": str(server.port), "PATH": os.environ.get("PATH", ""),
            **more}


def set_mail(workspace: Path, **values: str) -> None:
    """Change (or with "" remove) keys of the workspace's mail settings."""
    config = workspace / "notespress.yaml"
    lines = config.read_text().splitlines()
    for key, value in values.items():
        lines = [line for line in lines if not line.startswith(f"  {key}:")]
        if value:
            lines.insert(lines.index("mail:") + 1, f"  {key}: {value}")
    config.write_text("\n".join(lines) + "\n")


def log_entries(workspace: Path, name: str = "send-log.jsonl") -> list[dict]:
    import json

    path = workspace / "build/issue-3/mail" / name
    return [json.loads(line) for line in path.read_text().splitlines()]

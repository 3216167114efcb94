"""Sending over one SMTP connection, each message recorded in the send log before and after.

What concerns one recipient (a refusal, a temporary failure, a dropped connection) is
recorded for that recipient and the run goes on. What concerns every message stops the run
at once, before anything more is sent, with one line that says why: the server offers no
STARTTLS or refuses it, TLS fails, the certificate is refused, the login is refused, the
sender is refused. Nothing is ever sent in clear when starttls or ssl is set.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotespressError, Problem
from .compose import Outgoing
from .sendlog import UNKNOWN_STATES, SendLog
from .settings import MailSettings
from .subscribers import Subscriber

Progress = Callable[[Subscriber, str], None]


@dataclass
class Report:
    stopped: str = ""  # why the run stopped before the end, if it did (the server is away)
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    deferred: list[tuple[str, str]] = field(default_factory=list)
    skipped_sent: int = 0
    skipped_failed: list[str] = field(default_factory=list)
    not_made: list[str] = field(default_factory=list)  # no message could be made


class StopMailing(Exception):
    """A problem with every message, not with one recipient: the run stops at once."""


class _Unknown(Exception):
    """The message was handed over, and no answer came."""


class Connection:
    """One SMTP connection, opened on demand and reused for many messages."""

    def __init__(self, settings: MailSettings, password: str | None) -> None:
        self.settings = settings
        self.password = password
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.smtp is not None:
            return self.smtp
        s = self.settings
        where = f"{s.host}:{s.server_port}"
        context = ssl.create_default_context()  # verifies certificates and host names
        smtp: smtplib.SMTP | None = None
        step = "connect"
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.server_port, timeout=s.timeout,
                                        context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.server_port, timeout=s.timeout)
                if s.security != "none":  # starttls, and anything unforeseen
                    step = "starttls"
                    smtp.starttls(context=context)
            if s.user:
                step = "login"
                smtp.login(s.user, self.password or "")
        except BaseException as exc:
            if smtp is not None:
                with contextlib.suppress(OSError):
                    smtp.close()
            stop = _why_stop(exc, step, where, s)
            if stop is not None:
                raise StopMailing(stop) from None
            raise
        self.smtp = smtp
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()
            self.smtp = None

    def drop(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError):
                self.smtp.close()
            self.smtp = None


def _why_stop(exc: BaseException, step: str, where: str, s: MailSettings) -> str | None:
    """The one line that stops the run, for an error in opening the connection; None for a
    temporary one (the server is away or busy), which is retried."""
    clear = "nothing was sent in clear"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"the SMTP server's certificate was refused ({where}): {exc.verify_message}; "
                f"{clear}. Check mail.host (the name on its certificate)")
    if isinstance(exc, ssl.SSLError):
        return (f"TLS with the SMTP server {where} failed ({exc.reason or exc}); {clear}. "
                f"Check mail.port and mail.security ({s.security}): ssl is usually port "
                "465, starttls port 587")
    if isinstance(exc, smtplib.SMTPNotSupportedError) and step == "starttls":
        return (f"the SMTP server {where} does not offer STARTTLS; {clear}. Check mail.port "
                "and mail.security with your provider (ssl on port 465?)")
    if isinstance(exc, smtplib.SMTPNotSupportedError) and step == "login":
        return (f"the SMTP server {where} does not offer a login (AUTH); the password was not "
                "sent. Remove mail.user, or check mail.port and mail.security")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (f"the SMTP server {where} refused the login for {s.user}: {exc.smtp_code} "
                f"{_text(exc.smtp_error)}; check mail.user and the password")
    if isinstance(exc, smtplib.SMTPResponseException) and step == "starttls":
        return (f"the SMTP server {where} refused STARTTLS: {exc.smtp_code} "
                f"{_text(exc.smtp_error)}; {clear}")
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500:
        return (f"the SMTP server {where} refused the connection: {exc.smtp_code} "
                f"{_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPException) and step == "login" and not isinstance(
            exc, smtplib.SMTPServerDisconnected | smtplib.SMTPResponseException):
        return f"no login with the SMTP server {where}: {exc}"
    return None


def _deliver(connection: Connection, log: SendLog, sender: str, message: Outgoing) -> None:
    subscriber = message.subscriber
    smtp = connection.open()
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code >= 500:  # the sender itself is refused: no recipient is to blame
        raise StopMailing(f"the SMTP server refuses the sender {sender}: {code} "
                          f"{_text(reply)}; check mail.from")
    if code >= 400:
        raise smtplib.SMTPResponseException(code, reply)
    code, reply = smtp.rcpt(subscriber.email)
    if code >= 400:
        smtp.rset()
        raise smtplib.SMTPResponseException(code, reply)
    log.record(subscriber.email, "data")  # from here on, it may arrive
    try:
        code, reply = smtp.data(message.data)
    except smtplib.SMTPResponseException:
        raise
    except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
        connection.drop()
        raise _Unknown(str(exc) or type(exc).__name__) from None
    if code >= 400:
        raise smtplib.SMTPResponseException(code, reply)


def send_all(subscribers: Iterable[Subscriber],
             compose: Callable[[Subscriber], Outgoing | None], settings: MailSettings,
             log: SendLog, password: str | None, *, retry_unknown: bool = False,
             retry_failed: bool = False, limit: int | None = None,
             progress: Progress | None = None,
             sleep: Callable[[float], None] = time.sleep) -> Report:
    """Send to each subscriber not yet sent to, one message at a time: each is made by
    `compose` just before it is sent (None: it could not be made, and was reported)."""
    report = Report()
    connection = Connection(settings, password)
    interval = 60.0 / settings.rate
    last = -interval
    sent_now = 0
    log.note("started")
    try:
        for subscriber in subscribers:
            state = log.state(subscriber.email)
            if state == "sent":
                report.skipped_sent += 1
                _tell(progress, subscriber, "already sent")
                continue
            if state == "failed" and not retry_failed:
                report.skipped_failed.append(subscriber.email)
                _tell(progress, subscriber, "failed before")
                continue
            if state in UNKNOWN_STATES and not retry_unknown:
                report.unknown.append(subscriber.email)
                _tell(progress, subscriber, "unknown")
                continue
            if limit is not None and sent_now >= limit:
                break
            message = compose(subscriber)
            if message is None:
                report.not_made.append(subscriber.email)
                _tell(progress, subscriber, "not sent")
                continue
            wait = last + interval - time.monotonic()
            if wait > 0:
                sleep(wait)
            last = time.monotonic()
            outcome = _send_one(connection, log, settings, message, report, sleep)
            del message
            sent_now += 1
            _tell(progress, subscriber, outcome)
            if outcome == "deferred" and connection.smtp is None and not _reachable(settings):
                report.stopped = (f"the SMTP server {settings.host}:{settings.server_port} "
                                  "cannot be reached; the others were not sent yet: run "
                                  "again later")
                log.note("stopped", report.stopped)
                break
        if not report.stopped:
            log.note("finished")
    except KeyboardInterrupt:
        log.note("stopped", "interrupted (Ctrl-C)")
        raise
    except StopMailing as exc:
        reason = str(exc)
        log.note("stopped", reason)
        done = (f"; {len(report.sent)} sent before it stopped are in the send log"
                if report.sent else "")
        raise NotespressError(Problem(None, f"{reason}{done}")) from None
    finally:
        connection.close()
    return report


def _reachable(settings: MailSettings) -> bool:
    try:
        with socket.create_connection((settings.host, settings.server_port),
                                      timeout=settings.timeout):
            return True
    except OSError:
        return False


def _tell(progress: Progress | None, who: Subscriber, what: str) -> None:
    if progress is not None:
        progress(who, what)


def _send_one(connection: Connection, log: SendLog, settings: MailSettings,
              message: Outgoing, report: Report, sleep: Callable[[float], None]) -> str:
    subscriber = message.subscriber
    log.record(subscriber.email, "sending")
    delay = settings.retry_delay
    reason = ""
    for attempt in range(settings.retries + 1):
        if attempt:
            sleep(delay)
            delay *= 2
        try:
            _deliver(connection, log, settings.from_address, message)
        except _Unknown as exc:
            log.record(subscriber.email, "unknown", f"connection lost after the message was "
                                                    f"sent, before the answer: {exc}")
            report.unknown.append(subscriber.email)
            return "unknown"
        except smtplib.SMTPResponseException as exc:
            reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            if 500 <= exc.smtp_code < 600:
                log.record(subscriber.email, "failed", reason)
                report.failed.append((subscriber.email, reason))
                return "failed"
            if exc.smtp_code == 421:
                connection.drop()
            continue  # 4xx: try again after a pause
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            reason = f"connection lost: {exc or type(exc).__name__}"
            connection.drop()
            continue
        log.record(subscriber.email, "sent", message.message_id)
        report.sent.append(subscriber.email)
        return "sent"
    log.record(subscriber.email, "deferred", reason)
    report.deferred.append((subscriber.email, reason))
    return "deferred"


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

"""`notespress mail`: the screen edition to every subscriber, exactly once.

Stages, each a function over plain data:
- `load_settings`: the `mail:` section of notespress.yaml, with NOTESPRESS_SMTP_* overrides;
- `read_subscribers`: the CSV (email, name, lang), with line numbers for every problem;
- `compose`: one EmailMessage per subscriber, from the Jinja layouts mail.txt / mail.html;
- `send_all`: over one SMTP connection, with a durable send log, retries and throttling.

The send log (build/<issue>/mail/send-log.jsonl) is written and fsynced before and after each
message. A recipient whose last entry is "data" (the message was handed to the server but no
answer came: a dropped connection, a crash) may or may not have received it: it is reported as
unknown and sent again only with --retry-unknown.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from typing import Any

import jinja2

from .assemble import load_strings, long_date, make_environment
from .config import Publication
from .content import Issue
from .errors import NotespressError, Problem, Problems

SECURITY = ("starttls", "ssl", "none")
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
DEFAULT_SUBJECT = ("{{ pub.name }} No. {{ issue.number }}"
                   "{% if issue.title %}: {{ issue.title }}{% endif %}")


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    sender: str = ""  # the From address, "Name <address>" or an address
    reply_to: str = ""
    subject: str = DEFAULT_SUBJECT
    list_id: str = ""
    unsubscribe_email: str = ""
    unsubscribe_url: str = ""  # https only; may contain {email}
    link: str = ""  # where the PDF is published; may contain {file}
    attach_limit: int = 7 * 1024 * 1024
    rate: float = 60.0  # messages per minute
    retries: int = 3
    retry_delay: float = 5.0  # seconds before the first retry; doubles each time
    timeout: float = 30.0

    @property
    def from_address(self) -> str:
        return parseaddr(self.sender)[1]

    @property
    def domain(self) -> str:
        return self.from_address.rsplit("@", 1)[-1] or "localhost"


ENV = {"host": "NOTESPRESS_SMTP_HOST", "port": "NOTESPRESS_SMTP_PORT",
       "user": "NOTESPRESS_SMTP_USER", "security": "NOTESPRESS_SMTP_SECURITY"}


def load_settings(pub: Publication, env: dict[str, str] | None = None) -> MailSettings:
    """The `mail:` section, validated, then the environment's overrides."""
    env = dict(os.environ if env is None else env)
    path = pub.root / "notespress.yaml"
    raw = pub.mail or pub.extra.get("mail") or {}
    problems = Problems()
    if not isinstance(raw, dict):
        raise NotespressError(Problem(path, "must be a mapping of mail settings", key="mail"))
    values: dict[str, Any] = {}
    names = {"from": "sender", "reply_to": "reply_to", "host": "host", "user": "user",
             "subject": "subject", "list_id": "list_id", "link": "link",
             "unsubscribe_email": "unsubscribe_email", "unsubscribe_url": "unsubscribe_url",
             "security": "security"}
    for key, value in raw.items():
        where = f"mail.{key}"
        if key == "password":
            problems.add(path, "passwords are never read from files: set "
                               "NOTESPRESS_SMTP_PASSWORD, or type it when asked", key=where)
        elif key in names:
            if not isinstance(value, str):
                problems.add(path, "must be text", key=where)
            else:
                values[names[key]] = value.strip()
        elif key in ("port", "retries"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.add(path, "must be a whole number", key=where)
            else:
                values[key] = value
        elif key in ("rate", "retry_delay", "timeout"):
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                problems.add(path, "must be a positive number", key=where)
            else:
                values[key] = float(value)
        elif key == "attach_limit":
            size = _parse_size(value)
            if size is None:
                problems.add(path, f"'{value}' is not a size such as 7MB", key=where)
            else:
                values[key] = size
        else:
            problems.add(path, "unknown mail setting", key=where)
    for key, variable in ENV.items():
        if env.get(variable):
            values[key] = env[variable]
    if env.get("NOTESPRESS_MAIL_RATE"):  # --rate
        try:
            values["rate"] = float(env["NOTESPRESS_MAIL_RATE"])
        except ValueError:
            problems.add(None, f"--rate: '{env['NOTESPRESS_MAIL_RATE']}' is not a number")
    if "port" in values and not isinstance(values["port"], int):
        try:
            values["port"] = int(values["port"])
        except ValueError:
            problems.add(None, f"{ENV['port']}: '{values['port']}' is not a port number")
    settings = MailSettings(**values)
    if settings.security not in SECURITY:
        problems.add(path, f"'{settings.security}' is not one of {', '.join(SECURITY)}",
                     key="mail.security")
    if "port" not in values:
        settings = replace(settings, port={"ssl": 465, "none": 25}.get(settings.security, 587))
    if settings.unsubscribe_url and not settings.unsubscribe_url.startswith("https://"):
        problems.add(path, "must be an https:// address", key="mail.unsubscribe_url")
    for key in ("sender", "reply_to", "subject", "list_id", "unsubscribe_email"):
        if any(c in getattr(settings, key) for c in "\r\n"):
            problems.add(path, "must be one line", key=f"mail.{key}")
    problems.raise_if_any()
    return settings


def _parse_size(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)B?\s*$", str(value))
    if not match:
        return None
    factor = {"": 1, "k": 1024, "m": 1024 * 1024}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


# ------------------------------------------------------------------ subscribers


@dataclass(frozen=True)
class Subscriber:
    email: str
    name: str = ""
    lang: str = ""
    line: int = 0


@dataclass
class SubscriberList:
    subscribers: list[Subscriber] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # invalid lines, reported


def valid_email(address: str) -> bool:
    return bool(EMAIL_RE.match(address)) and len(address) <= 254


def read_subscribers(path: Path) -> SubscriberList:
    """The subscribers CSV: a header row with `email` (required), `name`, `lang`."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise NotespressError(Problem(path, "file not found")) from None
    except UnicodeDecodeError:
        raise NotespressError(Problem(path, "not UTF-8 text; save the CSV as UTF-8")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # spreadsheets in some locales
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "email" not in fields:
        raise NotespressError(Problem(path, "the first row must name the columns, with at "
                                            "least 'email' (and optionally 'name', 'lang')", 1))
    result = SubscriberList()
    seen: set[str] = set()
    problems = Problems()
    following = reader.line_num + 1
    for row in reader:
        line, following = following, reader.line_num + 1  # a record can span lines
        data = {(k or "").strip().lower(): (v or "") for k, v in row.items() if k}
        email = data.get("email", "").strip()
        name = data.get("name", "").strip()
        lang = data.get("lang", "").strip().lower()
        if not any(v.strip() for v in data.values()):
            continue
        if any(c in email + name + lang for c in "\r\n"):
            problems.add(path, "a line break inside a field is not allowed in an address "
                               "or a name (it could inject mail headers)", line)
            continue
        if not valid_email(email):
            result.skipped.append(Problem(path, f"'{email}' is not a valid email address; "
                                                "skipped", line, severity="warning"))
            continue
        key = email.lower()
        if key in seen:
            result.skipped.append(Problem(path, f"{email} is listed again; sent once",
                                          line, severity="warning"))
            continue
        seen.add(key)
        result.subscribers.append(Subscriber(email=email, name=name, lang=lang, line=line))
    problems.raise_if_any()
    return result


# ------------------------------------------------------------------ messages


@dataclass(frozen=True)
class Edition:
    """The PDF that goes out: attached, or linked when too large or when asked to."""

    path: Path
    size: int
    attach: bool
    url: str = ""


def message_id(pub: Publication, issue: Issue, email: str, domain: str) -> str:
    """The same for a recipient on every run: a server or client can spot a repeat."""
    key = f"{pub.slug}|{issue.number}|{email.lower()}".encode()
    return f"<{hashlib.sha256(key).hexdigest()[:32]}.{pub.slug}-{issue.number}@{domain}>"


def choose_edition(settings: MailSettings, pdf: Path) -> Edition:
    size = pdf.stat().st_size
    url = settings.link.replace("{file}", pdf.name) if settings.link else ""
    if settings.link:
        return Edition(pdf, size, attach=False, url=url)
    if size > settings.attach_limit:
        raise NotespressError(Problem(
            None, f"the screen edition is {size / 1e6:.1f} MB, over the attachment limit of "
                  f"{settings.attach_limit / 1e6:.1f} MB: publish it and set mail.link to "
                  "its address, or raise mail.attach_limit"))
    return Edition(pdf, size, attach=True)


def _template(env: jinja2.Environment, name: str, lang: str) -> jinja2.Template:
    base, ext = name.rsplit(".", 1)
    for candidate in (f"{base}.{lang}.{ext}", f"{base}.{lang.split('-')[0]}.{ext}", name):
        try:
            return env.get_template(candidate)
        except jinja2.TemplateNotFound:
            continue
    raise NotespressError(Problem(None, f"layout template '{name}' not found"))


class MailLayouts:
    """The Jinja environments (HTML, and plain text without escaping), made once for a whole
    mailing; the layouts' words are cached by load_strings itself."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.html = make_environment(root)
        self.text = self.html.overlay(autoescape=False)

    def strings(self, lang: str) -> dict[str, str]:
        return load_strings(self.root, lang)


def compose(pub: Publication, issue: Issue, settings: MailSettings, edition: Edition,
            subscriber: Subscriber, layouts: MailLayouts | None = None) -> EmailMessage:
    """One subscriber's message, in their language where the layouts have it."""
    lang = subscriber.lang or issue.lang
    layouts = layouts or MailLayouts(pub.root)
    env, text_env = layouts.html, layouts.text
    strings = layouts.strings(lang)
    unsubscribe_email = settings.unsubscribe_email or settings.from_address
    unsubscribe_url = settings.unsubscribe_url.replace("{email}", subscriber.email)
    context = {
        "pub": pub, "issue": issue, "lang": lang, "strings": strings,
        "articles": issue.articles, "subscriber": subscriber, "edition": edition,
        "date": long_date(issue.date, lang), "unsubscribe_email": unsubscribe_email,
        "unsubscribe_url": unsubscribe_url,
    }
    try:
        subject = text_env.from_string(settings.subject).render(context).strip()
        text = _template(text_env, "mail.txt", lang).render(context)
        html = _template(env, "mail.html", lang).render(context)
    except jinja2.TemplateError as exc:
        raise NotespressError(Problem(getattr(exc, "filename", None) and Path(exc.filename),
                                      f"template error: {exc}",
                                      getattr(exc, "lineno", None))) from None
    for label, value in (("subject", subject), ("name", subscriber.name),
                         ("address", subscriber.email)):
        if "\r" in value or "\n" in value:
            raise NotespressError(Problem(None, f"the {label} '{value.strip()[:40]}' contains a "
                                                "line break: refused (header injection)"))
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = formataddr((subscriber.name, subscriber.email)) if subscriber.name \
        else subscriber.email
    if settings.reply_to:
        message["Reply-To"] = settings.reply_to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id(pub, issue, subscriber.email, settings.domain)
    message["List-Id"] = f"{pub.name} <{settings.list_id or f'{pub.slug}.{settings.domain}'}>"
    unsubscribe = [f"<mailto:{unsubscribe_email}?subject=unsubscribe>"]
    if unsubscribe_url:
        unsubscribe.append(f"<{unsubscribe_url}>")
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["List-Unsubscribe"] = ", ".join(unsubscribe)
    message["Content-Language"] = lang
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if edition.attach:
        message.add_attachment(edition.path.read_bytes(), maintype="application",
                               subtype="pdf", filename=edition.path.name)
    return message


def eml_name(email: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._+-]", "_", email.lower()) + ".eml"


def write_eml(folder: Path, messages: Iterable[tuple[Subscriber, EmailMessage]]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for subscriber, message in messages:
        target = folder / eml_name(subscriber.email)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(bytes(message))
        tmp.replace(target)
        count += 1
    return count


# ------------------------------------------------------------------ the send log


class SendLog:
    """Append-only JSON lines, flushed and fsynced after every entry."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.states: dict[str, dict[str, Any]] = {}
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash
                self.states[entry["email"].lower()] = entry
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(path, "a", encoding="utf-8")  # noqa: SIM115

    def state(self, email: str) -> str | None:
        entry = self.states.get(email.lower())
        return entry["state"] if entry else None

    def record(self, email: str, state: str, detail: str = "") -> None:
        entry = {"email": email, "state": state, "detail": detail,
                 "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.states[email.lower()] = entry

    def close(self) -> None:
        self._handle.close()


# ------------------------------------------------------------------ sending


@dataclass
class Report:
    stopped: str = ""  # why the run stopped before the end, if it did
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    deferred: list[tuple[str, str]] = field(default_factory=list)
    skipped_sent: int = 0
    skipped_failed: list[str] = field(default_factory=list)


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
        context = ssl.create_default_context()  # verifies certificates and host names
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                      context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=context)
            if s.user:
                smtp.login(s.user, self.password or "")
        except ssl.SSLCertVerificationError as exc:
            raise NotespressError(Problem(None, f"the SMTP server's certificate was refused: "
                                                f"{exc.verify_message}")) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise NotespressError(Problem(None, f"the SMTP server refused the login for "
                                                f"{s.user}: {exc.smtp_code}")) from None
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


class _Unknown(Exception):
    """The message was handed over, and no answer came."""


def _deliver(connection: Connection, log: SendLog, sender: str, subscriber: Subscriber,
             message: EmailMessage) -> None:
    smtp = connection.open()
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code >= 500:  # the sender itself is refused: no recipient is to blame, stop here
        raise NotespressError(Problem(None, f"the SMTP server refuses the sender {sender}: "
                                            f"{code} {_text(reply)}; check mail.from"))
    if code >= 400:
        raise smtplib.SMTPResponseException(code, reply)
    code, reply = smtp.rcpt(subscriber.email)
    if code >= 400:
        smtp.rset()
        raise smtplib.SMTPResponseException(code, reply)
    log.record(subscriber.email, "data")  # from here on, it may arrive
    try:
        code, reply = smtp.data(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
    except smtplib.SMTPResponseException:
        raise
    except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
        connection.drop()
        raise _Unknown(str(exc) or type(exc).__name__) from None
    if code >= 400:
        raise smtplib.SMTPResponseException(code, reply)


def send_all(messages: list[tuple[Subscriber, EmailMessage]], settings: MailSettings,
             log: SendLog, password: str | None, *, retry_unknown: bool = False,
             retry_failed: bool = False, limit: int | None = None,
             progress: Callable[[Subscriber, str], None] | None = None,
             sleep: Callable[[float], None] = time.sleep) -> Report:
    report = Report()
    connection = Connection(settings, password)
    interval = 60.0 / settings.rate if settings.rate else 0.0
    last = 0.0
    sent_now = 0
    try:
        for subscriber, message in messages:
            state = log.state(subscriber.email)
            if state == "sent":
                report.skipped_sent += 1
                _tell(progress, subscriber, "already sent")
                continue
            if state == "failed" and not retry_failed:
                report.skipped_failed.append(subscriber.email)
                _tell(progress, subscriber, "failed before")
                continue
            if state in ("data", "unknown") and not retry_unknown:
                report.unknown.append(subscriber.email)
                _tell(progress, subscriber, "unknown")
                continue
            if limit is not None and sent_now >= limit:
                break
            wait = last + interval - time.monotonic()
            if wait > 0:
                sleep(wait)
            last = time.monotonic()
            outcome = _send_one(connection, log, settings, subscriber, message, report, sleep)
            sent_now += 1
            _tell(progress, subscriber, outcome)
            if outcome == "deferred" and connection.smtp is None and not _reachable(settings):
                report.stopped = (f"the SMTP server {settings.host}:{settings.port} cannot be "
                                  "reached; the others were not sent yet: run again later")
                break
    finally:
        connection.close()
    return report


def _reachable(settings: MailSettings) -> bool:
    try:
        with socket.create_connection((settings.host, settings.port), timeout=settings.timeout):
            return True
    except OSError:
        return False


def _tell(progress: Callable[[Subscriber, str], None] | None, who: Subscriber,
          what: str) -> None:
    if progress is not None:
        progress(who, what)


def _send_one(connection: Connection, log: SendLog, settings: MailSettings,
              subscriber: Subscriber, message: EmailMessage, report: Report,
              sleep: Callable[[float], None]) -> str:
    log.record(subscriber.email, "sending")
    delay = settings.retry_delay
    reason = ""
    for attempt in range(settings.retries + 1):
        if attempt:
            sleep(delay)
            delay *= 2
        try:
            _deliver(connection, log, settings.from_address, subscriber, message)
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
        log.record(subscriber.email, "sent", message["Message-ID"])
        report.sent.append(subscriber.email)
        return "sent"
    log.record(subscriber.email, "deferred", reason)
    report.deferred.append((subscriber.email, reason))
    return "deferred"


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def check_address(value: str, what: str) -> None:
    if any(c in value for c in "\r\n") or not valid_email(parseaddr(value)[1]):
        raise NotespressError(Problem(None, f"{what} '{value.strip()[:60]}' is not a valid "
                                            "email address"))
    Address(addr_spec=parseaddr(value)[1])


# ------------------------------------------------------------------ the command


@dataclass
class MailResult:
    issue: Issue
    folder: Path
    written: int = 0
    report: Report | None = None
    recipients: int = 0
    skipped: list[Problem] = field(default_factory=list)
    edition: Edition | None = None


def get_password(settings: MailSettings, env: dict[str, str],
                 prompt: Callable[[str], str] | None) -> str | None:
    """From NOTESPRESS_SMTP_PASSWORD, else asked for; never from a file, never printed."""
    if not settings.user:
        return None
    password = env.get("NOTESPRESS_SMTP_PASSWORD")
    if password:
        return password
    if prompt is None:
        raise NotespressError(Problem(None, f"the SMTP login {settings.user} needs a password: "
                                            "set NOTESPRESS_SMTP_PASSWORD"))
    return prompt(f"SMTP password for {settings.user}@{settings.host}: ")


def distribute(root: Path, issue_ref: str, subscribers_path: Path, *, send: bool = False,
               limit: int | None = None, to_self: str | None = None,
               retry_unknown: bool = False, retry_failed: bool = False,
               progress: Callable[[Subscriber, str], None] | None = None,
               prompt: Callable[[str], str] | None = None,
               env: dict[str, str] | None = None,
               sleep: Callable[[float], None] = time.sleep) -> MailResult:
    from .build import build, load

    env = dict(os.environ if env is None else env)
    root = root.resolve()
    pub, issue = load(root, issue_ref)
    settings = load_settings(pub, env)
    problems = Problems()
    if not settings.sender:
        problems.add(root / "notespress.yaml", "required to send mail (the From address, e.g. "
                     "'Red Notes <notes@example.org>')", key="mail.from")
    elif not valid_email(settings.from_address):
        problems.add(root / "notespress.yaml", f"'{settings.sender}' is not a valid address",
                     key="mail.from")
    if send and not settings.host:
        problems.add(root / "notespress.yaml", "required to send mail (or set "
                     "NOTESPRESS_SMTP_HOST)", key="mail.host")
    subscribers = read_subscribers(subscribers_path) if to_self is None else SubscriberList()
    problems.raise_if_any()
    if to_self is not None:
        check_address(to_self, "--to-self")
        subscribers = SubscriberList([Subscriber(email=parseaddr(to_self)[1])])

    # the default editions when they include the screen edition, so that a mailing after a
    # build finds it up to date
    editions = None if "screen" in issue.production.editions else ["screen"]
    result = build(root, issue_ref, editions=editions)
    pdf = result.output("screen").path
    edition = choose_edition(settings, pdf)
    folder = root / "build" / issue.name / "mail"
    layouts = MailLayouts(pub.root)
    messages = [(s, compose(pub, issue, settings, edition, s, layouts))
                for s in subscribers.subscribers]
    outcome = MailResult(issue=issue, folder=folder, recipients=len(messages),
                         skipped=subscribers.skipped, edition=edition)
    if not send:
        outcome.written = write_eml(folder, messages[:limit] if limit else messages)
        return outcome
    password = get_password(settings, env, prompt)
    if to_self is not None:  # a test send: not recorded in the send log
        log = SendLog(folder / "test-sends.jsonl")
    else:
        log = SendLog(folder / "send-log.jsonl")
    try:
        outcome.report = send_all(messages, settings, log, password,
                                  retry_unknown=retry_unknown, retry_failed=retry_failed,
                                  limit=limit, progress=progress, sleep=sleep)
    finally:
        log.close()
    return outcome


def check_mail_settings(raw: dict[str, Any], doc: Any) -> list[Problem]:
    """The problems of a `mail:` section (for build and check), without raising."""
    from .config import Contact, Publication

    pub = Publication(root=doc.path.parent, name="", publisher="", tagline="", lang="en",
                      page_size="letter", platform={}, contact=Contact(), price="", mail=raw)
    try:
        load_settings(pub, env={})
    except NotespressError as exc:
        return [Problem(p.path, p.message, doc.line(p.key or "mail"), p.key, p.severity)
                for p in exc.problems]
    return []

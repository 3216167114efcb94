"""The `mail:` section of notespress.yaml: checked key by key into `MailSettings`.

`check_mail_settings` returns the problems (errors and warnings, each naming notespress.yaml,
the key `mail.<key>` and its line) without raising, so that `build` and `check` can report
them too; `load_settings` is what `notespress mail` uses: the section, then the
NOTESPRESS_SMTP_* variables and --rate, raising on any error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import schema as s
from ..errors import NotespressError, Problem, Problems
from ..sources import YamlDoc
from .headers import header_problem, parse_mailbox, url_problem, valid_email

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_SUBJECT = ("{{ pub.name }} {{ strings.issue_no }} {{ issue.number | digits(lang) }}"
                   "{% if issue.title %}: {{ issue.title }}{% endif %}")
LIST_ID_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)+$")
HOST_RE = re.compile(r"^[A-Za-z0-9._:-]+$")


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = 0  # 0: the usual port of `security`
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
        found = parse_mailbox(self.sender)
        return found.addr_spec if found else ""

    @property
    def domain(self) -> str:
        return self.from_address.rsplit("@", 1)[-1] or "localhost"

    @property
    def server_port(self) -> int:
        return self.port or DEFAULT_PORTS.get(self.security, 587)


# ------------------------------------------------------------------ the fields


def _header(check: Callable[[str], str | None] | None = None, allowed: str = "") -> s.Parse:
    """Text that goes into a mail header: one line, no control character, and `check`."""
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise s.Invalid("must be text")
        value = value.strip()
        problem = header_problem(value)
        if problem is None and check is not None and value:
            problem = check(value)
        if problem:
            raise s.Invalid(problem)
        return value
    return s.Rule(parse, "text", allowed or "one line")


@s.described("size", "bytes (7340032), or with KB or MB (500KB, 7MB; K and M are 1024)")
def _size(value: Any) -> int:
    size = parse_size(value)
    if size is None:
        raise s.Invalid(f"'{s.shown(value)}' is not a size such as 7MB, 500KB or 7340032 "
                        "(bytes)")
    return size


def _sender(value: str) -> str | None:
    if parse_mailbox(value) is None:
        return f"'{value}' is not one address such as 'Red Notes <notes@example.org>'"
    return None


def _address(value: str) -> str | None:
    return None if valid_email(value) else f"'{value}' is not an address such as " \
                                               "notes@example.org"


def _subject(value: str) -> str | None:
    import jinja2

    try:
        jinja2.Environment().parse(value)
    except jinja2.TemplateSyntaxError as exc:
        return f"not a valid template: {exc.message}"
    return None


def _host(value: str) -> str | None:
    return None if HOST_RE.match(value) else f"'{value}' is not a host name"


def _list_id(value: str) -> str | None:
    return None if LIST_ID_RE.match(value) else (
        f"'{value}' is not a list identifier such as red-notes.example.org")


FIELDS = (
    s.Field("from", _header(_sender, "Name <address>, or an address"), name="sender",
            help="who the messages are from (required to send)"),
    s.Field("reply_to", _header(_sender, "Name <address>, or an address"),
            help="where replies go, when not to the From address"),
    s.Field("host", _header(_host, "a host name, e.g. smtp.example.org"),
            help="the SMTP server that sends the messages"),
    s.Field("port", s.integer(1, 65535),
            help="the server's port (default: 587 for starttls, 465 for ssl, 25 for none)"),
    s.Field("security", s.choice(*SECURITY), help="how the connection to the server is "
            "encrypted"),
    s.Field("user", _header(), help="the login at the server"),
    s.Field("subject", _header(_subject, "a template, like the layouts"),
            help="the subject of every message"),
    s.Field("list_id", _header(_list_id, "a name with dots, e.g. red-notes.example.org"),
            help="the List-Id (default: the slug and the domain of the From address)"),
    s.Field("unsubscribe_email", _header(_address, "an email address"),
            help="where readers write to unsubscribe (default: the From address)"),
    s.Field("unsubscribe_url", _header(lambda v: url_problem(v, ("email",), ("https",)),
                                       "https://..., may contain {email}"),
            help="a page where readers unsubscribe with one click"),
    s.Field("link", _header(lambda v: url_problem(v, ("file",), ("https", "http")),
                            "https://... or http://..., may contain {file}"),
            help="where the PDF is published: the message links to it instead of attaching it"),
    s.Field("attach_limit", _size, help="the largest PDF to attach"),
    s.Field("rate", s.number(0.001, 100_000), help="messages per minute"),
    s.Field("retries", s.integer(0, 20), help="how many times to try again after a temporary "
            "failure"),
    s.Field("retry_delay", s.number(0.001, 3600), help="seconds before the first retry, "
            "doubled at each retry"),
    s.Field("timeout", s.number(0.001, 3600), help="seconds to wait for the server"),
)
SCHEMA = s.Schema(FIELDS, what="mail setting")
KEYS = SCHEMA.known_keys()
FIELD_OF = {field.key: field for field in FIELDS}


def parse_size(value: Any) -> int | None:
    """A size in bytes from 7340032, '7MB', '7 MiB', '500k' or '1.5M' (K and M are 1024 and
    1024 * 1024); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:([kmg])i?)?b?\s*", str(value), re.IGNORECASE)
    if not match:
        return None
    factor = {None: 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[
        match.group(2) and match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def parse_mail_settings(raw: Any, path: Path, lines: Mapping[str, int] | int | None = None
                        ) -> tuple[MailSettings, list[Problem]]:
    """The `mail:` mapping as MailSettings (defaults where a value is wrong), and every
    problem with it. `lines` maps a mail key to its line (see `mail_lines`), or is the line
    of `mail:` itself."""
    def line(key: str) -> int | None:
        if isinstance(lines, Mapping):
            return lines.get(key, lines.get(""))
        return lines

    problems = Problems()
    if raw is None:
        return MailSettings(), problems.items
    if not isinstance(raw, dict):
        return MailSettings(), [Problem(path, "must be a mapping of mail settings (from, host, "
                                              "...)", line(""), "mail")]
    if "password" in raw:
        problems.add(path, "passwords are never read from files: set NOTESPRESS_SMTP_PASSWORD, "
                           "or type it when asked", line("password"), "mail.password")
    doc = YamlDoc({}, {f"mail.{k}": v for k, v in (lines or {}).items()}
                  if isinstance(lines, Mapping) else {}, path, line("") or 1)
    values = SCHEMA.validate(doc, problems, data={k: v for k, v in raw.items()
                                                  if k != "password"},
                             prefix="mail.", unknown="error")
    settings = MailSettings(**values)
    if settings.user and settings.security == "none":
        problems.add(path, f"'none' sends the password of {settings.user} in clear: use "
                           "starttls or ssl ('notespress mail --send' refuses it without "
                           "--insecure)", line("security"), "mail.security", "warning")
    return settings, problems.items


def check_mail_settings(raw: Any, path: Path, lines: Mapping[str, int] | int | None = None
                        ) -> list[Problem]:
    """Every problem with the `mail:` section, errors and warnings, without raising: for
    `build` and `check`. `raw` is the section's value; `lines` as for parse_mail_settings."""
    return parse_mail_settings(raw, path, lines)[1]


def mail_lines(path: Path) -> dict[str, int]:
    """The line of `mail:` (under the key "") and of each key inside it, in notespress.yaml;
    empty when the file cannot be read."""
    from ..limits import MAX_CONFIG_BYTES
    from ..sources import parse_yaml, read_text

    try:
        doc = parse_yaml(read_text(path, limit=MAX_CONFIG_BYTES), path)
    except NotespressError:
        return {}
    found = {key[len("mail."):]: line for key, line in doc.lines.items()
             if key.startswith("mail.")}
    if "mail" in doc.lines:
        found[""] = doc.lines["mail"]
    return found


ENV = {"host": "NOTESPRESS_SMTP_HOST", "port": "NOTESPRESS_SMTP_PORT",
       "user": "NOTESPRESS_SMTP_USER", "security": "NOTESPRESS_SMTP_SECURITY"}


def load_settings(raw: Any, path: Path, env: Mapping[str, str] | None = None,
                  rate: float | None = None) -> MailSettings:
    """The `mail:` section, then the environment's NOTESPRESS_SMTP_* and --rate; a
    NotespressError with every error. (Warnings are for `check`; the one about a password
    in clear is enforced by `notespress mail --send`.)"""
    env = env or {}
    settings, found = parse_mail_settings(raw, path, mail_lines(path))
    problems = [p for p in found if p.severity == "error"]
    overrides: dict[str, Any] = {}
    for key, variable in ENV.items():
        value = env.get(variable, "").strip()
        if not value:
            continue
        field = FIELD_OF[key]
        try:
            overrides[field.attr] = field.parse(int(value) if key == "port" and value.isdigit()
                                                else value)
        except s.Invalid as exc:
            problems.append(Problem(None, f"{variable}: {exc}"))
    if rate is not None:
        if not rate > 0:
            problems.append(Problem(None, "--rate must be a positive number of messages "
                                          "per minute"))
        else:
            overrides["rate"] = float(rate)
    if problems:
        raise NotespressError(problems)
    return replace(settings, **overrides)

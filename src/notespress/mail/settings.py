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

from ..errors import NotespressError, Problem
from .headers import header_problem, parse_mailbox, url_problem, valid_email

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_SUBJECT = ("{{ pub.name }} No. {{ issue.number }}"
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


# ------------------------------------------------------------------ one checker per kind

Check = Callable[[Any], tuple[Any, str | None]]  # value -> (converted value, problem)


def _text(check: Callable[[str], str | None] | None = None) -> Check:
    def run(value: Any) -> tuple[Any, str | None]:
        if not isinstance(value, str):
            return None, "must be text"
        value = value.strip()
        problem = header_problem(value)
        if problem is None and check is not None and value:
            problem = check(value)
        return value, problem
    return run


def _whole(low: int, high: int) -> Check:
    def run(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return None, f"must be a whole number from {low} to {high}"
        return value, None
    return run


def _positive(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        return None, "must be a positive number"
    return float(value), None


def _size(value: Any) -> tuple[Any, str | None]:
    size = parse_size(value)
    if size is None:
        return None, f"'{value}' is not a size such as 7MB, 500KB or 7340032 (bytes)"
    return size, None


def _sender(value: str) -> str | None:
    if parse_mailbox(value) is None:
        return f"'{value}' is not one address such as 'Red Notes <notes@example.org>'"
    return None


def _address(value: str) -> str | None:
    return None if valid_email(value) else f"'{value}' is not an address such as " \
                                               "notes@example.org"


def _security(value: str) -> str | None:
    return None if value in SECURITY else f"'{value}' is not one of {', '.join(SECURITY)}"


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


# key in notespress.yaml -> (attribute of MailSettings, checker, help)
KEYS: dict[str, tuple[str, Check, str]] = {
    "from": ("sender", _text(_sender), "the From address, 'Name <address>' (required to send)"),
    "reply_to": ("reply_to", _text(_sender), "where replies go (default: the From address)"),
    "host": ("host", _text(_host), "the SMTP server that sends the messages"),
    "port": ("port", _whole(1, 65535), "the SMTP server's port"),
    "security": ("security", _text(_security), "starttls, ssl or none: how the connection "
                 "is encrypted"),
    "user": ("user", _text(), "the SMTP login"),
    "subject": ("subject", _text(_subject), "the subject, a template of the layouts' kind"),
    "list_id": ("list_id", _text(_list_id), "the List-Id, e.g. red-notes.example.org "
                "(default: the slug and the domain of the From address)"),
    "unsubscribe_email": ("unsubscribe_email", _text(_address),
                          "where readers write to unsubscribe (default: the From address)"),
    "unsubscribe_url": ("unsubscribe_url",
                        _text(lambda v: url_problem(v, ("email",), ("https",))),
                        "a one-click unsubscribe page, https, may contain {email}"),
    "link": ("link", _text(lambda v: url_problem(v, ("file",), ("https", "http"))),
             "where the PDF is published, may contain {file}: link instead of attaching"),
    "attach_limit": ("attach_limit", _size, "the largest PDF to attach: 7340032, 7MB, 500KB"),
    "rate": ("rate", _positive, "messages per minute"),
    "retries": ("retries", _whole(0, 20), "tries again after a temporary failure"),
    "retry_delay": ("retry_delay", _positive, "seconds before the first retry, doubled at "
                    "each retry"),
    "timeout": ("timeout", _positive, "seconds to wait for the server"),
}


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

    problems: list[Problem] = []
    if raw is None:
        return MailSettings(), problems
    if not isinstance(raw, dict):
        return MailSettings(), [Problem(path, "must be a mapping of mail settings (from, host, "
                                              "...)", line(""), "mail")]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        key = str(key)
        where = f"mail.{key}"
        if key == "password":
            problems.append(Problem(path, "passwords are never read from files: set "
                                          "NOTESPRESS_SMTP_PASSWORD, or type it when asked",
                                    line(key), where))
            continue
        if key not in KEYS:
            problems.append(Problem(path, f"unknown mail setting (known: {', '.join(KEYS)})",
                                    line(key), where))
            continue
        attribute, check, _ = KEYS[key]
        converted, problem = check(value)
        if problem:
            problems.append(Problem(path, problem, line(key), where))
        elif converted != "":
            values[attribute] = converted
    settings = MailSettings(**values)
    if settings.user and settings.security == "none":
        problems.append(Problem(path, f"'none' sends the password of {settings.user} in clear: "
                                      "use starttls or ssl ('notespress mail --send' refuses "
                                      "it without --insecure)", line("security"),
                                "mail.security", severity="warning"))
    return settings, problems


def check_mail_settings(raw: Any, path: Path, lines: Mapping[str, int] | int | None = None
                        ) -> list[Problem]:
    """Every problem with the `mail:` section, errors and warnings, without raising: for
    `build` and `check`. `raw` is the section's value; `lines` as for parse_mail_settings."""
    return parse_mail_settings(raw, path, lines)[1]


def mail_lines(path: Path) -> dict[str, int]:
    """The line of `mail:` (under the key "") and of each key inside it, in notespress.yaml;
    empty when the file cannot be read."""
    import yaml

    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    found: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if key_node.value == "mail":
                found[""] = key_node.start_mark.line + 1
                if isinstance(value, yaml.MappingNode):
                    for inner, _ in value.value:
                        found[str(inner.value)] = inner.start_mark.line + 1
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
        converted, problem = KEYS[key][1](int(value) if key == "port" and value.isdigit()
                                          else value)
        if problem:
            problems.append(Problem(None, f"{variable}: {problem}"))
        else:
            overrides[KEYS[key][0]] = converted
    if rate is not None:
        if not rate > 0:
            problems.append(Problem(None, "--rate must be a positive number of messages "
                                          "per minute"))
        else:
            overrides["rate"] = float(rate)
    if problems:
        raise NotespressError(problems)
    return replace(settings, **overrides)

"""`notespress mail`: check everything, lock the send log, build the screen edition, then
make and send (or write, in a dry run) one message at a time."""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import CONFIG_NAME
from ..content import Issue
from ..errors import NotespressError, Problem, Problems
from .compose import Composer, MailedPdf, Outgoing, choose_pdf, clear_eml, write_eml
from .headers import parse_mailbox, printable
from .send import Progress, Report, send_all
from .sendlog import SendLog
from .settings import MailSettings, load_settings, mail_lines
from .subscribers import Subscriber, SubscriberList, read_subscribers


@dataclass
class MailResult:
    issue: Issue
    folder: Path  # build/<issue>/mail: the .eml files of a dry run, the send log
    pdf: MailedPdf
    written: int = 0  # .eml files, in a dry run
    report: Report | None = None  # when sent
    warnings: list[Problem] = field(default_factory=list)  # CSV lines skipped or changed
    problems: list[Problem] = field(default_factory=list)  # messages that could not be made


def get_password(settings: MailSettings, env: Mapping[str, str],
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
               insecure: bool = False, rate: float | None = None,
               progress: Progress | None = None,
               started: Callable[[int], None] | None = None,
               prompt: Callable[[str], str] | None = None,
               env: Mapping[str, str] | None = None,
               sleep: Callable[[float], None] = time.sleep) -> MailResult:
    """Email the screen edition of an issue to every subscriber, exactly once (`send`), or
    write each message to build/<issue>/mail/ as an .eml file (a dry run).

    `to_self` sends one test message to that address only, whatever the send log says.
    `started` is told how many subscribers there are, `progress` what became of each.
    `rate` (messages per minute) overrides mail.rate; `insecure` allows a login over a
    connection without TLS (security: none)."""
    from ..build import build, load

    env = dict(os.environ if env is None else env)
    root = root.resolve()
    pub, issue = load(root, issue_ref)
    config = root / CONFIG_NAME
    settings = load_settings(pub.mail or None, config, env, rate)
    problems = _check_for_mailing(settings, config, send=send, insecure=insecure)
    subscribers = SubscriberList()
    if to_self is not None:
        who = parse_mailbox(to_self)
        if who is None:
            problems.add(None, f"--to-self: '{printable(to_self)}' is not a valid email "
                               "address")
        else:
            subscribers.subscribers.append(Subscriber(email=who.addr_spec, name=who.display_name))
    else:
        try:
            subscribers = read_subscribers(subscribers_path)
        except NotespressError as exc:
            problems.extend(exc.problems)
    problems.raise_if_any()

    folder = root / "build" / issue.name / "mail"
    with contextlib.ExitStack() as stack:
        password = None
        if send:  # the lock first: a second run stops here, before building anything
            name = "send-log.jsonl" if to_self is None else "test-sends.jsonl"
            log = stack.enter_context(SendLog(folder / name, history=to_self is None))
            password = get_password(settings, env, prompt)
        # the default editions when they include the screen edition, so that a mailing after
        # a build finds it up to date
        editions = None if "screen" in issue.production.editions else ["screen"]
        pdf = choose_pdf(settings, build(root, issue_ref, editions=editions)
                         .output("screen").path)
        composer = Composer(pub, issue, settings, pdf)
        result = MailResult(issue=issue, folder=folder, pdf=pdf,
                            warnings=subscribers.warnings)
        where = None if to_self is not None else subscribers_path
        make = _maker(composer, subscribers.subscribers, where, result.problems, send)
        if started is not None:
            started(len(subscribers.subscribers))
        if not send:
            clear_eml(folder)
            for subscriber in subscribers.subscribers[:limit]:
                message = make(subscriber)
                if message is not None:
                    write_eml(folder, message)
                    result.written += 1
                if progress is not None:
                    progress(subscriber, "written" if message is not None else "not written")
            return result
        result.report = send_all(subscribers.subscribers, make, settings, log, password,
                                 retry_unknown=retry_unknown, retry_failed=retry_failed,
                                 limit=limit, progress=progress, sleep=sleep)
    return result


def _check_for_mailing(settings: MailSettings, config: Path, *, send: bool,
                       insecure: bool) -> Problems:
    """What a mailing needs beyond valid settings."""
    problems = Problems()
    lines = mail_lines(config)
    if not settings.sender:
        problems.add(config, "required to send mail (the From address, e.g. "
                             "'Red Notes <notes@example.org>')", lines.get(""), "mail.from")
    if send and not settings.host:
        problems.add(config, "required to send mail (or set NOTESPRESS_SMTP_HOST)",
                     lines.get(""), "mail.host")
    if send and settings.user and settings.security == "none" and not insecure:
        problems.add(config, f"'none' would send the password of {settings.user} in clear "
                             "over the network: use starttls or ssl (ask your provider for the "
                             "port), or add --insecure if the server is on this machine or a "
                             "network you trust", lines.get("security", lines.get("")),
                     "mail.security")
    return problems


def _maker(composer: Composer, subscribers: list[Subscriber], csv_path: Path | None,
           problems: list[Problem], send: bool) -> Callable[[Subscriber], Outgoing | None]:
    """compose(subscriber), or None when it cannot be made. Each language in use is tried
    first: a broken layout or strings file is reported once, with its file and line, and
    only that language's subscribers go without (a later run sends to them)."""
    verb = "sent" if send else "written"
    broken: set[str] = set()
    for lang, count in Counter(s.lang or composer.issue.lang for s in subscribers).items():
        try:
            composer.check(lang)
        except NotespressError as exc:
            broken.add(lang)
            whom = (f"the message to the {count} subscribers in '{lang}' was" if count > 1
                    else f"the message to the subscriber in '{lang}' was")
            problems.extend(replace(p, message=f"{p.message}; {whom} not {verb} (fix it and "
                                               "run again)") for p in exc.problems)

    def make(subscriber: Subscriber) -> Outgoing | None:
        if (subscriber.lang or composer.issue.lang) in broken:
            return None
        try:
            return composer.outgoing(subscriber)
        except NotespressError as exc:
            problems.extend(Problem(csv_path, f"{subscriber.email}: not {verb}: "
                                              f"{p}", subscriber.line or None)
                            for p in exc.problems)
            return None

    return make

"""Messages, one at a time: the layouts `mail.txt` and `mail.html` (or `mail.<lang>.txt` ...)
rendered for one subscriber, with the screen edition attached or linked.

What is the same for every message is made once in `Composer`: the PDF is read once and
encoded once, as one attachment part that every message shares; the layouts and words of
each language are loaded once. A message is made when it is about to be sent or written,
and dropped after: memory does not grow with the list.

The layouts (and the `subject` template) get: `pub`, `issue`, `articles`, `lang`, `strings`
(the layouts' words in that language), `date` (the issue's, written out), `subscriber`
(`email`, `name`, `lang`), `pdf` (`attach`, `size`, `url`, `path`; also called `edition`,
its name in layouts written before), `unsubscribe_email`, `unsubscribe_mailto` (a mailto: URL,
encoded) and `unsubscribe_url` (with the address filled in, encoded).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import traceback
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.message import EmailMessage, Message
from email.policy import SMTP, Policy
from email.utils import formatdate
from pathlib import Path
from typing import Any, BinaryIO

import jinja2

from ..assemble import load_strings, long_date, make_environment
from ..config import Publication
from ..content import Issue
from ..errors import NotespressError, Problem
from .headers import fill_url, mailbox, mailto, one_line, parse_mailbox, phrase
from .settings import MailSettings
from .subscribers import Subscriber


@dataclass(frozen=True)
class MailedPdf:
    """The screen edition as it goes out: attached (its bytes, read once), or linked."""

    path: Path
    size: int
    url: str = ""  # when linked: mail.link with {file} filled in
    data: bytes = field(default=b"", repr=False)  # when attached

    @property
    def attach(self) -> bool:
        return not self.url


def choose_pdf(settings: MailSettings, pdf: Path) -> MailedPdf:
    """Linked when mail.link is set; else attached, when it is not over mail.attach_limit."""
    size = pdf.stat().st_size
    if settings.link:
        return MailedPdf(pdf, size, url=fill_url(settings.link, file=pdf.name))
    if size > settings.attach_limit:
        raise NotespressError(Problem(
            None, f"the screen edition ({pdf.name}) is {size / 1e6:.1f} MB, over "
                  f"mail.attach_limit ({settings.attach_limit / 1e6:.1f} MB): publish it and "
                  "set mail.link to its address to send a link instead, or raise "
                  "mail.attach_limit"))
    return MailedPdf(pdf, size, data=pdf.read_bytes())


def message_id(pub: Publication, issue: Issue, email: str, domain: str) -> str:
    """The same for a recipient on every run: a server or client can spot a repeat."""
    key = f"{pub.slug}|{issue.number}|{email.lower()}".encode()
    slug = re.sub(r"[^A-Za-z0-9-]", "", pub.slug) or "notes"
    return f"<{hashlib.sha256(key).hexdigest()[:32]}.{slug}-{issue.number}@{domain}>"


@dataclass(frozen=True)
class Outgoing:
    """A message ready to go: its bytes as they go to the server (CRLF line ends)."""

    subscriber: Subscriber
    message_id: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Language:
    """What the messages in one language share."""

    lang: str
    strings: dict[str, str]
    text: jinja2.Template
    html: jinja2.Template
    date: str


class Composer:
    """Makes each subscriber's message; see the module's docstring."""

    def __init__(self, pub: Publication, issue: Issue, settings: MailSettings,
                 pdf: MailedPdf) -> None:
        self.pub, self.issue, self.settings, self.pdf = pub, issue, settings, pdf
        self.html_env = make_environment(pub.root)
        self.text_env = self.html_env.overlay(autoescape=False)
        sender = parse_mailbox(settings.sender)
        if sender is None:
            raise NotespressError(Problem(pub.root / "notespress.yaml",
                                          f"'{settings.sender}' is not a valid address",
                                          key="mail.from"))
        self.sender = sender
        self.reply_to = parse_mailbox(settings.reply_to) if settings.reply_to else None
        self.subject = self.text_env.from_string(settings.subject)
        list_id = settings.list_id or f"{pub.slug}.{settings.domain}"
        self.list_id = f"{phrase(pub.name)} <{list_id}>".strip()
        self.unsubscribe_email = settings.unsubscribe_email or settings.from_address
        self.unsubscribe_mailto = mailto(self.unsubscribe_email, "unsubscribe")
        self.attachment: EmailMessage | None = None
        if pdf.attach:  # encoded once, shared by every message
            self.attachment = EmailMessage()
            self.attachment.set_content(pdf.data, "application", "pdf",
                                        disposition="attachment", filename=pdf.path.name)
        self._languages: dict[str, Language] = {}
        self._written: dict[tuple[Any, ...], bytes] = {}  # the attachment part, as bytes

    def language(self, lang: str) -> Language:
        """The layouts and words of `lang` (a checked language code), loaded once; a
        NotespressError naming the file and line when one of them is broken."""
        if lang not in self._languages:
            try:
                text = _template(self.text_env, "mail.txt", lang)
                # a language without its own mail layouts gets the default ones: then the
                # date and words in their language too, not half and half (notespress's own
                # mail.txt is English; a publication's own, in its language)
                written = lang if _is_for(text, lang) else (
                    "en" if _is_builtin(text) else self.pub.lang)
                self._languages[lang] = Language(
                    lang=written, strings=load_strings(self.pub.root, written),
                    text=text, html=_template(self.html_env, "mail.html", written),
                    date=long_date(self.issue.date, written))
            except jinja2.TemplateSyntaxError as exc:
                raise NotespressError(Problem(Path(exc.filename) if exc.filename else None,
                                              f"template error: {exc.message}",
                                              exc.lineno)) from None
        return self._languages[lang]

    def check(self, lang: str) -> None:
        """Make a message in `lang` for a made-up reader, with and without a name: a broken
        layout or strings file is found before anything is sent."""
        for name in ("A. Reader", ""):
            self.compose(Subscriber(email="reader@example.org", name=name, lang=lang))

    def compose(self, subscriber: Subscriber) -> EmailMessage:
        """One subscriber's message, in their language where the layouts have it."""
        parts = self.language(subscriber.lang or self.issue.lang)
        lang = parts.lang
        unsubscribe_url = (fill_url(self.settings.unsubscribe_url, email=subscriber.email)
                           if self.settings.unsubscribe_url else "")
        context = {
            "pub": self.pub, "issue": self.issue, "lang": lang, "strings": parts.strings,
            "articles": self.issue.articles, "subscriber": subscriber, "edition": self.pdf,
            "pdf": self.pdf, "date": parts.date, "unsubscribe_email": self.unsubscribe_email,
            "unsubscribe_mailto": self.unsubscribe_mailto, "unsubscribe_url": unsubscribe_url,
        }
        subject = _render(self.subject, context, "mail.subject")
        text = _render(parts.text, context)
        html = _render(parts.html, context)

        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mailbox(subscriber.name, subscriber.email)
        if self.reply_to is not None:
            message["Reply-To"] = self.reply_to
        message["Subject"] = one_line(subject)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = message_id(self.pub, self.issue, subscriber.email,
                                           self.settings.domain)
        message["List-Id"] = self.list_id
        unsubscribe = [f"<{self.unsubscribe_mailto}>"]
        if unsubscribe_url:
            unsubscribe.append(f"<{unsubscribe_url}>")
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["List-Unsubscribe"] = ", ".join(unsubscribe)
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        if self.attachment is not None:
            message.make_mixed()
            message.attach(self.attachment)
        for part in (message, *message.iter_parts()):
            if part.is_multipart():  # random, so that the text need not be searched for it
                part.set_boundary(f"=_{secrets.token_hex(16)}")
        # last: set_content and make_mixed move or drop the Content-* headers before them
        message["Content-Language"] = lang
        return message

    def outgoing(self, subscriber: Subscriber) -> Outgoing:
        """The subscriber's message as bytes, with CRLF line ends (for the server, and for
        an .eml file)."""
        message = self.compose(subscriber)
        buffer = io.BytesIO()
        _Writer(buffer, SMTP, self.attachment, self._written).flatten(message)
        return Outgoing(subscriber, str(message["Message-ID"]), buffer.getvalue())


class _Writer(BytesGenerator):
    """The email package's BytesGenerator, except that the part every message shares (the
    PDF, encoded once) is written from the bytes made of it the first time, instead of
    line by line for every message."""

    def __init__(self, out: BinaryIO, policy: Policy[Any] | None, shared: Message | None,
                 cache: dict[tuple[Any, ...], bytes]) -> None:
        super().__init__(out, mangle_from_=False, policy=policy)
        self.out, self.shared, self.cache = out, shared, cache

    def clone(self, fp: Any) -> _Writer:
        return _Writer(fp, self.policy, self.shared, self.cache)

    def flatten(self, msg: Message, unixfrom: bool = False, linesep: str | None = None
                ) -> None:
        if msg is not self.shared or unixfrom or self.policy is None:
            super().flatten(msg, unixfrom, linesep)
            return
        policy = self.policy.clone(linesep=linesep) if linesep else self.policy
        key = (policy.linesep, policy.max_line_length, policy.cte_type,
               getattr(policy, "utf8", False))
        if key not in self.cache:
            buffer = io.BytesIO()
            BytesGenerator(buffer, mangle_from_=False, policy=policy).flatten(msg)
            self.cache[key] = buffer.getvalue()
        self.out.write(self.cache[key])


def _is_for(template: jinja2.Template, lang: str) -> bool:
    """Whether a mail layout is the one of `lang` (mail.fr.txt), not the default."""
    parts = (template.name or "").rsplit("/", 1)[-1].split(".")
    return len(parts) == 3 and parts[1] in (lang, lang.split("-")[0])


def _is_builtin(template: jinja2.Template) -> bool:
    """Whether a layout is notespress's own (not the publication's copy)."""
    from ..resources import default_layouts

    return template.filename is not None and Path(template.filename).resolve().is_relative_to(
        default_layouts().resolve())


def _template(env: jinja2.Environment, name: str, lang: str) -> jinja2.Template:
    base, ext = name.rsplit(".", 1)
    for candidate in dict.fromkeys((f"{base}.{lang}.{ext}",
                                    f"{base}.{lang.split('-')[0]}.{ext}", name)):
        try:
            return env.get_template(candidate)
        except jinja2.TemplateNotFound:
            continue
    raise NotespressError(Problem(None, f"layout template '{name}' not found"))


def _render(template: jinja2.Template, context: dict[str, Any], what: str = "") -> str:
    try:
        return template.render(context)
    except Exception as exc:  # a template's mistake, reported with its file and line
        path, line = _template_frame(exc)
        where = f"{what}: " if what and path is None else ""
        detail = str(exc) if isinstance(exc, jinja2.TemplateError) else \
            f"{type(exc).__name__}: {exc}"
        raise NotespressError(Problem(path, f"{where}template error: {detail}", line)) from None


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """The innermost layout file and line in a Jinja traceback."""
    found: tuple[Path | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".txt")):
            found = (Path(frame.filename), frame.lineno)
    return found


# ------------------------------------------------------------------ the dry run's files


def eml_name(email: str) -> str:
    """A file name for an address: readable, and never the same for two addresses (a#b@x and
    a_b@x differ by a short hash of the address)."""
    readable = re.sub(r"[^a-z0-9@._+-]", "_", email.lower())[:80]
    digest = hashlib.sha256(email.lower().encode()).hexdigest()[:8]
    return f"{readable}-{digest}.eml"


def clear_eml(folder: Path) -> None:
    """The .eml files of an earlier dry run (a subscriber since removed would stay)."""
    if folder.is_dir():
        for old in folder.glob("*.eml"):
            old.unlink(missing_ok=True)


def write_eml(folder: Path, message: Outgoing) -> Path:
    """One message as an .eml file, written whole or not at all."""
    target = folder / eml_name(message.subscriber.email)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(message.data)
        tmp.replace(target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise NotespressError(Problem(target, f"cannot write the message: {exc.strerror}"))\
            from None
    return target

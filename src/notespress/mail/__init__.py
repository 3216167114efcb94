"""`notespress mail`: the screen edition to every subscriber, exactly once.

Stages, each a module over plain data:
- `settings`: the `mail:` section of notespress.yaml (`check_mail_settings` for build and
  check, `load_settings` with the NOTESPRESS_SMTP_* variables for the mailing);
- `subscribers`: the CSV (email, name, lang), with the line of every problem;
- `compose`: one message at a time from the layouts mail.txt and mail.html;
- `sendlog`: the durable send log and its lock (one sender per issue at a time);
- `send`: one SMTP connection, retries, throttling, and the stops that concern every message;
- `headers`: the one place that turns outside values into headers, addresses and URLs;
- `mailing`: `distribute`, the command's one call.
"""

from .compose import Composer, MailedPdf, Outgoing, choose_pdf, eml_name, message_id
from .headers import fill_url, header_problem, mailbox, parse_mailbox, printable, valid_email
from .mailing import MailResult, distribute, get_password
from .send import Report, send_all
from .sendlog import SendLog
from .settings import (
    MailSettings,
    check_mail_settings,
    load_settings,
    mail_lines,
    parse_mail_settings,
    parse_size,
)
from .subscribers import Subscriber, SubscriberList, read_subscribers

__all__ = [
    "Composer", "MailResult", "MailSettings", "MailedPdf", "Outgoing", "Report", "SendLog",
    "Subscriber", "SubscriberList", "check_mail_settings", "choose_pdf", "distribute",
    "eml_name", "fill_url", "get_password", "header_problem", "load_settings", "mail_lines",
    "mailbox", "message_id", "parse_mail_settings", "parse_mailbox", "parse_size", "printable",
    "read_subscribers", "send_all", "valid_email",
]

"""The one place where outside values (a subscriber's name, a setting, an address) become
mail headers, addresses, URLs or lines on the terminal.

- `header_problem`: the one check of a header value (no line break, no control character);
- `mailbox`, `parse_mailbox`: addresses are made by the email package's `Address`, which
  quotes or encodes a display name, never pasted into a header by hand;
- `fill_url`, `mailto`: every value put into a URL is percent-encoded;
- `printable`: control characters shown as escapes, so that a CSV value cannot drive the
  terminal.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.policy import default as default_policy
from urllib.parse import quote

from ..errors import printable as printable

# the local part and domain the way most providers accept them (a dot-atom), at most 254
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# C0, DEL and C1 control characters, and the Unicode line and paragraph separators
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


def header_problem(value: str) -> str | None:
    """What is wrong with `value` as (part of) a header, or None: the one header check."""
    match = CONTROL_RE.search(value)
    if match is None:
        return None
    if match.group() in "\r\n\u2028\u2029":
        return "must be one line (a line break could add mail headers)"
    return f"contains the control character {printable(match.group())}"


def one_line(text: str) -> str:
    """`text` with line breaks and other whitespace controls made spaces, and any other
    control character dropped: for a header made from a template (the subject)."""
    text = re.sub("[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+", " ", text)
    return " ".join(CONTROL_RE.sub("", text).split())


def valid_email(address: str) -> bool:
    """A plain address (no name) that every mail server takes."""
    if len(address) > 254 or not EMAIL_RE.match(address):
        return False
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError):  # a dot at either end of the local part, two in a row
        return False
    return True


def mailbox(name: str, email: str) -> Address:
    """An address with a display name, for From, To and Reply-To. The email package quotes
    the name or encodes it (RFC 2047) as a whole: a comma or angle brackets in a name stay
    part of the name."""
    return Address(display_name=one_line(name), addr_spec=email)


def parse_mailbox(text: str) -> Address | None:
    """One address, 'Name <address>' or 'address', from a setting; None when it is not
    exactly one valid address."""
    if header_problem(text):
        return None
    header = default_policy.header_factory("To", text)
    addresses: tuple[Address, ...] = getattr(header, "addresses", ())
    if header.defects or len(addresses) != 1 or not valid_email(addresses[0].addr_spec):
        return None
    return addresses[0]


def url_problem(template: str, placeholders: tuple[str, ...], schemes: tuple[str, ...]
                ) -> str | None:
    """What is wrong with a URL setting, or None: the scheme, one line, no spaces or
    brackets (it goes between < > in a header), only the placeholders given."""
    if not template.startswith(tuple(f"{s}://" for s in schemes)):
        return f"must be an {' or '.join(f'{s}://' for s in schemes)} address"
    if header_problem(template) or re.search(r"[\s<>\"\\^`|]", template):
        return "must be an address without spaces, quotes or angle brackets"
    unknown = [p for p in PLACEHOLDER_RE.findall(template) if p not in placeholders]
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in placeholders) or "none"
        return f"unknown placeholder {{{unknown[0]}}} (allowed: {allowed})"
    return None


def fill_url(template: str, **values: str) -> str:
    """The URL with each {name} replaced by its value, percent-encoded whole: 'bob+news@x'
    becomes 'bob%2Bnews%40x', and '&' or '=' in a value cannot add a parameter."""
    return PLACEHOLDER_RE.sub(
        lambda m: quote(values[m.group(1)], safe="") if m.group(1) in values else m.group(),
        template)


def mailto(address: str, subject: str) -> str:
    return f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}"


def phrase(text: str) -> str:
    """A name for a header such as List-Id, where no quoting is done for us: one line,
    without the characters that would end it."""
    return one_line(re.sub(r'[<>"\\(),;:@\[\]]', "", text)).strip()

"""docs/settings.md, made from the settings' own fields: every key of notespress.yaml,
issue.yaml, an article's front matter and the `mail:` section, with its type, default,
allowed values and help, as notespress checks them.

    python3 -m tests.docs_settings          # from the repository's root: writes the page
    python3 -m tests.docs_settings --check  # exit status 1 if the page is not up to date

The words come from the fields (schema.py's `Field`: its `help`, and what its parser
accepts, `schema.accepts`); the defaults from the fields, or from the dataclass a setting
fills (`Production`, `MailSettings`); the mappings `contact:` and `cover:` get a table of
their own keys. tests/test_docs.py fails when the page and the fields
disagree: after changing a setting, run this again.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .docs_examples import DOCS

PAGE = DOCS / "settings.md"

HEAD = """\
# Settings

<!-- Made by `python3 -m tests.docs_settings` from notespress's own settings: do not edit
     this page by hand; change the fields' help in the code and run it again. -->

Every setting notespress reads, with what it accepts. They are written in YAML: one
`key: value` a line, a space after the colon, text in quotes when it holds a `:` or starts
with a special sign (`"#1d4e89"`, `"$1"`). A line starting with `#` is a comment.

A mistake is reported with the file, the line and the key, and what to write instead; a
key notespress does not know (a typing mistake, often) gets a warning.

- [notespress.yaml: the publication](#notespressyaml-the-publication)
- [issue.yaml: one issue](#issueyaml-one-issue)
- [Printing and editions](#printing-and-editions): in notespress.yaml for every issue, or in
  issue.yaml for one
- [Front matter: one article](#front-matter-one-article)
- [mail: sending the issue](#mail-sending-the-issue)
- [Environment variables](#environment-variables)
"""

PUBLICATION = """\
## notespress.yaml: the publication

The file at the top of the publication's folder. `notespress init` writes one to fill in.

```yaml example=settings-publication file=notespress.yaml
name: Red Notes
publisher: Red Notes Collective
tagline: A bulletin of news and analysis
lang: en
page_size: letter
platform:
  en: platform/en.md
contact:
  address: P.O. Box 1614, Montréal QC
  email: contact@example.org
  website: https://example.org
  subscribe: Write to us to get every issue by mail, and copies to hand out.
price: free
accent: "#1d4e89"
```
"""

CONTACT = """\
### contact

The keys under `contact:`.
"""

ISSUE = """\
## issue.yaml: one issue

The file in each issue's folder (`issues/issue-13/issue.yaml`). `notespress new` writes
one. `number` and `date` are required. The `title` is the issue's theme, printed large on
the cover; `cover` adds a picture to the cover
([writing.md](writing.md#the-cover-the-theme-teasers-and-a-picture) shows one).

```yaml example=settings-issue file=issue.yaml
number: 13
date: 2026-12-15
volume: 4
title: The winter ahead
lang: en
articles:
  - 01-welcome.md
  - 02-writing.md
cover:
  picture: images/cover.jpg
  alt: A picket line at the gate of a warehouse at dusk.
  credit: "Drawing: A. Ruiz"
```
"""

COVER = """\
### cover

The keys under `cover:` (or only the picture's path: `cover: images/cover.jpg`).
"""

PRODUCTION = """\
## Printing and editions

These go in notespress.yaml for every issue, or in an issue's issue.yaml for that issue
alone (the issue's value wins):

- the editions a build makes and how they print (`editions`, `grayscale`, `bleed`,
  `creep`, `mailer`, `screen_dpi`, `jpeg_quality`): [printing.md](printing.md) says which to
  use for which printer;
- where articles start and what fills the pages added to make a multiple of 4
  (`article_start`, `padding`):
  [page count](printing.md#page-count-articles-that-run-on-and-the-house-pages);
- how the addresses of links print (`links`, `link_base`):
  [writing.md](writing.md#links-and-how-they-print);
- even text (`justify`, `hyphenate` and the `hyphen_` limits):
  [look.md](look.md#even-text-justified-or-ragged).

```yaml example=settings-printing file=issue.yaml
editions: [print, screen, booklet]
grayscale: true
padding: notes
article_start: page
links: inline
justify: false
hyphen_ladder: 3
```
"""

ARTICLE = """\
## Front matter: one article

The lines between the two `---` at the top of an article. `title` is required.
[writing.md](writing.md#the-top-of-the-file-title-author-language) shows what each one
gives on the page.

```markdown example=settings-front-matter show=none
---
title: Lettre de Montréal
subtitle: Les chauffeurs tiennent bon
author: C. Roy
translator: A. Ruiz
lang: fr
summary: Une semaine de grève au dépôt de l'Est.
---

Le texte de l'article.
```
"""

MAIL = """\
## mail: sending the issue

The keys under `mail:` in notespress.yaml, for `notespress mail` ([email.md](email.md)).
The password is never read from a file: it comes from `NOTESPRESS_SMTP_PASSWORD`, or
notespress asks for it.

```yaml example=settings-mail file=notespress.yaml
mail:
  from: Red Notes <bulletin@example.org>
  host: smtp.example.org
  user: bulletin@example.org
```
"""

ENVIRONMENT = """\
## Environment variables

| variable | what it does |
| --- | --- |
{mail}| `NOTESPRESS_SMTP_PASSWORD` | the SMTP password (otherwise notespress asks for it) |
| `SOURCE_DATE_EPOCH` | the date written in the PDFs, in seconds since 1970 \
(default: the issue's date) |
| `NOTESPRESS_SERIAL` | `1` writes the editions one after another instead of side by side |
"""


def cell(text: str) -> str:
    """Text for a table's cell: no line break, and `|` and `<` not read as Markdown."""
    return (text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")
            .replace(">", "&gt;"))


def shown(value: Any, kind: str = "") -> str:
    """A default as it would be written in the file ('' for none)."""
    if value is None or value == "" or (value == 0 and not isinstance(value, bool)):
        return ""
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if kind == "size" and isinstance(value, int) and value % (1024 * 1024) == 0:
        value = f"{value // (1024 * 1024)}MB"
    if isinstance(value, tuple | list):
        return f"`[{', '.join(str(v) for v in value)}]`"
    return f"`{value}`"


def field_rows(fields: Iterable[Any], defaults: Any = None) -> list[str]:
    """The table of some schema fields: key, type, default, allowed values, help. A field's
    default is its own, else the attribute it fills in `defaults` (a dataclass)."""
    from notespress.schema import accepts

    rows = ["| key | type | default | allowed values | what it does |",
            "| --- | --- | --- | --- | --- |"]
    for field in fields:
        kind, allowed = accepts(field.parse)
        default = field.default
        if default is None and defaults is not None:
            default = getattr(defaults, field.attr, None)
        required = " (required)" if field.required else ""
        rows.append(f"| `{field.key}`{required} | {cell(kind)} | {shown(default, kind)} | "
                    f"{cell(allowed)} | {cell(field.help)} |")
    return rows


def page() -> str:
    """The whole of docs/settings.md."""
    from notespress.config import CONTACT as CONTACT_SCHEMA
    from notespress.config import FIELDS as PUBLICATION_FIELDS
    from notespress.content import ARTICLE_FIELDS, FOREIGN_KEYS, ISSUE_FIELDS
    from notespress.content import COVER as COVER_SCHEMA
    from notespress.mail.settings import ENV, MailSettings
    from notespress.mail.settings import FIELDS as MAIL_FIELDS
    from notespress.production import FIELDS as PRODUCTION_FIELDS
    from notespress.production import Production

    production = {f.key for f in PRODUCTION_FIELDS}
    parts = [HEAD, PUBLICATION,
             "\n".join(field_rows(f for f in PUBLICATION_FIELDS if f.key not in production)),
             "", CONTACT, "\n".join(field_rows(CONTACT_SCHEMA.fields)), "",
             ISSUE, "\n".join(field_rows(f for f in ISSUE_FIELDS if f.key not in production)),
             "", COVER, "\n".join(field_rows(COVER_SCHEMA.fields)), "",
             PRODUCTION, "\n".join(field_rows(PRODUCTION_FIELDS, Production())), "",
             ARTICLE, "\n".join(field_rows(ARTICLE_FIELDS)), "",
             "Keys that other tools write in front matter are accepted and not printed: "
             + ", ".join(f"`{k}`" for k in sorted(FOREIGN_KEYS)) + ". A `description` "
             "stands for the summary, and a list of `authors` for the author.", "",
             MAIL, "\n".join(field_rows(MAIL_FIELDS, MailSettings())), "",
             ENVIRONMENT.format(mail="".join(
                 f"| `{variable}` | overrides `mail.{key}` |\n"
                 for key, variable in ENV.items()))]
    return "\n".join(parts).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write: exit status 1 if docs/settings.md is not up to date")
    parser.add_argument("--out", type=Path, default=PAGE, help="the page (default: "
                        "docs/settings.md)")
    args = parser.parse_args(argv)
    text = page()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is not up to date: run python3 -m tests.docs_settings",
                  file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

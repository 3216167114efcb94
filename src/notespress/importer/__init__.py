"""`notespress import`: contributors' documents become articles of an issue.

Word (.docx), LibreOffice (.odt), web pages (.html), RTF and Markdown written for other
tools (Hugo's TOML `+++` or YAML `---` front matter, Jekyll's YAML, Pelican's `Key: value`
headers) are read by pandoc (the pypandoc-binary wheel) into its document tree, cleaned here
into what notespress prints (no raw HTML, no attributes or divs, headings under the title,
pictures copied into the issue's images/ under safe names, footnotes kept), and written back
as Markdown with front matter.

What pandoc does not carry over (comments, tracked changes, text boxes, drawings) is found
in the document's own XML and reported with the place it was near.

One module per stage, each a function over plain data:

    read.py      the document's format, its text and front matter (Markdown from elsewhere)
    scan.py      what a .docx or .odt says in its own XML (properties, captions, comments...)
    pandoc.py    pandoc's tree (its JSON types), read and written as Markdown
    front.py     title, author and language; headings under the title
    clean.py     pandoc's tree cleaned into what notespress prints
    pictures.py  the pictures found, checked and named
    lost.py      what was not carried over, and where
    convert.py   one document made an article (the stages above in order)
    place.py     the articles and pictures written into the issue
"""

from .convert import Converted, convert
from .front import Front
from .lost import Lost, count_lost, summarize_lost
from .place import Imported, ImportReport, import_files
from .read import FORMATS, NOT_READ, MarkdownSource, split_markdown

__all__ = ["FORMATS", "NOT_READ", "Converted", "Front", "ImportReport", "Imported", "Lost",
           "MarkdownSource", "convert", "count_lost", "import_files", "split_markdown",
           "summarize_lost"]

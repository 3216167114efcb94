"""The one size and nesting policy: how much input notespress accepts, and why.

Every limit here protects a build from input that would take it minutes or gigabytes, or
make it lose text in silence; each is reported as one line with the file and line that
passes it, and none is close to what a newsletter needs:

- ``MAX_ARTICLE_CHARS``: the Markdown of one article (or the platform). 400,000 characters
  are about 60,000 words, some 100 pages of two-column Letter; a 20 MB article would take
  WeasyPrint past five minutes and two gigabytes.
- ``MAX_NESTING``: levels of blocks inside blocks (each list counts two, for the list and
  its item; a quote or a box one). markdown-it stops reading at its own limit and drops the
  rest of the article without a word; notespress stops first and says where. 24 levels are
  a dozen nested lists, already narrower than a column can show.
- ``MAX_WORD_CHARS``: one word, address or line of code without a space. A longer one is
  broken across lines (never off the page); past this length it is refused, because breaking
  a 2 MB word takes WeasyPrint hours and fills hundreds of pages with one line each.
- ``MAX_PICTURE_PIXELS``: the pixels of one picture (width x height). At 150 dpi a full Letter
  or A4 page needs about 2 million; 50 million is a large camera's full frame. Decoding
  takes 4 bytes a pixel, so a 13,000 x 13,000 picture alone would take 700 MB (and
  Pillow's own "decompression bomb" limit is near there).
- ``MAX_PICTURE_BYTES``: the file of one picture, read whole to check that it decodes.
- ``MAX_SOURCE_BYTES``, ``MAX_CONFIG_BYTES``: the bytes of a Markdown file (an article, the
  platform), a layout or a strings table; of notespress.yaml and issue.yaml. Read only up to
  that, so that a huge or endless file is refused before it is read whole.
- ``MAX_FETCHED_BYTES``: a picture, stylesheet or font a layout asks WeasyPrint for.
- ``MAX_SUBSCRIBERS_BYTES``: a subscribers CSV.

They are documented for editors in docs/security.md.
"""

from __future__ import annotations

MAX_ARTICLE_CHARS = 400_000
MAX_NESTING = 24
MAX_WORD_CHARS = 2_000
MAX_PICTURE_PIXELS = 50_000_000
MAX_PICTURE_BYTES = 64 * 1024 * 1024
MAX_SOURCE_BYTES = 5_000_000
MAX_CONFIG_BYTES = 1_000_000
MAX_FETCHED_BYTES = 100_000_000
MAX_SUBSCRIBERS_BYTES = 100_000_000

"""How much notespress reads: one policy for sizes, documented in docs/security.md.

Inputs larger than these are refused with a message naming the file, rather than read until
the machine runs out of memory or time.
"""

MAX_SOURCE_BYTES = 5_000_000  # an article, a settings file, a strings table, the platform
MAX_CONFIG_BYTES = 1_000_000  # notespress.yaml, issue.yaml
MAX_SUBSCRIBERS_BYTES = 100_000_000  # a subscribers CSV
MAX_FETCHED_BYTES = 100_000_000  # a picture, stylesheet or font a layout asks for

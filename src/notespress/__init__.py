"""notespress: Markdown articles in, a printed and emailed newsletter out."""

__version__ = "0.1.0"

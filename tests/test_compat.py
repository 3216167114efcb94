"""The one place that uses WeasyPrint's and pydyf's internals: it must fail loudly, here, when
a new release changes them, never slow down or break a PDF in silence."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from pypdf import PdfReader

from notespress import compat
from notespress.assemble import assemble
from notespress.build import lay_out, load


def laid_out(root: Path):
    pub, issue = load(root, "3")
    return lay_out(pub, assemble(pub, issue), strict=False)


def test_the_installed_versions_are_those_compat_was_written_for() -> None:
    assert compat.check() == [], "notespress.compat was written for other versions: " \
        "look at each use of internals it holds, then update WEASYPRINT/PYDYF"


def test_the_internals_have_the_shape_compat_expects(mini: Path) -> None:
    import inspect

    import pydyf
    from weasyprint.images import RasterImage

    assert compat.page_references_patchable()
    assert pydyf.zlib is zlib
    assert list(inspect.signature(RasterImage.get_x_object).parameters) == [
        "self", "interpolate", "dpi_ratio"]
    from weasyprint.document import Page

    assert list(inspect.signature(Page.__init__).parameters) == ["self", "page_box"]
    from weasyprint.layout.background import layout_box_backgrounds

    assert list(inspect.signature(layout_box_backgrounds).parameters)[:3] == [
        "page", "box", "get_image_from_uri"]
    document = laid_out(mini).document
    box = compat.page_box(document.pages[0])
    assert type(box).__name__ == "PageBox"
    assert any(type(b).__name__ == "TextBox" for b, _ in compat.walk_boxes(box))


def test_cached_page_references_write_the_same_bytes(mini: Path) -> None:
    """The speed-up around pydyf's page references is in effect while writing, is undone
    after, and changes no byte of a tagged PDF."""
    import pydyf

    document = laid_out(mini).document
    options = {"pdf_identifier": b"0" * 16, "pdf_tags": True, "pdf_variant": "pdf/ua-1"}
    plain = document.write_pdf(**options)
    original = pydyf.PDF.__dict__["page_references"]
    with compat.cached_page_references():
        assert pydyf.PDF.__dict__["page_references"] is not original
        cached = document.write_pdf(**options)
    assert pydyf.PDF.__dict__["page_references"] is original
    assert cached == plain
    root = PdfReader(io.BytesIO(cached)).trailer["/Root"]
    assert "/StructTreeRoot" in root and len(root["/StructTreeRoot"]["/ParentTree"]["/Nums"]) > 2


def test_streams_are_compressed_at_level_6_and_say_the_same(mini: Path) -> None:
    """pydyf compresses at level 9; notespress writes at zlib's default level, 4 times
    faster: the streams hold the same content, and pydyf is left as it was."""
    import pydyf

    document = laid_out(mini).document
    plain = document.write_pdf(pdf_identifier=b"0" * 16)
    with compat.flate_level():
        assert pydyf.zlib is not zlib
        ours = document.write_pdf(pdf_identifier=b"0" * 16)
    assert pydyf.zlib is zlib
    assert ours != plain

    def contents(data: bytes) -> list[bytes]:
        return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(data)).pages]

    assert contents(ours) == contents(plain)
    first = PdfReader(io.BytesIO(ours)).pages[0]["/Contents"].get_object()
    raw = first._data  # the stream as written: level 6 is how zlib compresses by default
    assert raw == zlib.compress(zlib.decompress(raw), 6)


def test_the_picture_hook_is_undone_and_used_only_in_its_block(mini: Path) -> None:
    from weasyprint.images import RasterImage

    original = RasterImage.get_x_object
    seen = []
    document = laid_out(mini).document
    with compat.screen_picture_hook(lambda image: seen.append(image.id)):
        document.write_pdf()
    assert seen and RasterImage.get_x_object is original


def test_lifted_column_tops_keep_their_backgrounds_under_them(tmp_path: Path) -> None:
    """A block opening a column loses the space above it (lift_column_tops): every box under
    it moves up, and so must the backgrounds WeasyPrint placed at layout (a code block's
    tint drawn a line below its text was the bug)."""
    from .conftest import FIXTURES, copy_workspace

    root = copy_workspace(FIXTURES / "corpus-en", tmp_path / "corpus")
    pub, issue = load(root, next(p.name for p in (root / "issues").iterdir()))
    document = lay_out(pub, assemble(pub, issue), strict=False).document
    checked = 0
    for page in document.pages:
        for box, _ in compat.walk_boxes(compat.page_box(page)):
            background = getattr(box, "background", None)
            if background is None or not background.layers or box is compat.page_box(page):
                continue
            if box.style["background_clip"][-1] != "border-box":
                continue
            _, top, _, _ = background.layers[-1].painting_area
            assert abs(top - box.border_box_y()) < 0.5, (box.element_tag, top,
                                                          box.border_box_y())
            checked += 1
    assert checked > 5

"""HTML → PDF: the font set-up WeasyPrint needs is made once per thread and is safe to use from
several threads at once (Granian serves each worker with several threads)."""

import io
from concurrent.futures import ThreadPoolExecutor

import pypdf

from rathaus.documents import rendering


def _text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_a_thread_keeps_its_font_configuration_and_threads_do_not_share_one():
    first = rendering._font_configuration()
    assert rendering._font_configuration() is first
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(rendering._font_configuration).result()
    assert other is not first


def test_documents_rendered_in_several_threads_at_once_each_carry_their_own_text():
    names = [f"Person {index} Großmann-Übel" for index in range(8)]

    def render(name: str) -> bytes:
        return rendering.html_to_pdf(f'<html lang="de"><body><p>{name}</p></body></html>')

    with ThreadPoolExecutor(max_workers=4) as pool:
        pdfs = list(pool.map(render, names))
    for name, pdf in zip(names, pdfs, strict=True):
        assert pdf.startswith(b"%PDF-")
        assert name in _text_of(pdf)

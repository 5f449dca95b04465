"""HTML → PDF: the font set-up WeasyPrint needs is made once per thread and is safe to use from
several threads at once (Granian serves each worker with several threads); the QR code of a PDF
carries exactly the modules of its address."""

import base64
import io
from concurrent.futures import ThreadPoolExecutor

import pypdf
from PIL import Image

from rathaus.documents import rendering
from tests.documents.conftest import qr_modules, qr_modules_expected


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


def test_a_qr_code_is_one_pixel_per_module_with_a_two_module_quiet_zone():
    url = "https://norderstedt.example/dokumente/pruefen/ABCDEFGHIJKLMNOP/"
    header, _, data = rendering.qr_data_uri(url).partition(",")
    assert header == "data:image/png;base64"
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    assert qr_modules(image) == qr_modules_expected(url)


def test_the_qr_code_in_a_pdf_is_drawn_unsmoothed_with_every_module():
    url = "https://norderstedt.example/dokumente/pruefen/ABCDEFGHIJKLMNOP/"
    html = (
        '<html lang="de"><body><img style="width: 32mm; height: 32mm; image-rendering: pixelated" '
        f'src="{rendering.qr_data_uri(url)}" alt="QR"></body></html>'
    )
    page = pypdf.PdfReader(io.BytesIO(rendering.html_to_pdf(html))).pages[0]
    (image,) = page.images
    assert image.indirect_reference.get_object()["/Interpolate"].value is False
    assert qr_modules(image.image) == qr_modules_expected(url)

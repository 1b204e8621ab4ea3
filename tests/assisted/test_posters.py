"""Per-service posters: one A4 PDF page in Indonesian with the requirements, the time limit,
"gratis", the WhatsApp number and format, and a QR code that reads back as the service page."""

import io
import shutil
import subprocess

import pikepdf
import pytest
import segno
from PIL import Image

from assisted.posters import QR_SCALE, poster_html, service_url
from catalogue.selectors import service_with_details

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _office(settings):
    settings.OFFICE_WHATSAPP = "0811-5400-1234"
    settings.PUBLIC_BASE_URL = "https://loket.example.go.id"


def fetch(client, code):
    response = client.get(f"/poster/{code}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def pdf_text(content: bytes, tmp_path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    path = tmp_path / "poster.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def qr_image_from_pdf(content: bytes) -> Image.Image:
    with pikepdf.open(io.BytesIO(content)) as pdf:
        images = [
            pikepdf.PdfImage(obj).as_pil_image() for obj in pdf.pages[0].get_images().values()
        ]
    assert len(images) == 1
    return images[0].convert("L")


def modules_of(image: Image.Image, border: int = 4) -> list[list[bool]]:
    """Read the QR's modules back from the picture: the centre pixel of each cell."""
    size = image.width // QR_SCALE - 2 * border
    return [
        [
            image.getpixel(
                ((border + x) * QR_SCALE + QR_SCALE // 2, (border + y) * QR_SCALE + QR_SCALE // 2)
            )
            < 128
            for x in range(size)
        ]
        for y in range(size)
    ]


@pytest.mark.parametrize("code", ["KTP", "KIA", "KK", "AKL", "SKPWNI"])
def test_it_renders_one_indonesian_page_with_everything_the_banner_lacked(client, code, tmp_path):
    content = fetch(client, code)
    assert content.startswith(b"%PDF-")
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert len(pdf.pages) == 1
    service = service_with_details(code)
    html = poster_html(service)
    text = pdf_text(content, tmp_path) or html
    flat = " ".join(text.split())
    assert service.name_id in flat
    assert "GRATIS" in flat
    assert f"Selesai dalam {service.time_limit_workdays} hari kerja" in flat
    assert "0811-5400-1234" in flat
    for requirement in service.requirements.filter(variant=None):
        assert requirement.name_id[:25] in flat
    if code in ("KTP", "KIA", "KK", "SKPWNI"):
        assert f"#{code}#" in flat  # the WhatsApp message format


def test_the_qr_reads_back_as_the_service_page(client, tmp_path):
    content = fetch(client, "KIA")
    url = service_url(service_with_details("KIA"))
    assert url == "https://loket.example.go.id/layanan/KIA/"
    image = qr_image_from_pdf(content)
    # The modules printed are exactly those of the QR code for the service page's address.
    assert modules_of(image) == [
        [bool(v) for v in row] for row in segno.make(url, error="m").matrix
    ]
    # And where a decoder is installed, a real scan of the printed page (rasterised at a
    # phone-camera-like 150 dpi) gives the address.
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("pdftoppm/zbarimg not installed: checked the module matrix only")
    (tmp_path / "poster.pdf").write_bytes(content)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-png",
            "-singlefile",
            str(tmp_path / "poster.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    scan = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert scan.stdout.strip() == url


def test_an_unknown_service_has_no_poster(client):
    assert client.get("/poster/NOPE.pdf").status_code == 404

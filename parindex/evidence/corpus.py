"""A corpus of state documents with known facts, to measure how well they are read.

`build(folder, text=20, scans=8, signed=4)` writes Word documents in the state format
(`reports.docx.StateDocument`: plans, reports, decisions — some with the legal documents' symbol
"12/2023/QĐ-UBND" —, notices, submissions and official letters, with varied numbers, dates,
issuing bodies, summaries and signer blocks), converts them to PDF with LibreOffice (one call for
all), renders some to images as scans (a slight rotation and speckle noise; half kept as PNG
photos, half as scanned PDFs) and signs some PDFs with a self-signed test certificate (pyHanko).
`measure(samples)` reads every file as an upload is read (`extract.py`, `facts.py`) and counts,
per group (text PDF, Word, scan), how often the kind, the number and the date come out right.
`manage.py evidence_accuracy` prints the figures.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from parindex.evidence.extract import extract_text
from parindex.evidence.facts import read_facts
from parindex.reports.docx import Section, StateDocument, place_date, render_docx

TEXT, WORD, SCAN = "text_pdf", "word", "scan"
FIELDS = ("kind", "number", "date")

_COMMUNES = [
    ("UBND huyện Thanh Miện", "An Bình"),
    ("UBND huyện Thanh Miện", "Hồng Quang"),
    ("UBND thành phố Hải Phòng", "Nam Thanh Miện"),
    ("UBND huyện Gia Lộc", "Thống Nhất"),
    ("UBND thị xã Kinh Môn", "Phú Thứ"),
    ("UBND tỉnh Hải Dương", "Tân Trường"),
]
_NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Hương",
    "Lê Minh Tuấn",
    "Phạm Quang Huy",
    "Vũ Thị Lan",
    "Đỗ Đức Thắng",
    "Bùi Thanh Hà",
    "Hoàng Văn Nam",
]
_TOPICS = [
    "cải cách hành chính",
    "kiểm tra công tác cải cách hành chính",
    "tuyên truyền cải cách hành chính",
    "rà soát, đánh giá thủ tục hành chính",
    "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "đo lường sự hài lòng của người dân",
    "chuyển đổi số",
]
# kind code → (symbol code, title written, how the summary starts)
_KINDS = {
    "ke_hoach": ("KH", "Kế hoạch", "{topic} năm {year}"),
    "bao_cao": ("BC", "Báo cáo", "Kết quả thực hiện công tác {topic} năm {year}"),
    "quyet_dinh": ("QĐ", "Quyết định", "Về việc kiện toàn Ban chỉ đạo {topic} xã {place}"),
    "thong_bao": ("TB", "Thông báo", "Kết luận của Chủ tịch UBND xã về {topic}"),
    "to_trinh": ("TTr", "Tờ trình", "Về việc phê duyệt kinh phí {topic} năm {year}"),
    "cong_van": ("", "", "Triển khai {topic} năm {year}"),
}


@dataclass
class Sample:
    path: Path
    group: str  # TEXT, WORD or SCAN
    kind: str
    number: str
    issued_on: dt.date
    signed: bool = False
    summary: str = ""


@dataclass
class Score:
    group: str
    count: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)

    def rate(self, name: str) -> float:
        return self.right[name] / self.count if self.count else 0.0


def _spec(index: int, rng: random.Random) -> tuple[StateDocument, Sample]:
    kind = list(_KINDS)[index % len(_KINDS)]
    symbol, title, summary_pattern = _KINDS[kind]
    superior, place = rng.choice(_COMMUNES)
    year = rng.randint(2021, 2025)
    day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    serial = rng.randint(1, 250)
    if kind == "cong_van":
        number = f"{serial}/UBND-{rng.choice(['VP', 'VHXH', 'ĐCXD'])}"
    elif kind == "quyet_dinh" and index % 4 == 0:
        number = f"{serial:02d}/{year}/QĐ-UBND"  # a legal document's number names its year
    else:
        number = f"{serial}/{symbol}-UBND"
    topic = rng.choice(_TOPICS)
    summary = summary_pattern.format(topic=topic, year=year, place=place)
    summary = summary[0].upper() + summary[1:]
    signer = rng.choice(_NAMES)
    deputy = rng.random() < 0.4
    authority = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") if deputy else ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    head = f"Số: {number}"
    if kind == "cong_van":
        head = f"Số: {number}\nV/v {summary[0].lower()}{summary[1:]}"
    grounds = (
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác "
        "văn thư;",
    )
    sections = (
        Section(
            "I. MỤC ĐÍCH, YÊU CẦU" if kind != "cong_van" else "",
            (
                f"Thực hiện công tác {topic} trên địa bàn xã {place} đúng quy định, "
                "bảo đảm chất lượng và tiến độ.",
                f"Phấn đấu hoàn thành các chỉ tiêu trước ngày 15 tháng 12 năm {year}.",
            ),
        ),
    )
    document = StateDocument(
        superior=superior,
        issuer=f"Ủy ban nhân dân xã {place}",
        number=head,
        place_date=place_date(place, day),
        kind=title,
        summary="" if kind == "cong_van" else summary,
        grounds=() if kind == "cong_van" else grounds,
        sections=sections,
        recipients=("UBND huyện;", "Các ban, ngành, đoàn thể xã;"),
        authority=authority,
        signer=signer,
    )
    sample = Sample(Path(), TEXT, kind, number, day, summary=summary)
    return document, sample


def convert_to_pdf(folder: Path, names: list[Path]) -> None:
    """Word files to PDF next to them, with LibreOffice (one call: it is slow to start)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is needed to build the corpus")
    profile = (folder / "lo-profile").resolve().as_uri()
    subprocess.run(  # noqa: S603 - a fixed program on our own files
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(n) for n in names),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )


def _scan(pdf: Path, out: Path, rng: random.Random, *, as_pdf: bool) -> None:
    """Render the first page as a scanner would: grey, 200 dpi, slightly turned, speckled."""
    from PIL import Image

    stem = out.with_suffix("")
    subprocess.run(  # noqa: S603
        [
            shutil.which("pdftoppm") or "pdftoppm",
            "-r",
            "200",
            "-gray",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    page_path = stem.with_suffix(".png")
    image = Image.open(page_path).convert("L")
    image = image.rotate(rng.uniform(-0.8, 0.8), fillcolor=255, resample=Image.Resampling.BICUBIC)
    pixels = image.load()
    width, height = image.size
    for _ in range(width * height // 400):  # speckle: dust on the glass
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.choice((0, 90, 160))  # type: ignore[index]
    if as_pdf:
        image.save(out, "PDF", resolution=200)
        page_path.unlink()
    else:
        image.save(out, "PNG")


def make_signer(common_name: str = "Ủy ban nhân dân xã An Bình (thử nghiệm)") -> object:
    """A pyHanko signer with a fresh self-signed certificate (for tests and the corpus only)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore(),
    )


def sign_pdf(data: bytes, signer: object) -> bytes:
    """The PDF signed by `signer` (an approval signature, as an issuing body's)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from parindex.evidence.signatures import off_loop

    def sign() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = io.BytesIO()
        signers.sign_pdf(
            writer,
            signers.PdfSignatureMetadata(field_name="ChuKySo"),
            signer=signer,  # type: ignore[arg-type]
            output=out,
        )
        return out.getvalue()

    return off_loop(sign)


def build(
    folder: Path, *, text: int = 20, scans: int = 8, signed: int = 4, seed: int = 2023
) -> list[Sample]:
    """Write the corpus into `folder` (see the module docstring); its samples with their facts."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    folder.mkdir(parents=True, exist_ok=True)
    total = max(text, scans)
    specs = [_spec(index, rng) for index in range(total)]
    words: list[Path] = []
    samples: list[Sample] = []
    for index, (document, sample) in enumerate(specs):
        path = folder / f"doc-{index:03d}.docx"
        path.write_bytes(render_docx(document))
        words.append(path)
        samples.append(Sample(path, WORD, sample.kind, sample.number, sample.issued_on))
    convert_to_pdf(folder, words)
    result: list[Sample] = []
    signer = make_signer() if signed else None
    for index, (_document, sample) in enumerate(specs):
        pdf = folder / f"doc-{index:03d}.pdf"
        if index < text:
            is_signed = index < signed
            if is_signed:
                pdf.write_bytes(sign_pdf(pdf.read_bytes(), signer))
            result.append(
                Sample(pdf, TEXT, sample.kind, sample.number, sample.issued_on, is_signed)
            )
        if index < scans:
            as_pdf = index % 2 == 1
            out = folder / f"scan-{index:03d}.{'pdf' if as_pdf else 'png'}"
            _scan(pdf, out, rng, as_pdf=as_pdf)
            result.append(Sample(out, SCAN, sample.kind, sample.number, sample.issued_on))
    result += samples[:text]
    return result


def _file_kind(path: Path) -> str:
    return {".pdf": "pdf", ".png": "png", ".docx": "docx"}[path.suffix]


def measure(
    samples: list[Sample], *, progress: Callable[[Sample], None] | None = None
) -> dict[str, Score]:
    """Read every sample and count the facts read right, per group."""
    scores = {group: Score(group) for group in (TEXT, WORD, SCAN)}
    for sample in samples:
        extracted = extract_text(sample.path.read_bytes(), _file_kind(sample.path))
        facts = read_facts(extracted.text)
        score = scores[sample.group]
        score.count += 1
        found = {"kind": facts.kind, "number": facts.number, "date": facts.issued_on}
        wanted = {"kind": sample.kind, "number": sample.number, "date": sample.issued_on}
        for name in FIELDS:
            if found[name] == wanted[name]:
                score.right[name] += 1
            else:
                score.misses.append(
                    f"{sample.path.name} {name}: {found[name]!r} ≠ {wanted[name]!r}"
                )
        if progress is not None:
            progress(sample)
    return {group: score for group, score in scores.items() if score.count}

"""Self-print document benchmark: how many signed documents Loket issues per second, and how that
compares with pyHanko signing a ready-made PDF alone, in the same run and process.

Measured in interleaved rounds (each round runs every scenario once), --documents recorded
rounds after --warmup unrecorded ones:

* pyHanko signing      a ready-made one-page PDF (one of our documents, unsigned) signed with
                       pyHanko's documented calls (SimpleSigner.load_pkcs12 once, then
                       signers.sign_pdf with PAdES metadata): the baseline of the target;
* Loket signing step   the same PDF through documents.signing.sign_pdf (the signer whose
                       private key is parsed once, the signature size given up front);
* render only          documents.pdf.render_pdf (template, segno QR, WeasyPrint), unsigned;
* full document        documents.services.document_issue: number reserved in the database,
                       render, sign, encrypted storage, SHA-256, attach: what the worker does.

Target: time per full document <= 1.5x time per pyHanko signing (documents per second at
least 2/3 of the signatures per second). The ratio to Loket's own signing step is printed too,
so the rendering's share stays visible. Figures are printed and written to
bench/results/sign_documents.json.

Run:
    .venv/bin/python bench/sign_documents.py [--documents N] [--warmup N]

Everything happens in a temporary directory (SQLite database, demo certificates, encrypted
files), removed at the end; no server and no network are involved.
"""

import sys
from pathlib import Path

# Python puts this script's folder first on the path, where bench/queue.py would shadow the
# standard library's queue (used by concurrent.futures, asgiref): drop it.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

REPO = HERE.parent
RESULTS_DIR = REPO / "bench" / "results"
TARGET_RATIO = 1.5


def setup_django(work: Path) -> None:
    os.environ["LOKET_VAR_DIR"] = str(work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "loket.settings"
    os.environ["SIGNING_TSA_URL"] = ""  # PAdES B-B: a TSA round trip is not what we measure
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("signing_demo_certs", stdout=io.StringIO())


def issued_applications(count: int) -> list:
    """`count` akta kematian applications already ISSUED (as after SIAK's approval)."""
    from accounts.models import User
    from applications.models import Application
    from catalogue.models import Service

    resident = User.objects.create(username="+6281200000001", phone="+6281200000001")
    service = Service.objects.get(code="AKM")
    return [
        Application.objects.create(
            resident=resident,
            service=service,
            status="issued",
            registration_number=f"AKM-BENCH-{n:05d}",
            data={
                "nik": f"64710541079{n:05d}",
                "no_kk": "6471050101100003",
                "name": f"Penduduk Contoh {n}",
                "event_date": "2026-11-20",
                "event_place": "Balikpapan",
            },
        )
        for n in range(count)
    ]


def timed_interleaved(scenarios: dict, rounds: int, warmup: int) -> dict[str, list[float]]:
    """Round i runs every scenario once on its i-th item, so a load spike on the machine hits
    all of them alike instead of whichever series happened to be running."""
    times = {name: [] for name in scenarios}
    for i in range(rounds):
        for name, (function, items) in scenarios.items():
            start = time.perf_counter()
            function(items[i])
            if i >= warmup:
                times[name].append(time.perf_counter() - start)
    return times


def summary(name: str, times: list[float]) -> dict:
    mean = statistics.fmean(times)
    return {
        "name": name,
        "runs": len(times),
        "per_second": round(1 / mean, 1),
        "mean_ms": round(mean * 1000, 2),
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "max_ms": round(max(times) * 1000, 2),
    }


def run(documents: int, warmup: int) -> dict:
    from django.conf import settings
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from documents import pdf, signing
    from documents.models import Document
    from documents.services import document_issue

    total = documents + warmup
    applications = issued_applications(total + 1)
    # The ready-made PDF: one of our documents rendered once, so both sides sign the same bytes.
    sample = document_issue(application=applications[-1])
    ready = pdf.render_pdf(sample)

    stock_signer = signers.SimpleSigner.load_pkcs12(
        settings.SIGNING_PKCS12_PATH, passphrase=settings.SIGNING_PKCS12_PASSWORD.encode()
    )

    def stock_sign(_):
        metadata = signers.PdfSignatureMetadata(
            field_name="Signature1",
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        return signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(ready)), metadata, signer=stock_signer
        )

    rounds = list(range(total))
    scenarios = {
        "pyHanko signing": (stock_sign, rounds),
        "Loket signing step": (lambda _: signing.sign_pdf(ready), rounds),
        "render only": (lambda _: pdf.render_pdf(sample), rounds),
        "full document": (lambda a: document_issue(application=a), applications[:total]),
    }
    times = timed_interleaved(scenarios, total, warmup)
    results = [summary(name, series) for name, series in times.items()]
    issued = Document.objects.exclude(sha256="").count()
    assert issued == total + 1, f"{issued} documents signed, expected {total + 1}"
    assert signing.check_signature(signing.sign_pdf(ready)).genuine
    by_name = {row["name"]: row for row in results}
    full = by_name["full document"]["mean_ms"]
    ratio = full / by_name["pyHanko signing"]["mean_ms"]
    ratio_own = full / by_name["Loket signing step"]["mean_ms"]
    return {
        "documents": documents,
        "warmup": warmup,
        "pdf_bytes": len(ready),
        "signed_pdf_bytes": sample.pdf.size,
        "results": results,
        "ratio_to_pyhanko_signing": round(ratio, 2),
        "ratio_to_loket_signing_step": round(ratio_own, 2),
        "target_ratio": TARGET_RATIO,
        "verdict": "PASS" if ratio <= TARGET_RATIO else "MISS",
    }


def report(outcome: dict) -> None:
    print(f"{'scenario':<20} {'runs':>5} {'per s':>8} {'mean ms':>9} {'p50 ms':>8} {'max ms':>8}")
    for row in outcome["results"]:
        print(
            f"{row['name']:<20} {row['runs']:>5} {row['per_second']:>8} {row['mean_ms']:>9}"
            f" {row['p50_ms']:>8} {row['max_ms']:>8}"
        )
    print(f"PDF {outcome['pdf_bytes']} bytes unsigned, {outcome['signed_pdf_bytes']} signed")
    print(
        f"full document / pyHanko signing = {outcome['ratio_to_pyhanko_signing']}x "
        f"(target <= {TARGET_RATIO}x): {outcome['verdict']}"
    )
    print(
        f"full document / Loket signing step = {outcome['ratio_to_loket_signing_step']}x "
        "(for information: rendering's share once signing is cheap)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="loket-sign-bench-"))
    try:
        setup_django(work)
        outcome = run(args.documents, args.warmup)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(outcome)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "sign_documents.json").write_text(json.dumps(outcome, indent=2) + "\n")
    return 0 if outcome["verdict"] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())

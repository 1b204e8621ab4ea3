"""The seed offices' chat formats (`#KTP#NIK#NO_KK#NAMA#DESA#KECAMATAN#HILANG#`, …), read
tolerantly, and the field checks the guided conversation shares with them.

A message either becomes a ParsedRequest (service, variant and data under the same keys as
Service.form_fields) or a list of Problems in the resident's language. Nothing here writes.
Desa/kecamatan names are matched to the office's region data with small typos forgiven; an
ambiguous desa comes back as a ParsedRequest with `village_choices` and an `ask` to put to the
resident.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.fields import FIELD_FACTORIES, NIK_FIELDS, PAST_DATE_FIELDS
from catalogue.models import Service
from population.models import Regency
from population.nik import FEMALE, MALE, Problem
from population.selectors import office_districts, office_villages
from population.services import validate_kk, validate_nik

SEPARATOR = "#"
TYPO_RATIO = 0.8  # difflib ratio at which a name counts as the same name with a typo
TIE_MARGIN = 0.05  # candidates this close to the best score are equally likely
MAX_CHOICES = 3


@dataclass(frozen=True)
class FormatSpec:
    """One format: the slots after the service code, in order. `desa`, `kecamatan` and
    `variant` are slots, not data keys; the rest are Service.form_fields keys."""

    code: str
    slots: tuple[str, ...]
    labels: tuple[str, ...]
    optional_tail: int = 0  # trailing slots that may be left out (asked for afterwards)

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(range(len(self.slots) - self.optional_tail, len(self.slots) + 1))


FORMATS = {
    spec.code: spec
    for spec in (
        FormatSpec(
            "KTP",
            ("nik", "no_kk", "name", "desa", "kecamatan", "variant"),
            ("NIK", "NO_KK", "NAMA", "DESA", "KECAMATAN", "{variants}"),
        ),
        FormatSpec(
            "KIA",
            ("nik", "no_kk", "name", "desa", "kecamatan"),
            ("NIK", "NO_KK", "NAMA", "DESA", "KECAMATAN"),
        ),
        FormatSpec(
            "KK",
            ("no_kk", "name", "desa", "kecamatan", "variant"),
            ("NO_KK", "NAMA KEPALA KELUARGA", "DESA", "KECAMATAN", "{variants}"),
            optional_tail=1,
        ),
        FormatSpec(
            "SKPWNI",
            ("nik", "no_kk", "name", "destination_address"),
            ("NIK", "NO_KK", "NAMA", "ALAMAT PINDAH"),
        ),
        FormatSpec("SKDWNI", ("skpwni_number", "purpose"), ("NO-SKPWNI", "KEPERLUAN")),
    )
}
CODE_ALIASES = {"SKDWN": "SKDWNI", "SKPWN": "SKPWNI", "KTPEL": "KTP", "KTP-EL": "KTP"}
VARIANT_ALIASES = {
    "KTP": {"BARU": "PEMULA", "PERTAMA": "PEMULA", "UBAH": "PERUBAHAN", "UBAHDATA": "PERUBAHAN"},
    "KK": {"UBAH": "PERUBAHAN", "PISAH": "BARU", "NIKAH": "BARU"},
}

MESSAGES = {
    "format_count": _(
        "Format %(service)s harus berisi %(expected)s bagian setelah kode layanan; "
        "yang terkirim %(count)d. Urutannya: %(format)s"
    ),
    "format_service_unknown": _(
        'Layanan "%(code)s" tidak dikenal. Format yang bisa dipakai: %(codes)s.'
    ),
    "format_service_guided_only": _(
        "Layanan %(code)s belum punya format singkat. "
        "Ketik MENU untuk dipandu langkah demi langkah."
    ),
    "format_variant_unknown": _(
        'Jenis permohonan "%(value)s" tidak dikenal untuk %(service)s. Pilih salah satu: '
        "%(variants)s."
    ),
    "field_required": _("%(field)s belum diisi."),
    "field_too_long": _("%(field)s terlalu panjang (maksimal %(max)d karakter)."),
    "name_letters": _(
        "Nama hanya boleh berisi huruf, spasi, titik, koma, tanda petik dan tanda hubung."
    ),
    "sex_unknown": _("Jenis kelamin tidak dikenal. Jawab L (laki-laki) atau P (perempuan)."),
    "date_invalid": _("%(field)s tidak terbaca. Tulis seperti 17-08-1990."),
    "date_future": _("Tanggal tidak boleh di masa depan."),
    "district_not_found": _('Kecamatan "%(value)s" tidak ditemukan di %(regency)s.'),
    "village_not_found": _('Desa/kelurahan "%(value)s" tidak ditemukan di %(where)s.'),
    "village_ambiguous": _(
        'Desa/kelurahan "%(value)s" cocok dengan lebih dari satu tempat: %(candidates)s. '
        "Pilih yang benar, atau tulis ulang nama desa dan kecamatannya."
    ),
}


def problem(code: str, field_name: str = "", /, **params) -> Problem:
    return Problem(code=code, template=MESSAGES[code], params=params, field=field_name)


@dataclass(frozen=True)
class ParsedRequest:
    service: str
    variant: str | None
    data: dict
    village_choices: tuple[tuple[str, str], ...] = ()  # (code, label) when the desa was unclear
    ask: Problem | None = None  # the question that goes with village_choices
    derived: tuple[str, ...] = field(default=())  # data keys filled from the NIK


# --- names -----------------------------------------------------------------------------------

DISTRICT_PREFIXES = {"kecamatan", "kec", "kc"}
VILLAGE_PREFIXES = {"desa", "ds", "kelurahan", "kel", "kampung"}


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.findall(r"[^\W_]+", text)


def _without_prefix(parts: list[str], prefixes: set[str]) -> list[str]:
    while parts and parts[0] in prefixes:
        parts = parts[1:]
    return parts


REGENCY_KINDS = {"kota", "kabupaten", "kab"}


def _regency_words() -> set[str]:
    """ "Kota Balikpapan" → {"balikpapan"}: the word every kecamatan name may repeat."""
    regency = Regency.objects.filter(code=settings.OFFICE_REGENCY_CODE).first()
    return (set(words(regency.name)) - REGENCY_KINDS) if regency else set()


def district_key(name: str, regency_words: set[str]) -> str:
    """ "Kec. Balikpapan Selatan" → "selatan": the part that tells kecamatan apart."""
    parts = _without_prefix(words(name), DISTRICT_PREFIXES)
    rest = [w for w in parts if w not in regency_words]
    return "".join(rest or parts)


def village_key(name: str) -> str:
    return "".join(_without_prefix(words(name), VILLAGE_PREFIXES))


def best_matches(query: str, items: list[tuple[str, object]]) -> list[object]:
    """Items whose key is the query: exactly, as its beginning ("gunung sari" → Ulu and Ilir),
    or with a small typo. More than one means ambiguous; best first."""
    if not query:
        return []
    exact = [obj for key, obj in items if key == query]
    if exact:
        return exact
    if len(query) >= 4:
        starts = [obj for key, obj in items if key.startswith(query)]
        if starts:
            return starts
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, query, key).ratio(), i, obj)
            for i, (key, obj) in enumerate(items)
        ),
        key=lambda row: (-row[0], row[1]),
    )
    scored = [row for row in scored if row[0] >= TYPO_RATIO]
    if not scored:
        return []
    top = scored[0][0]
    return [obj for score, _i, obj in scored if score >= top - TIE_MARGIN]


@dataclass(frozen=True)
class VillageMatch:
    village: object | None  # population.models.Village
    candidates: tuple = ()
    problems: tuple[Problem, ...] = ()


def village_label(village) -> str:
    return f"{village.name} ({_('Kec.')} {village.district.name})"


def match_village(desa: str, kecamatan: str = "") -> VillageMatch:
    """The office's desa/kelurahan named `desa`, looked for in `kecamatan` first."""
    villages = list(office_villages())
    regency_words = _regency_words()
    desa_key = village_key(desa)
    if not desa_key:
        required = problem("field_required", "village", field=field_label("village"))
        return VillageMatch(None, problems=(required,))
    district = None
    districts = []
    if district_key(kecamatan, regency_words):
        districts = best_matches(
            district_key(kecamatan, regency_words),
            [(district_key(d.name, regency_words), d) for d in office_districts()],
        )
        district = districts[0] if len(districts) == 1 else None
    if district is not None:
        inside = best_matches(
            desa_key, [(village_key(v.name), v) for v in villages if v.district_id == district.code]
        )
        if inside:
            return _result(inside, desa)
    everywhere = best_matches(desa_key, [(village_key(v.name), v) for v in villages])
    if len(everywhere) > 1 and districts:
        # The kecamatan narrows an ambiguous desa even when it did not settle it alone.
        narrowed = [v for v in everywhere if v.district_id in {d.code for d in districts}]
        everywhere = narrowed or everywhere
    if everywhere:
        return _result(everywhere, desa)
    problems = []
    regency = _regency_name()
    if kecamatan.strip() and not districts:
        problems.append(
            problem("district_not_found", "village", value=_shown(kecamatan), regency=regency)
        )
    where = f"{_('Kec.')} {district.name}" if district else regency
    problems.append(problem("village_not_found", "village", value=_shown(desa), where=where))
    return VillageMatch(None, problems=tuple(problems))


def _shown(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _regency_name() -> str:
    regency = Regency.objects.filter(code=settings.OFFICE_REGENCY_CODE).first()
    return regency.name if regency else settings.OFFICE_REGENCY_CODE


def _result(found: list, desa: str) -> VillageMatch:
    if len(found) == 1:
        return VillageMatch(found[0])
    shown = found[:MAX_CHOICES]
    listed = "; ".join(f"{i}) {village_label(v)}" for i, v in enumerate(shown, 1))
    ask = problem("village_ambiguous", "village", value=_shown(desa), candidates=listed)
    return VillageMatch(None, candidates=tuple(shown), problems=(ask,))


def split_place(text: str) -> tuple[str, str]:
    """Desa and kecamatan from one answer: "Sepinggan, Balikpapan Selatan" or
    "Sepinggan kec. Balikpapan Selatan"."""
    text = " ".join(str(text or "").split())
    for separator in (SEPARATOR, ",", ";", "/"):
        if separator in text:
            desa, _sep, kecamatan = text.partition(separator)
            return desa.strip(), kecamatan.strip()
    found = re.search(r"\b(kecamatan|kec\.?)\s", text, flags=re.IGNORECASE)
    if found and found.start() > 0:
        return text[: found.start()].strip(), text[found.start() :].strip()
    return text, ""


# --- single fields ---------------------------------------------------------------------------

SEX_WORDS = {
    MALE: {"l", "lk", "laki", "lakilaki", "pria", "cowok", "male", "m", "man", "boy"},
    FEMALE: {"p", "pr", "perempuan", "wanita", "cewek", "female", "f", "woman", "girl"},
}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Each repetition needs a separator run and then letters, so matching cannot backtrack wildly.
NAME_ALLOWED = re.compile(r"^[^\W\d_]+(?:[ .,'’`-]+[^\W\d_]+)*[ .,'’`-]*$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\ufeff]")


def field_label(key: str) -> str:
    return FIELD_FACTORIES[key]().label


def _digits(raw: str) -> str:
    # People copy numbers as "6471.0541 0790-0001": separators are not part of the number.
    return re.sub(r"[\s.\-]", "", raw)


def parse_date(raw: str) -> date | None:
    text = raw.strip().lower()
    match = re.fullmatch(r"(\d{1,2})[\s./-](\d{1,2})[\s./-](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", text):
        day, month, year = int(match[1]), MONTHS.get(match[2]), int(match[3])
        if month is None:
            return None
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def clean_value(key: str, raw) -> tuple[object, list[Problem]]:
    """One answer for data key `key`, checked as the web form checks it. (value, problems);
    `village` is matched separately (match_village)."""
    text = " ".join(CONTROL.sub("", str(raw or "")).split())
    label = field_label(key)
    if not text:
        return None, [problem("field_required", key, field=label)]
    if key in NIK_FIELDS:
        facts, problems = validate_nik(_digits(text), field_name=key)
        return (facts.nik if facts else None), problems
    if key == "no_kk":
        return validate_kk(_digits(text))
    if key == "sex":
        for value, names in SEX_WORDS.items():
            if "".join(words(text)) in names:
                return value, []
        return None, [problem("sex_unknown", key)]
    if key in PAST_DATE_FIELDS:
        parsed = parse_date(text)
        if parsed is None:
            return None, [problem("date_invalid", key, field=label)]
        if parsed > timezone.localdate():
            return None, [problem("date_future", key)]
        return parsed.isoformat(), []
    limit = getattr(FIELD_FACTORIES[key](), "max_length", None) or 200
    if len(text) > limit:
        return None, [problem("field_too_long", key, field=label, max=limit)]
    if key == "name":
        if not NAME_ALLOWED.match(text):
            return None, [problem("name_letters", key)]
        return text, []
    return text, []


def nik_facts_data(service: Service, nik: str) -> dict:
    """Sex and birth date as the NIK encodes them, for services whose form asks for them."""
    facts, problems = validate_nik(nik)
    if problems or facts is None:
        return {}
    derived = {"sex": facts.sex, "birth_date": facts.birth_date.isoformat()}
    return {key: value for key, value in derived.items() if key in service.form_fields}


# --- whole messages --------------------------------------------------------------------------


KNOWN_CODE = re.compile(
    r"#\s*(?:" + "|".join(sorted({*FORMATS, *CODE_ALIASES}, key=len, reverse=True)) + r")\s*#",
    flags=re.IGNORECASE,
)


def looks_like_format(text: str, *, loose: bool = True) -> bool:
    """A message written in a seed format: starts with '#', has a known code between two '#'
    near its start ("Halo kak, #KTP#…"), or (when `loose`) starts with a word and '#'."""
    head = str(text or "")[:200].lstrip()
    return (
        head.startswith(SEPARATOR)
        or bool(KNOWN_CODE.search(head))
        or (loose and bool(re.match(r"^[A-Za-z][A-Za-z\-]{1,9}\s*#", head)))
    )


def split_parts(text: str) -> list[str]:
    parts = [" ".join(part.split()) for part in str(text).split(SEPARATOR)]
    while parts and not parts[0]:
        parts.pop(0)
    while parts and not parts[-1]:
        parts.pop()
    return parts


def format_text(spec: FormatSpec, service: Service | None) -> str:
    variants = "/".join(v.code for v in service.variants.all()) if service else ""
    labels = [label.format(variants=variants) for label in spec.labels]
    if spec.optional_tail:
        labels[-spec.optional_tail :] = [f"[{label}]" for label in labels[-spec.optional_tail :]]
    return SEPARATOR + SEPARATOR.join([spec.code, *labels]) + SEPARATOR


def format_codes() -> str:
    return ", ".join(FORMATS)


def variant_code(service: Service, raw: str) -> str | None:
    """The service's variant named by `raw` (code, alias or name; case and spaces ignored)."""
    key = "".join(words(raw)).upper()
    key = VARIANT_ALIASES.get(service.code, {}).get(key, key)
    for variant in service.variants.all():
        names = {
            variant.code,
            *("".join(words(n)).upper() for n in (variant.name_id, variant.name_en)),
        }
        if key in names:
            return variant.code
    return None


def _code(part: str) -> str:
    code = "".join(words(part[:40])).upper()
    return CODE_ALIASES.get(code, code)


def parse_message(text: str) -> ParsedRequest | list[Problem]:
    """Read one seed-format message. Never raises on any text."""
    parts = split_parts(text)
    codes = [_code(part) for part in parts[:3]]
    for i, code in enumerate(codes[1:], 1):
        if code in FORMATS and codes[0] not in FORMATS:  # a greeting before the format
            parts = parts[i:]
            break
    code = _code(parts[0]) if parts else ""
    spec = FORMATS.get(code)
    service = Service.objects.filter(active=True, code=code).prefetch_related("variants").first()
    if spec is None or service is None:
        if service is not None:
            return [problem("format_service_guided_only", code=code)]
        return [
            problem(
                "format_service_unknown",
                code=_shown(parts[0] if parts else "", 20),
                codes=format_codes(),
            )
        ]
    values = parts[1:]
    if len(values) not in spec.counts:
        expected = " / ".join(str(n) for n in spec.counts)
        return [
            problem(
                "format_count",
                service=spec.code,
                expected=expected,
                count=len(values),
                format=format_text(spec, service),
            )
        ]
    return _read_slots(spec, service, dict(zip(spec.slots, values, strict=False)))


def _read_slots(spec: FormatSpec, service: Service, slots: dict) -> ParsedRequest | list[Problem]:
    problems: list[Problem] = []
    data: dict = {}
    for key, raw in slots.items():
        if key in ("desa", "kecamatan", "variant"):
            continue
        value, found = clean_value(key, raw)
        problems += found
        if value is not None:
            data[key] = value
    variant = None
    if slots.get("variant"):
        variant = variant_code(service, slots["variant"])
        if variant is None:
            problems.append(
                problem(
                    "format_variant_unknown",
                    "variant",
                    value=_shown(slots["variant"], 20),
                    service=service.code,
                    variants=", ".join(v.code for v in service.variants.all()),
                )
            )
    choices: tuple = ()
    ask = None
    if "desa" in slots:
        place = match_village(slots["desa"], slots.get("kecamatan", ""))
        if place.village is not None:
            data["village"] = place.village.code
        elif place.candidates:
            choices = tuple((v.code, village_label(v)) for v in place.candidates)
            ask = place.problems[0]
        else:
            problems += place.problems
    if problems:
        return problems + ([ask] if ask else [])
    derived = nik_facts_data(service, data["nik"]) if "nik" in data else {}
    for key, value in derived.items():
        data.setdefault(key, value)
    return ParsedRequest(
        service=service.code,
        variant=variant,
        data=data,
        village_choices=choices,
        ask=ask,
        derived=tuple(derived),
    )

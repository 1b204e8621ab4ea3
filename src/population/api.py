from datetime import date

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from loket.api import BAD_JSON, allow, json_body, problem, problems_response
from population.nik import FEMALE, MALE, declared_problems
from population.selectors import office_districts, office_villages, region_of_district
from population.services import validate_nik


@allow("GET")
def regions(request):
    villages: dict[str, list] = {}
    for village in office_villages():
        villages.setdefault(village.district_id, []).append(
            {"desa_code": village.code, "desa_name": village.name}
        )
    return JsonResponse(
        {
            "kecamatan": [
                {
                    "kecamatan_code": d.code,
                    "kecamatan_name": d.name,
                    "desa": villages.get(d.code, []),
                }
                for d in office_districts()
            ]
        }
    )


def _declared(body):
    """Optional declared sex and birth date, with their own problems."""
    problems, sex, born = [], body.get("sex"), body.get("birth_date")
    if sex not in (None, "", MALE, FEMALE):
        problems.append(problem("sex_invalid", _('Jenis kelamin harus "L" atau "P".')))
        sex = None
    if born not in (None, ""):
        try:
            born = date.fromisoformat(str(born))
        except ValueError:
            problems.append(
                problem("birth_date_format", _("Tanggal lahir harus berformat YYYY-MM-DD."))
            )
            born = None
    return sex or None, born or None, problems


@csrf_exempt
@allow("POST")
def nik_validate(request):
    try:
        body = json_body(request)
    except ValueError:
        return problems_response([BAD_JSON], 400, valid=False)
    sex, born, problems = _declared(body)
    facts, nik_problems = validate_nik(body.get("nik"))
    problems = nik_problems + problems
    if facts:
        problems += declared_problems(facts, sex=sex, birth_date=born)
    if problems:
        return problems_response(problems, 422, valid=False)
    return JsonResponse(
        {
            "valid": True,
            "nik": facts.nik,
            "region": region_of_district(facts.region_code),
            "birth_date": facts.birth_date.isoformat(),
            "sex": facts.sex,
        }
    )

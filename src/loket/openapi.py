"""The OpenAPI 3 description of /api/v1/ (kept by hand beside the views it describes)."""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_GET

PROBLEMS = {
    "description": "Problems with the request, messages in the Accept-Language language",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}},
}


def _json(schema_ref: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


PATHS = {
    "/regions": {
        "get": {
            "summary": "The office's kecamatan and desa/kelurahan with their codes",
            "responses": {"200": _json("Regions", "Regions")},
        }
    },
    "/services": {
        "get": {
            "summary": "Services (Standar Pelayanan) with variants and requirements",
            "responses": {"200": _json("Services", "Services")},
        }
    },
    "/services/{code}/promise-date": {
        "get": {
            "summary": "The promise date an application submitted at `submitted_at` would get",
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                {
                    "name": "submitted_at",
                    "in": "query",
                    "required": False,
                    "description": "ISO 8601 date-time; naive values are in the office's zone",
                    "schema": {"type": "string", "format": "date-time"},
                },
                {"name": "variant", "in": "query", "required": False, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": _json("PromiseDate", "Promise date"),
                "400": PROBLEMS,
                "404": PROBLEMS,
            },
        }
    },
    "/nik/validate": {
        "post": {
            "summary": "Validate a NIK, optionally against a declared sex and birth date",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/NikRequest"}}
                },
            },
            "responses": {
                "200": _json("NikValid", "The NIK is valid"),
                "400": PROBLEMS,
                "422": PROBLEMS,
            },
        }
    },
    "/applications/{registration_number}/status": {
        "get": {
            "summary": "Status, timeline and promise date of an application",
            "description": "Unknown numbers and wrong NIKs answer alike (404). Rate limited.",
            "parameters": [
                {
                    "name": "registration_number",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                },
                {"name": "nik", "in": "query", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": _json("ApplicationStatus", "Status"),
                "404": PROBLEMS,
                "429": PROBLEMS,
            },
        }
    },
}

S = {"type": "string"}
SCHEMAS = {
    "Problems": {
        "type": "object",
        "required": ["problems"],
        "properties": {
            "valid": {"type": "boolean"},
            "problems": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": S, "message": S, "field": S},
                },
            },
        },
    },
    "Regions": {
        "type": "object",
        "properties": {
            "kecamatan": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "kecamatan_code": {"type": "string", "pattern": "^[0-9]{6}$"},
                        "kecamatan_name": S,
                        "desa": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "desa_code": {"type": "string", "pattern": "^[0-9]{10}$"},
                                    "desa_name": S,
                                },
                            },
                        },
                    },
                },
            }
        },
    },
    "Requirement": {
        "type": "object",
        "properties": {
            "code": S,
            "name": S,
            "help": S,
            "accepted_types": {"type": "array", "items": S},
            "required": {"type": "boolean"},
            "required_from_age": {"type": "integer", "nullable": True},
        },
    },
    "Services": {
        "type": "object",
        "properties": {
            "services": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": S,
                        "name": S,
                        "summary": S,
                        "product": S,
                        "time_limit_workdays": {"type": "integer"},
                        "cost": {
                            "type": "object",
                            "properties": {
                                "amount_idr": {"type": "integer"},
                                "free": {"type": "boolean"},
                            },
                        },
                        "complaint_channel": S,
                        "requirements": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Requirement"},
                        },
                        "variants": {"type": "array", "items": {"type": "object"}},
                    },
                },
            }
        },
    },
    "PromiseDate": {
        "type": "object",
        "properties": {
            "service": S,
            "submitted_at": {"type": "string", "format": "date-time"},
            "time_limit_workdays": {"type": "integer"},
            "promise_date": {"type": "string", "format": "date"},
            "promise_date_text": S,
        },
    },
    "NikRequest": {
        "type": "object",
        "required": ["nik"],
        "properties": {
            "nik": S,
            "sex": {"type": "string", "enum": ["L", "P"]},
            "birth_date": {"type": "string", "format": "date"},
        },
    },
    "NikValid": {
        "type": "object",
        "properties": {
            "valid": {"type": "boolean"},
            "nik": S,
            "region": {"type": "object"},
            "birth_date": {"type": "string", "format": "date"},
            "sex": {"type": "string", "enum": ["L", "P"]},
        },
    },
    "ApplicationStatus": {
        "type": "object",
        "properties": {
            "registration_number": S,
            "service": S,
            "variant": {"type": "string", "nullable": True},
            "status": S,
            "status_label": S,
            "submitted_at": {"type": "string", "format": "date-time"},
            "promise_date": {"type": "string", "format": "date"},
            "promise_date_text": S,
            "timeline": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"status": S, "label": S, "at": S},
                },
            },
        },
    },
}


@require_GET
def document(request):
    return JsonResponse(
        {
            "openapi": "3.0.3",
            "info": {
                "title": f"Loket API — {settings.OFFICE_NAME}",
                "version": "1",
                "description": "Public API of Loket. Messages follow Accept-Language (id, en).",
            },
            "servers": [{"url": "/api/v1"}],
            "paths": PATHS,
            "components": {"schemas": SCHEMAS},
        }
    )

"""The OpenAPI document (``swagger.json``) the Acumatica stand-in serves.

Real tenants describe each endpoint at ``/entity/{endpoint}/{version}/swagger.json``;
clients such as ``easy-acumatica`` build their models and services from it. This
is the same shape for the entities and fields the stand-in keeps: entities
extend ``Entity`` (``allOf``), fields are ``StringValue``/``DecimalValue``/...
wrappers, and each entity has ``{E}_GetList``, ``{E}_GetById`` and
``{E}_PutEntity`` operations tagged with its name.
"""

from __future__ import annotations

from typing import Any

S, D, T, B, N, G = "String", "Decimal", "DateTime", "Boolean", "Int", "Guid"

# entity -> field -> wrapper kind, or ("ref", Model) / ("list", Model)
FIELDS: dict[str, dict[str, Any]] = {
    "Address": {f: S for f in ("AddressLine1", "AddressLine2", "City", "State", "PostalCode")},
    "Contact": {"Email": S, "Phone1": S, "Address": ("ref", "Address")},
    "Customer": {
        "CustomerID": S,
        "CustomerName": S,
        "CustomerClass": S,
        "Status": S,
        "ExternalRef": S,
        "MainContact": ("ref", "Contact"),
        "LastModifiedDateTime": T,
    },
    "Project": {
        "ProjectID": S,
        "Customer": S,
        "Description": S,
        "Status": S,
        "ExternalRefNbr": S,
        "LastModifiedDateTime": T,
    },
    "InvoiceDetail": {
        "LineNbr": N,
        "TransactionDescription": S,
        "Qty": D,
        "UnitPrice": D,
        "Amount": D,
        "Account": S,
        "CostCode": S,
    },
    "Invoice": {
        "Type": S,
        "ReferenceNbr": S,
        "Customer": S,
        "Project": S,
        "Date": T,
        "DueDate": T,
        "DetailTotal": D,
        "TaxTotal": D,
        "Amount": D,
        "Balance": D,
        "Status": S,
        "Hold": B,
        "CustomerOrder": S,
        "Details": ("list", "InvoiceDetail"),
        "LastModifiedDateTime": T,
    },
    "PaymentDetail": {"DocType": S, "ReferenceNbr": S, "AmountPaid": D},
    "Payment": {
        "Type": S,
        "ReferenceNbr": S,
        "CustomerID": S,
        "PaymentAmount": D,
        "ApplicationDate": T,
        "PaymentRef": S,
        "PaymentMethod": S,
        "ExternalRef": S,
        "Hold": B,
        "Status": S,
        "DocumentsToApply": ("list", "PaymentDetail"),
        "LastModifiedDateTime": T,
    },
    "TimeEntry": {
        "TimeEntryID": G,
        "Employee": S,
        "Date": T,
        "ProjectID": S,
        "ProjectTaskID": S,
        "CostCode": S,
        "EarningType": S,
        "TimeSpent": S,
        "Overtime": S,
        "Billable": B,
        "ApprovalStatus": S,
        "ExternalRefNbr": S,
        "LastModifiedDateTime": T,
    },
    "CostCode": {"CostCodeID": S, "Description": S, "LastModifiedDateTime": T},
}
TOP_LEVEL = ("Customer", "Project", "Invoice", "Payment", "TimeEntry", "CostCode")
_JSON_TYPES = {
    S: {"type": "string"},
    D: {"type": "number", "format": "double"},
    T: {"type": "string", "format": "date-time"},
    B: {"type": "boolean"},
    N: {"type": "integer", "format": "int32"},
    G: {"type": "string", "format": "uuid"},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _property(kind: Any) -> dict[str, Any]:
    if isinstance(kind, tuple):
        how, model = kind
        return {"type": "array", "items": _ref(model)} if how == "list" else _ref(model)
    return _ref(f"{kind}Value")


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def swagger(endpoint: str = "Default", version: str = "24.200.001") -> dict[str, Any]:
    """The endpoint's OpenAPI 3 document."""
    schemas: dict[str, Any] = {
        f"{kind}Value": {"type": "object", "properties": {"value": _JSON_TYPES[kind]}}
        for kind in _JSON_TYPES
    }
    schemas["Entity"] = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "rowNumber": {"type": "integer", "format": "int64"},
            "note": _ref("StringValue"),
            "custom": {"type": "object"},
            "error": {"type": "string"},
            "files": {"type": "array", "items": {"type": "object"}},
        },
    }
    for name, fields in FIELDS.items():
        schemas[name] = {
            "allOf": [
                _ref("Entity"),
                {
                    "type": "object",
                    "properties": {f: _property(k) for f, k in fields.items()},
                },
            ]
        }
    query = ["select", "filter", "expand", "custom", "skip", "top"]
    parameters: dict[str, Any] = {
        name: {"name": f"${name}", "in": "query", "schema": {"type": "string"}} for name in query
    }
    parameters["ids"] = {
        "name": "ids",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    paths: dict[str, Any] = {}
    for name in TOP_LEVEL:
        listed = [{"$ref": f"#/components/parameters/{p}"} for p in query]
        paths[f"/{name}"] = {
            "get": {
                "tags": [name],
                "summary": "Retrieves records that satisfy the specified conditions",
                "operationId": f"{name}_GetList",
                "parameters": listed,
                "responses": {
                    "200": {"description": "OK", **_json({"type": "array", "items": _ref(name)})}
                },
            },
            "put": {
                "tags": [name],
                "summary": "Creates a record or updates an existing record",
                "operationId": f"{name}_PutEntity",
                "parameters": listed[:3],
                "requestBody": {"required": True, **_json(_ref(name))},
                "responses": {"200": {"description": "OK", **_json(_ref(name))}},
            },
        }
        paths[f"/{name}/{{ids}}"] = {
            "get": {
                "tags": [name],
                "summary": "Retrieves a record by the value of its key fields",
                "operationId": f"{name}_GetById",
                "parameters": [{"$ref": "#/components/parameters/ids"}, *listed[:3]],
                "responses": {"200": {"description": "OK", **_json(_ref(name))}},
            }
        }
    return {
        "openapi": "3.0.1",
        "info": {"title": f"{endpoint}/{version}", "version": version},
        "servers": [{"url": f"/entity/{endpoint}/{version}"}],
        "paths": paths,
        "components": {"schemas": schemas, "parameters": parameters},
    }

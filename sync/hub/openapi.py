"""The hub's HTTP API described in OpenAPI 3.1 (served at /openapi.json; sync/README.md explains it)."""

from __future__ import annotations

from sync.wire import MAX_BATCH_EVENTS, MAX_BODY_BYTES, PULL_PAGE_EVENTS

_ERROR = {"description": "Refused; nothing changed", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Error"}}}}
_AUTH: list[dict[str, list[str]]] = [{"deviceToken": []}]
_DEVICE_MAX_SEQ = {"type": "integer", "minimum": 0,
                   "description": "the highest seq the hub holds of the calling device (0: none); a PC whose "
                                  "log ends lower was restored from an older backup and pulls its own events back"}


def _json(schema_ref: str, description: str = "OK") -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


EVENT_SCHEMA = {
    "type": "object",
    "required": ["uuid", "device_id", "seq", "actor", "at", "entity", "entity_id", "action", "payload",
                 "prev_hash", "hash"],
    "properties": {
        "uuid": {"type": "string", "format": "uuid", "description": "made on the PC that recorded it"},
        "device_id": {"type": "string", "maxLength": 64},
        "seq": {"type": "integer", "minimum": 1, "description": "per-device sequence number"},
        "actor": {"type": "string", "maxLength": 200},
        "at": {"type": "string", "format": "date-time", "description": "ISO 8601 with offset"},
        "entity": {"type": "string", "examples": ["dossier", "procedure", "settings", "calendar"]},
        "entity_id": {"type": "string"},
        "action": {"type": "string", "examples": ["receive", "move", "extend", "attach", "add", "update"]},
        "payload": {"type": "object"},
        "prev_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                 "description": "sha256(prev_hash + canonical JSON of the fields above); checked by the hub"},
        "server_seq": {"type": "integer", "description": "only in pulled events: the hub's order"},
    },
}

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "MotCua hub", "version": "1",
             "description": "Enrolled PCs of a unit push their events and pull the others' (and their own back "
                            "after restoring an older backup). A repeated event "
                            "(same uuid, same hash) is accepted as a duplicate, so any batch may be resent. "
                            "Errors are JSON with a Vietnamese message and change nothing."},
    "components": {
        "securitySchemes": {"deviceToken": {"type": "http", "scheme": "bearer",
                                            "description": "the token printed by `hub enroll`"}},
        "schemas": {
            "Event": EVENT_SCHEMA,
            "Error": {"type": "object", "required": ["error", "message"], "properties": {
                "error": {"type": "string"}, "message": {"type": "string"},
                "rejected": {"type": "array", "items": {"type": "object", "properties": {
                    "uuid": {"type": "string"}, "reason": {"type": "string"}}}}}},
            "PushRequest": {"type": "object", "required": ["device_id", "events"], "properties": {
                "device_id": {"type": "string"},
                "events": {"type": "array", "maxItems": MAX_BATCH_EVENTS, "items": {"$ref": "#/components/schemas/Event"}},
                "push_sig": {"type": "string", "pattern": "^[0-9a-f]{128}$",
                             "description": "the device's Ed25519 signature of the whole batch (motcua-push-v1, "
                                            "sync/signing.push_message); without it each event's sig is checked"}}},
            "PushResult": {"type": "object", "properties": {
                "accepted": {"type": "array", "items": {"type": "string"}},
                "duplicates": {"type": "array", "items": {"type": "string"}},
                "device_max_seq": _DEVICE_MAX_SEQ,
                "server_time": {"type": "string", "format": "date-time"}}},
            "PullResult": {"type": "object", "properties": {
                "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
                "next": {"type": "integer", "description": "the cursor to ask with next time"},
                "more": {"type": "boolean"}, "server_time": {"type": "string", "format": "date-time"}}},
            "OwnEventsResult": {"type": "object", "properties": {
                "device_id": {"type": "string", "description": "the device the token is bound to"},
                "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"},
                           "description": "this device's own events with seq > after_seq, by seq"},
                "next": {"type": "integer", "description": "the after_seq to ask with next (the last seq sent)"},
                "more": {"type": "boolean"}, "max_seq": _DEVICE_MAX_SEQ,
                "server_time": {"type": "string", "format": "date-time"}}},
            "EnrollRequest": {"type": "object", "required": ["device_id"], "properties": {
                "device_id": {"type": "string"}, "station": {"type": ["integer", "null"], "minimum": 1, "maximum": 9},
                "keep": {"type": "boolean", "default": True,
                         "description": "keep `station` if no other PC of the unit holds it (the PC already used "
                                        "it); false: take the number the hub gives"}}},
            "EnrollResult": {"type": "object", "properties": {
                "device_id": {"type": "string"}, "unit_code": {"type": "string"},
                "unit_key": {"type": "string", "description": "signs USB files the unit's PCs can check"},
                "same_station": {"type": "array", "items": {"type": "string"}},
                "station": {"type": "integer", "minimum": 1, "maximum": 9,
                            "description": "the station number the hub holds for this PC: it takes it"},
                "device_max_seq": _DEVICE_MAX_SEQ,
                "server_time": {"type": "string", "format": "date-time"}}},
            "StationRequest": {"type": "object", "required": ["device_id", "station"], "properties": {
                "device_id": {"type": "string"}, "station": {"type": "integer", "minimum": 1, "maximum": 9}}},
            "StationResult": {"type": "object", "properties": {
                "station": {"type": "integer"}, "server_time": {"type": "string", "format": "date-time"}}},
            "UnitStatus": {"type": "object", "properties": {
                "unit_code": {"type": "string"},
                "devices": {"type": "array", "items": {"type": "object", "properties": {
                    "device_id": {"type": "string"}, "station": {"type": ["integer", "null"]},
                    "unseen": {"type": "integer", "description": "its dossiers (receive events on the hub) that "
                                                                "another PC of the unit has not pulled yet"},
                    "pulled_at": {"type": ["string", "null"]}, "me": {"type": "boolean"}}}},
                "server_time": {"type": "string", "format": "date-time"}}},
            "Health": {"type": "object", "properties": {
                "status": {"type": "string"}, "server_time": {"type": "string", "format": "date-time"},
                "max_batch": {"type": "integer"}, "max_body_bytes": {"type": "integer"}}},
        },
    },
    "paths": {
        "/v1/health": {"get": {"summary": "Is the hub up; its clock", "responses": {"200": _json("Health")}}},
        "/v1/enroll": {"post": {
            "summary": "Bind a token to this PC (once; again from the same PC is fine)", "security": _AUTH,
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/EnrollRequest"}}}},
            "responses": {"200": _json("EnrollResult"), "400": _ERROR, "401": _ERROR, "409": _ERROR}}},
        "/v1/events": {
            "post": {
                "summary": "Push a batch of events (atomic: all stored or none)", "security": _AUTH,
                "description": f"At most {MAX_BATCH_EVENTS} events and {MAX_BODY_BYTES} bytes. Events may come "
                               "in any order and more than once.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/PushRequest"}}}},
                "responses": {"200": _json("PushResult"), "400": _ERROR, "401": _ERROR, "403": _ERROR,
                              "409": _ERROR, "413": _ERROR, "422": _ERROR}},
            "get": {
                "summary": "Pull the unit's events of other devices after a cursor", "security": _AUTH,
                "parameters": [
                    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                "maximum": MAX_BATCH_EVENTS,
                                                                "default": PULL_PAGE_EVENTS}}],
                "responses": {"200": _json("PullResult"), "400": _ERROR, "401": _ERROR, "403": _ERROR}},
        },
        "/v1/station": {"post": {
            "summary": "Ask for a station number: granted when no other PC of the unit holds it",
            "security": _AUTH,
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/StationRequest"}}}},
            "responses": {"200": _json("StationResult"), "400": _ERROR, "401": _ERROR, "403": _ERROR,
                          "409": {**_ERROR, "description": "held by another PC (error station_taken, with `station`: "
                                                           "this PC's number, and `free`), or none free (no_station)"}}}},
        "/v1/unit/status": {"get": {
            "summary": "Per PC of the unit: station and dossiers another PC has not pulled yet",
            "security": _AUTH,
            "parameters": [{"name": "after", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0},
                            "description": "the caller's pull cursor (it applied every event up to there)"}],
            "responses": {"200": _json("UnitStatus"), "400": _ERROR, "401": _ERROR, "403": _ERROR}}},
        "/v1/devices/me/events": {"get": {
            "summary": "Pull back this device's own events after a seq (recovery after restoring a backup)",
            "security": _AUTH,
            "description": "The events the hub holds of the device the token is bound to, with seq > after_seq, "
                           "in seq order, exactly as pushed (uuid, seq, prev_hash, hash). A PC restored from an "
                           "older backup asks from its last acknowledged seq, stores them and numbers its newer "
                           "events after `max_seq` (sync/README.md, \"After a restore\").",
            "parameters": [
                {"name": "after_seq", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                            "maximum": MAX_BATCH_EVENTS,
                                                            "default": PULL_PAGE_EVENTS}}],
            "responses": {"200": _json("OwnEventsResult"), "400": _ERROR, "401": _ERROR, "403": _ERROR}}},
        "/openapi.json": {"get": {"summary": "This description", "responses": {"200": {"description": "OK"}}}},
        "/healthz": {"get": {"summary": "Store reachable and its schema this program's (503 otherwise)",
                             "responses": {"200": {"description": "OK"}, "503": {"description": "Unavailable"}}}},
        "/v1/admin/report": {"get": {
            "summary": "The province's figures per unit (province administrator's token)", "security": _AUTH,
            "parameters": [{"name": n, "in": "query", "required": n != "unit_code", "schema": {"type": "string"}}
                           for n in ("from", "to", "unit_code")],
            "responses": {"200": {"description": "Figures"}, "400": _ERROR, "403": _ERROR}}},
        "/v1/admin/catalog": {"post": {
            "summary": "Publish the catalog (XLSX/CSV body) to the province or one unit (administrator's token)",
            "security": _AUTH,
            "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}} for n in ("unit_code", "name")],
            "requestBody": {"required": True, "content": {"application/octet-stream": {}}},
            "responses": {"200": {"description": "Counts"}, "400": _ERROR, "403": _ERROR, "413": _ERROR}}},
    },
}

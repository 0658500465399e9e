"""The OpenAPI 3.1 document of API v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


SECURED = [{"bearerAuth": []}]


def openapi_document(server: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "elearn API",
            "version": "1",
            "description": (
                "JSON API of the OCOP e-learning platform. Get a token from "
                "POST /auth/token and send it as 'Authorization: Bearer <token>'. "
                'Errors are {"error": {"code", "message"}} with a 4xx status.'
            ),
        },
        "servers": [{"url": f"{server}/api/v1"}],
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "fields": {"type": "object"},
                            },
                        }
                    },
                },
                "CourseSummary": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "topic": {"type": "string"},
                        "lesson_count": {"type": "integer"},
                    },
                },
                "Outline": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "topic": {"type": "string"},
                        "estimated_hours": {"type": "number"},
                        "sections": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "title": {"type": "string"},
                                    "quizzes": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "id": {"type": "integer"},
                                                "key": {"type": "string"},
                                                "title": {"type": "string"},
                                                "required": {"type": "boolean"},
                                            },
                                        },
                                    },
                                    "lessons": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "id": {"type": "integer"},
                                                "slug": {"type": "string"},
                                                "title": {"type": "string"},
                                                "minutes": {"type": "integer"},
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
                "Lesson": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "slug": {"type": "string"},
                        "course": {"type": "string"},
                        "title": {"type": "string"},
                        "minutes": {"type": "integer"},
                        "required": {"type": "boolean"},
                        "video_url": {"type": ["string", "null"]},
                        "video_minutes": {"type": ["integer", "null"]},
                        "html": {"type": "string", "description": "Sanitised HTML"},
                        "completed": {"type": "boolean"},
                    },
                },
                "Attempt": {
                    "type": "object",
                    "properties": {
                        "attempt_id": {"type": "integer"},
                        "number": {"type": "integer"},
                        "state": {"type": "string", "enum": ["open", "submitted"]},
                        "started_at": {"type": "string", "format": "date-time"},
                        "deadline": {"type": ["string", "null"], "format": "date-time"},
                        "submitted_at": {"type": ["string", "null"], "format": "date-time"},
                        "score": {"type": ["number", "null"], "description": "0-100"},
                        "passed": {"type": ["boolean", "null"]},
                    },
                },
                "AttemptQuestion": {
                    "type": "object",
                    "description": "Never includes which answers are right.",
                    "properties": {
                        "id": {"type": "integer"},
                        "type": {
                            "type": "string",
                            "enum": [
                                "single",
                                "multi",
                                "truefalse",
                                "short",
                                "numeric",
                                "matching",
                            ],
                        },
                        "text": {"type": "string"},
                        "html": {"type": "string"},
                        "options": {
                            "description": (
                                "[{id, text}] for single/multi/truefalse; "
                                "{left: [{id, text}], right: [{id, text}]} for matching; "
                                "[] otherwise. Option ids are random per attempt."
                            )
                        },
                        "saved": {"description": "The saved answer, in the same form as answers"},
                    },
                },
                "Answers": {
                    "type": "object",
                    "properties": {
                        "answers": {
                            "type": "object",
                            "description": (
                                "question id -> answer: an option id (single), a list of "
                                "option ids (multi), true/false, a string (short), a number "
                                "(numeric) or {left id: right id} (matching)"
                            ),
                        },
                        "version": {
                            "type": "integer",
                            "description": "optional; refused with 409 when stale",
                        },
                    },
                },
                "CourseProgress": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "percent": {"type": "integer"},
                        "lessons_done": {"type": "integer"},
                        "lessons_total": {"type": "integer"},
                        "quizzes_passed": {"type": "integer"},
                        "quizzes_total": {"type": "integer"},
                        "completed_at": {"type": ["string", "null"], "format": "date-time"},
                        "certificate_code": {"type": ["string", "null"]},
                    },
                },
            },
        },
        "paths": {
            "/auth/token": {
                "post": {
                    "summary": "Get a bearer token",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["login", "password"],
                                    "properties": {
                                        "login": {
                                            "type": "string",
                                            "description": "E-mail or Vietnamese mobile number",
                                        },
                                        "password": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "token": {"type": "string"},
                                    "expires_at": {"type": "string", "format": "date-time"},
                                },
                            },
                            "Token issued",
                        ),
                        "400": _error("Malformed request"),
                        "401": _error("Wrong login or password"),
                        "429": _error("Too many failed attempts"),
                    },
                }
            },
            "/courses": {
                "get": {
                    "summary": "List published courses",
                    "parameters": [
                        {"name": "topic", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "Search; ignores case and Vietnamese diacritics",
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "courses": {"type": "array", "items": _ref("CourseSummary")}
                                },
                            },
                            "Courses",
                        )
                    },
                }
            },
            "/courses/{slug}": {
                "get": {
                    "summary": "A course's outline",
                    "parameters": [_path_param("slug", "string")],
                    "responses": {
                        "200": _json(_ref("Outline"), "Outline"),
                        "404": _error("No such course"),
                    },
                }
            },
            "/courses/{slug}/enrollment": {
                "post": {
                    "summary": "Enrol in a course",
                    "security": SECURED,
                    "parameters": [_path_param("slug", "string")],
                    "responses": {
                        "201": {"description": "Enrolled now"},
                        "200": {"description": "Already enrolled"},
                        "401": _error("Token missing or invalid"),
                        "404": _error("No such course"),
                    },
                }
            },
            "/lessons/{id}": {
                "get": {
                    "summary": "A lesson's content",
                    "security": SECURED,
                    "parameters": [_path_param("id", "integer")],
                    "responses": {
                        "200": _json(_ref("Lesson"), "Lesson"),
                        "401": _error("Token missing or invalid"),
                        "403": _error("Not enrolled in the course"),
                        "404": _error("No such lesson"),
                    },
                }
            },
            "/lessons/{id}/completion": {
                "post": {
                    "summary": "Mark a lesson complete (idempotent)",
                    "security": SECURED,
                    "parameters": [_path_param("id", "integer")],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "lesson_id": {"type": "integer"},
                                    "completed_at": {"type": "string", "format": "date-time"},
                                },
                            },
                            "Completed (first completion time)",
                        ),
                        "401": _error("Token missing or invalid"),
                        "403": _error("Not enrolled in the course"),
                        "404": _error("No such lesson"),
                    },
                }
            },
            "/me/progress": {
                "get": {
                    "summary": "Progress in every enrolled course",
                    "security": SECURED,
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "courses": {"type": "array", "items": _ref("CourseProgress")}
                                },
                            },
                            "Progress",
                        ),
                        "401": _error("Token missing or invalid"),
                    },
                }
            },
            "/quizzes/{id}": {
                "get": {
                    "summary": "A quiz's settings and the caller's attempts",
                    "security": SECURED,
                    "parameters": [_path_param("id", "integer")],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "title": {"type": "string"},
                                    "required": {"type": "boolean"},
                                    "pass_mark": {"type": "integer"},
                                    "max_attempts": {"type": ["integer", "null"]},
                                    "attempts_left": {"type": ["integer", "null"]},
                                    "time_limit_minutes": {"type": ["integer", "null"]},
                                    "grading": {"type": "string", "enum": ["highest", "last"]},
                                    "review": {
                                        "type": "string",
                                        "enum": ["score", "correctness", "full"],
                                    },
                                    "passed": {"type": "boolean"},
                                    "attempts": {"type": "array", "items": _ref("Attempt")},
                                },
                            },
                            "Quiz",
                        ),
                        "401": _error("Token missing or invalid"),
                        "403": _error("Not enrolled in the course"),
                        "404": _error("No such quiz"),
                    },
                }
            },
            "/quizzes/{id}/attempts": {
                "post": {
                    "summary": "Start an attempt (or get the open one back)",
                    "security": SECURED,
                    "parameters": [_path_param("id", "integer")],
                    "responses": {
                        "201": _json(_attempt_with_questions(), "Started"),
                        "200": _json(_attempt_with_questions(), "The open attempt"),
                        "401": _error("Token missing or invalid"),
                        "403": _error("Not enrolled in the course"),
                        "404": _error("No such quiz"),
                        "409": _error("No attempts left"),
                    },
                }
            },
            "/attempts/{id}": {
                "get": {
                    "summary": "An attempt with its questions and saved answers",
                    "security": SECURED,
                    "parameters": [_path_param("id", "integer")],
                    "responses": {
                        "200": _json(_attempt_with_questions(), "Attempt"),
                        "401": _error("Token missing or invalid"),
                        "404": _error("No such attempt (or not yours)"),
                    },
                }
            },
            "/attempts/{id}/answers": {
                "put": {
                    "summary": "Save answers (all or nothing)",
                    "security": SECURED,
                    "parameters": [_path_param("id", "integer")],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("Answers")}},
                    },
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "attempt_id": {"type": "integer"},
                                    "saved": {"type": "boolean"},
                                    "version": {"type": "integer"},
                                },
                            },
                            "Saved",
                        ),
                        "400": _error("Malformed JSON or an invalid answer"),
                        "401": _error("Token missing or invalid"),
                        "404": _error("No such attempt (or not yours)"),
                        "409": _error("Already submitted, past the deadline, or stale version"),
                    },
                }
            },
            "/attempts/{id}/submission": {
                "post": {
                    "summary": "Submit for grading (idempotent)",
                    "security": SECURED,
                    "parameters": [_path_param("id", "integer")],
                    "requestBody": {
                        "required": False,
                        "content": {"application/json": {"schema": _ref("Answers")}},
                    },
                    "responses": {
                        "200": _json(_ref("Attempt"), "Graded (the same result on every call)"),
                        "400": _error("Malformed JSON or an invalid answer"),
                        "401": _error("Token missing or invalid"),
                        "404": _error("No such attempt (or not yours)"),
                        "409": _error("Stale version"),
                    },
                }
            },
            "/certificates/{code}": {
                "get": {
                    "summary": "Check a certificate (public)",
                    "parameters": [_path_param("code", "string")],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "valid": {"type": "boolean"},
                                    "code": {"type": "string"},
                                    "learner_name": {"type": "string"},
                                    "course_title": {"type": "string"},
                                    "issued_at": {"type": "string", "format": "date-time"},
                                    "revoked_reason": {"type": ["string", "null"]},
                                },
                            },
                            "Certificate",
                        ),
                        "404": _error("Unknown code"),
                        "429": _error("Too many look-ups"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI document"}},
                }
            },
        },
    }


def _path_param(name: str, kind: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _attempt_with_questions() -> dict[str, Any]:
    return {
        "allOf": [
            _ref("Attempt"),
            {
                "type": "object",
                "properties": {
                    "version": {"type": "integer"},
                    "questions": {"type": "array", "items": _ref("AttemptQuestion")},
                },
            },
        ]
    }

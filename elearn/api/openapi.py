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
                "Errors are {\"error\": {\"code\", \"message\"}} with a 4xx status."
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
                "CourseProgress": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "percent": {"type": "integer"},
                        "lessons_done": {"type": "integer"},
                        "lessons_total": {"type": "integer"},
                        "completed_at": {"type": ["string", "null"], "format": "date-time"},
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

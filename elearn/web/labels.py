"""Translated labels for the fixed choices stored as codes in the database."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LEARNER_GROUP_LABELS = {
    "company_manager": _l("CEO or manager of a company"),
    "cooperative": _l("Cooperative"),
    "household": _l("Household producer"),
    "farm_owner": _l("Farm owner"),
    "program_official": _l("OCOP programme official"),
    "other": _l("Other"),
}

PRODUCT_GROUP_LABELS = {
    "food": _l("Food"),
    "beverages": _l("Beverages"),
    "herbal": _l("Herbal products"),
    "handicrafts": _l("Handicrafts"),
    "ornamental": _l("Ornamental plants and animals"),
    "tourism": _l("Community and eco-tourism"),
}

ROLE_LABELS = {
    "learner": _l("Learner"),
    "trainer": _l("Trainer"),
    "admin": _l("Administrator"),
}

TOPIC_LABELS = {
    "ecommerce": _l("E-commerce"),
    "branding": _l("Branding and packaging"),
    "market": _l("Market access and trade promotion"),
    "quality": _l("Production and quality"),
    "ocop-criteria": _l("OCOP criteria and star rating"),
    "management": _l("Programme management"),
}

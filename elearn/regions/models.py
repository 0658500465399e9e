"""Administrative units: 34 provinces and their communes, wards and special zones."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from elearn.extensions import db

PROVINCE_KINDS = ("province", "city")
COMMUNE_KINDS = ("commune", "ward", "special_zone")


class Region(db.Model):
    """A province-level or commune-level unit with its official statistics code."""

    __tablename__ = "regions"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('province', 'city', 'commune', 'ward', 'special_zone')", name="kind"
        ),
    )

    #: Official code: 2 digits for provinces, 5 for communes.
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True, default=None
    )
    #: Lower-case name without diacritics, for searching.
    name_folded: Mapped[str] = mapped_column(String(100), index=True)

    @property
    def is_province(self) -> bool:
        return self.kind in PROVINCE_KINDS

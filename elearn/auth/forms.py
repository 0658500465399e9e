"""Forms for registration, login, profile and password change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from elearn.web.labels import LEARNER_GROUP_LABELS, PRODUCT_GROUP_LABELS


def _choices(labels: dict, empty: str | None) -> list[tuple[str, str]]:
    items = [(code, label) for code, label in labels.items()]
    return ([("", empty)] if empty is not None else []) + items


class ProfileFields(FlaskForm):
    """Profile fields shared by registration and the profile page."""

    full_name = StringField(
        _l("Full name"),
        validators=[InputRequired(_l("Please enter your full name.")), Length(max=120)],
    )
    learner_group = SelectField(_l("You are"), validate_choice=False)
    organisation = StringField(
        _l("Company, cooperative or office (optional)"), validators=[Length(max=200)]
    )
    province_code = SelectField(_l("Province or city"), validate_choice=False)
    commune_code = SelectField(
        _l("Commune, ward or special zone"),
        validate_choice=False,
        description=_l("Needed for producers; programme officials may leave it empty."),
    )
    product_group = SelectField(_l("OCOP product group (optional)"), validate_choice=False)

    def set_choices(self, provinces: list, communes: list) -> None:
        self.learner_group.choices = _choices(LEARNER_GROUP_LABELS, _l("— choose —"))
        self.product_group.choices = _choices(PRODUCT_GROUP_LABELS, _l("— none —"))
        self.province_code.choices = [("", _l("— choose —"))] + [
            (p.code, p.name) for p in provinces
        ]
        self.commune_code.choices = [("", _l("— choose —"))] + [(c.code, c.name) for c in communes]


class RegisterForm(ProfileFields):
    login = StringField(
        _l("E-mail or mobile number"),
        validators=[InputRequired(_l("Please enter an e-mail address or a mobile number."))],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Please choose a password."))],
        description=_l("At least 8 characters; a short sentence is easy to remember."),
    )


class LoginForm(FlaskForm):
    login = StringField(
        _l("E-mail or mobile number"),
        validators=[InputRequired(_l("Please enter an e-mail address or a mobile number."))],
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired(_l("Please enter your password."))]
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class ProfileForm(ProfileFields):
    pass


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Please enter your current password."))],
    )
    new_password = PasswordField(
        _l("New password"), validators=[InputRequired(_l("Please choose a new password."))]
    )
    end_other_sessions = BooleanField(_l("Log out my other devices and apps"), default=True)


class ForgotPasswordForm(FlaskForm):
    login = StringField(
        _l("E-mail or mobile number"),
        validators=[InputRequired(_l("Please enter an e-mail address or a mobile number."))],
    )


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        _l("New password"), validators=[InputRequired(_l("Please choose a new password."))]
    )

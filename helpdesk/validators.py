"""Validators shared by several apps' forms."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# A French or international phone number: digits, spaces, dots, dashes, an
# optional leading "+" and parentheses; 6 to 20 digits in all.
PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9 .()\-]{6,25}$",
    message=_("Saisissez un numéro de téléphone valide (chiffres, espaces, points ou tirets)."),
)

"""allauth's forms, adjusted. Not in accounts/forms.py: allauth imports
that module (ACCOUNT_SIGNUP_FORM_CLASS) while its own forms load."""

from allauth.account.forms import AddEmailForm as BaseAddEmailForm
from allauth.account.forms import LoginForm as BaseLoginForm
from allauth.account.forms import ResetPasswordForm as BaseResetPasswordForm
from allauth.account.forms import SignupForm as BaseSignupForm
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from accounts.adapters import sso_institution_for_email


class LoginForm(BaseLoginForm):
    """The page shows its own "Mot de passe oublié ?" link below the button, as
    in the seed, instead of one between the password's label and field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""


class RefuseSSODomainMixin:
    """Self-registration and added addresses refuse an institution's SSO domain.

    The seed: "indiquez une adresse mail valide non AMU" — members of an
    institution with SSO sign in with it, so their helpdesk identity stays
    tied to their institutional account. (Not in the adapter's
    ``clean_email``: allauth also runs that on the addresses an SSO login
    releases, which must stay.)
    """

    def clean_email(self) -> str:
        institution = sso_institution_for_email(self.cleaned_data.get("email", ""))
        if institution is not None:
            raise forms.ValidationError(
                _(
                    "Les adresses de %(institution)s ne peuvent pas servir à créer un compte ici : "
                    "utilisez le bouton « Connexion avec un compte %(label)s » de la page de connexion, "
                    "ou indiquez une adresse électronique personnelle."
                )
                % {"institution": institution.name, "label": institution.short_label}
            )
        return super().clean_email()  # type: ignore[misc]


class SignupForm(RefuseSSODomainMixin, BaseSignupForm):
    def try_save(self, request):
        """A taken address does the new account's password hashing too, so both
        answers take as long (the hashing is what a stopwatch would tell apart)."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or get_random_string(20))
        return super().try_save(request)


class AddEmailForm(RefuseSSODomainMixin, BaseAddEmailForm):
    pass


class ResetPasswordForm(BaseResetPasswordForm):
    """A reset link goes only to an address its account verified.

    An address just added (unverified) could be anyone's, e.g. an attacker's
    added from a borrowed session. The one exception is the address of an
    email-only account (made by inbound mail, never by a session): the reset
    is how its owner claims it (accounts.email_only).
    """

    def clean_email(self) -> str:
        email = super().clean_email().lower()
        self.users = [user for user in self.users if _may_receive_reset(user, email)]
        return email


def _may_receive_reset(user, email: str) -> bool:
    if user.is_email_only and user.email == email:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()

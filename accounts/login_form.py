"""allauth's login form, adjusted. Not in accounts/forms.py: allauth imports
that module (ACCOUNT_SIGNUP_FORM_CLASS) while its own forms load."""

from allauth.account.forms import LoginForm as BaseLoginForm


class LoginForm(BaseLoginForm):
    """The page shows its own "Mot de passe oublié ?" link below the button, as
    in the seed, instead of one between the password's label and field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import RequesterProfile, User
from accounts.notifications import choices_for

# People who sign up themselves are not staff of an institution with SSO:
# "Personnel" is left out (staff sign in with their institution's account).
SIGNUP_PROFILES = [(value, label) for value, label in RequesterProfile.choices if value != RequesterProfile.STAFF]


class SignupProfileForm(forms.Form):
    """Extra fields of allauth's sign-up form (``ACCOUNT_SIGNUP_FORM_CLASS``)."""

    first_name = forms.CharField(
        label=_("Prénom"), max_length=150, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(label=_("Nom"), max_length=150, widget=forms.TextInput({"autocomplete": "family-name"}))
    profile = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=[("", _("— choisissez —")), *SIGNUP_PROFILES],
        help_text=_("Les services proposés dépendent de votre situation."),
    )

    def signup(self, request, user: User) -> None:
        # allauth has already copied first_name and last_name.
        user.profile = self.cleaned_data["profile"]
        user.save(update_fields=["profile"])


class PreferencesForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Langue de l'interface et des courriels"), choices=settings.LANGUAGES)
    notification_opt_outs = forms.MultipleChoiceField(
        label=_("Ne pas m'envoyer ces courriels"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les accusés de réception, les questions qui vous sont posées et les réponses à valider "
            "sont toujours envoyés."
        ),
    )
    show_intro = forms.BooleanField(label=_("Afficher la page d'introduction après la connexion"), required=False)
    keyboard_shortcuts = forms.BooleanField(
        label=_("Activer les raccourcis clavier de l'espace de traitement"),
        required=False,
        help_text=_(
            "Touches simples (j, k, o, r, [, ], n, ?) dans la file d'attente et la page d'une demande ; "
            "elles n'agissent jamais pendant la saisie. Appuyez sur « ? » pour en voir la liste."
        ),
    )

    class Meta:
        model = User
        fields = ["language", "notification_opt_outs", "keyboard_shortcuts"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notification_opt_outs"].choices = choices_for(self.instance)
        # The intro is the requesters' page; shortcuts exist in the staff workspace only.
        if roles.is_helpdesk_staff(self.instance):
            del self.fields["show_intro"]
        else:
            self.fields["show_intro"].initial = not self.instance.intro_dismissed
            del self.fields["keyboard_shortcuts"]
        if not self.instance.language:
            self.initial["language"] = settings.LANGUAGE_CODE

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        if "show_intro" in self.fields:
            user.intro_dismissed = not self.cleaned_data["show_intro"]
        if commit:
            user.save(update_fields=["language", "notification_opt_outs", "intro_dismissed", "keyboard_shortcuts"])
        return user


class IntroForm(forms.Form):
    dismiss = forms.BooleanField(label=_("Ne plus montrer cette page à partir de maintenant"), required=False)

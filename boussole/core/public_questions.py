"""Questions and error reports sent by the public on a published notice (issue 14, item 5).

Anyone may write, without an account; nothing is shown publicly until a person with the
organisation's publishing right (or its administrator) answers it; a rejected message is never
shown. Sending is limited per sender (by a keyed hash of the address, never the address) and
per notice, over a sliding hour. No Django here: the web layer stores the messages, counts the
recent ones and calls these rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from boussole.core import transparency

#: Kinds of message.
QUESTION: Final = "question"
ERROR: Final = "erreur"
KINDS: Final[Mapping[str, str]] = {QUESTION: "Une question", ERROR: "Une erreur à signaler"}
#: Statuses: waiting for moderation, answered (then public), rejected (never public).
PENDING: Final = "en_attente"
ANSWERED: Final = "repondue"
REJECTED: Final = "rejetee"
STATUSES: Final[Mapping[str, str]] = {PENDING: "En attente", ANSWERED: "Répondue",
                                      REJECTED: "Rejetée"}

#: Longest message, answer and rejection reason, in characters.
MAX_TEXT: Final = 2000
MAX_ANSWER: Final = 5000
MAX_REASON: Final = 1000
#: Shortest message: a few words.
MIN_TEXT: Final = 10
#: Messages accepted over :data:`WINDOW_SECONDS`: from one sender, and on one notice.
MAX_PER_SENDER: Final = 5
MAX_PER_NOTICE: Final = 30
WINDOW_SECONDS: Final = 3600
#: How long the form of a notice page stays valid once displayed.
FORM_MAX_AGE_SECONDS: Final = 2 * 3600

TOO_MANY_FROM_SENDER: Final = ("Vous avez envoyé plusieurs messages en peu de temps : "
                               "réessayez dans une heure.")
TOO_MANY_ON_NOTICE: Final = ("Cette notice a reçu beaucoup de messages dans l'heure : "
                             "réessayez un peu plus tard.")
FORM_EXPIRED: Final = ("Le formulaire a expiré ou n'est pas valide : rechargez la page, puis "
                       "envoyez à nouveau votre message.")


def text_problem(text: str) -> str | None:
    """What is wrong with the text of a message, or None."""
    length = len(text.strip())
    if length == 0:
        return "Écrivez votre question ou l'erreur constatée."
    if length < MIN_TEXT:
        return f"Votre message est trop court : {MIN_TEXT} caractères au moins."
    if length > MAX_TEXT:
        return f"Votre message est trop long : {MAX_TEXT} caractères au plus."
    return None


def rate_problem(*, from_sender: int, on_notice: int) -> str | None:
    """Why a new message is refused, given how many were accepted in the last
    :data:`WINDOW_SECONDS` from the same sender and on the same notice; or None."""
    if from_sender >= MAX_PER_SENDER:
        return TOO_MANY_FROM_SENDER
    if on_notice >= MAX_PER_NOTICE:
        return TOO_MANY_ON_NOTICE
    return None


def answer_problem(answer: str) -> str | None:
    answer = answer.strip()
    if not answer:
        return "Écrivez la réponse qui sera publiée sous la question."
    if len(answer) > MAX_ANSWER:
        return f"La réponse est trop longue : {MAX_ANSWER} caractères au plus."
    return None


def reason_problem(reason: str) -> str | None:
    reason = reason.strip()
    if not reason:
        return "Indiquez le motif du rejet (il n'est pas publié)."
    if len(reason) > MAX_REASON:
        return f"Le motif est trop long : {MAX_REASON} caractères au plus."
    return None


def may_moderate(*, role: str, domain: str, publishers: str) -> bool:
    """Whether a person of ``role`` (and referent ``domain``) may answer the public's messages:
    the organisation's administrator, and the people the organisation lets publish notices
    (``publishers``: comma-separated codes, a role such as ``admin`` or a role and a domain
    such as ``referent:juridique`` — :func:`boussole.core.transparency.may_publish`)."""
    return role == "admin" or transparency.may_publish(role=role, domain=domain,
                                                       setting=publishers)

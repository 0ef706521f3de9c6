"""The demonstration messages from the public: on a published demo notice, one question answered
by the demo DPO (shown under the notice) and one error report waiting in the moderation queue.
Called by :func:`boussole.web.demo.create_demo` through ``DEMO_EXTENSIONS``, after the
transparency demo has published its notices; without a published notice it adds nothing.
"""

from __future__ import annotations

from boussole.core import public_questions as rules
from boussole.web.accounts.models import Organisation, User
from boussole.web.register import services
from boussole.web.transparency.selectors import current_publications

QUESTION = ("Comment l'outil choisit-il le foyer qui me ressemble ? Nous sommes trois dans une "
            "maison avec un jardin.")
ANSWER = ("Le foyer de référence a le même nombre de personnes et le même type de logement que "
          "vous, d'après ce que vous avez déclaré dans votre espace abonné. Le jardin n'est pas "
          "pris en compte : vous pouvez nous écrire si votre arrosage fausse la comparaison.")
ERROR_REPORT = ("Le numéro de téléphone de la notice ne répond pas le mercredi après-midi.")


def create(organisation: Organisation, people: dict[str, User]) -> None:
    """Add one answered question and one pending error report on a published demo notice (the
    one founding individual decisions when there is one)."""
    publications = list(current_publications(organisation).select_related("notice__case"))
    if not publications:
        return
    publication = next((p for p in publications
                        if p.content.get("founds_individual_decisions")), publications[0])
    case = publication.notice.case
    asked = services.question_submit(case=case, publication=publication, kind=rules.QUESTION,
                                     text=QUESTION)
    services.question_answer(case=case, question=asked, user=people["juriste"], answer=ANSWER)
    services.question_submit(case=case, publication=publication, kind=rules.ERROR,
                             text=ERROR_REPORT)

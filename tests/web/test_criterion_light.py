"""Criterion pages ten times cheaper (issue 17): an answer given is text with « Modifier »
(a plain link, enhanced by htmx), the questions still to answer are shown one section at a
time when there are many, and every criterion page of the demo stays under 650 elements and
10 SQL queries."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases.models import Answer, Case
from boussole.web.grids import grid_for
from tests.web.site_crawl import elements

pytestmark = pytest.mark.django_db

ITEM = "analyse_risques_dict"  # criterion 2 of the chatbot, answered by the RSSI in the demo


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get("/")  # the session's first request records its start (a write): not counted
    return client


def item_html(body: str, item_id: str) -> str:
    start = body.index(f'id="q-{item_id}"')
    return body[start:body.index("</section>", start)]


@pytest.fixture
def chatbot() -> Case:
    demo.create_demo()
    return Case.objects.get(title=demo.CHATBOT.title)


def test_an_answered_question_is_text_with_a_modifier_link(chatbot: Case) -> None:
    client = client_for("juriste")
    url = reverse("cases:criterion", args=[chatbot.pk, 2])
    item = item_html(unescape(client.get(url).content.decode()), ITEM)
    stored = Answer.objects.get(case=chatbot, item_id=ITEM)
    assert stored.value in item
    assert "<form" not in item and "<textarea" not in item
    assert f'href="?modifier={ITEM}#q-{ITEM}"' in item
    assert 'aria-label="Modifier — Q' in item
    assert f'hx-get="{reverse("cases:answer_form", args=[chatbot.pk, ITEM])}"' in item
    # Without JavaScript: the link's page shows this question as a form, its field focused.
    item = item_html(unescape(client.get(f"{url}?modifier={ITEM}").content.decode()), ITEM)
    assert f'action="{reverse("cases:answer", args=[chatbot.pk, ITEM])}"' in item
    assert f'<textarea autofocus id="v-{ITEM}"' in item
    assert stored.value in item
    # With htmx: the item's fragment with its form.
    fragment = client.get(reverse("cases:answer_form", args=[chatbot.pk, ITEM]),
                          HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<section") or 'id="q-' in fragment
    assert f'<textarea autofocus id="v-{ITEM}"' in fragment
    assert "<html" not in fragment
    # The same address without htmx leads to the page's form.
    response = client.get(reverse("cases:answer_form", args=[chatbot.pk, ITEM]))
    assert response.status_code == 302
    assert response["Location"] == f"{url}?modifier={ITEM}#q-{ITEM}"


def test_a_reader_sees_no_modifier_link(chatbot: Case) -> None:
    client = client_for("elu-numerique")
    body = client.get(reverse("cases:criterion", args=[chatbot.pk, 2])).content.decode()
    assert "Modifier" not in item_html(unescape(body), ITEM)
    form = client.get(reverse("cases:answer_form", args=[chatbot.pk, ITEM]),
                      HTTP_HX_REQUEST="true")
    assert form.status_code == 403


def test_edit_then_save_shows_the_text_again_with_its_status(chatbot: Case) -> None:
    client = client_for("juriste")
    stored = Answer.objects.get(case=chatbot, item_id=ITEM)
    response = client.post(reverse("cases:answer", args=[chatbot.pk, ITEM]),
                           {"value": "Risque d'injection de prompt.", "justification": "",
                            "revision": str(stored.revision)}, HTTP_HX_REQUEST="true")
    fragment = unescape(response.content.decode())
    assert response.status_code == 200
    assert "<form" not in fragment
    assert '<span class="saved" role="status">Enregistré.</span>' in fragment
    assert "Risque d'injection de prompt." in fragment
    assert 'autofocus>Modifier</a>' in fragment
    # An error keeps the form open, with the message.
    stored.refresh_from_db()
    response = client.post(reverse("cases:answer", args=[chatbot.pk, ITEM]),
                           {"value": "", "revision": str(stored.revision)},
                           HTTP_HX_REQUEST="true")
    fragment = unescape(response.content.decode())
    assert "<form" in fragment and 'class="field-error"' in fragment
    # Without JavaScript: back to the page, where it is text.
    response = client.post(reverse("cases:answer", args=[chatbot.pk, ITEM]),
                           {"value": "Risque de fuite.", "revision": str(stored.revision)})
    assert response.status_code == 302
    page = unescape(client.get(response["Location"]).content.decode())
    assert "Risque de fuite." in item_html(page, ITEM)
    assert "<form" not in item_html(page, ITEM)


def test_the_discussion_link_loads_the_thread_in_place(chatbot: Case) -> None:
    client = client_for("juriste")
    page = unescape(client.get(reverse("cases:criterion", args=[chatbot.pk, 2]))
                    .content.decode())
    discussion = reverse("cases:discussion", args=[chatbot.pk, ITEM])
    assert f'href="{discussion}"' in item_html(page, ITEM)
    fragment = client.get(f"{discussion}?bloc=1", HTTP_HX_REQUEST="true").content.decode()
    assert '<details class="discussion" open' in fragment
    assert "<summary autofocus>" in fragment
    assert "Nouveau commentaire" in fragment


def test_many_questions_to_answer_are_shown_one_section_at_a_time() -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.CANTINE.title)  # a draft: criterion 5 all to answer
    client = client_for("numerique-responsable")
    url = reverse("cases:criterion", args=[case.pk, 5])
    page = unescape(client.get(url).content.decode())
    assert page.count('aria-label="Ouvrir la section — ') >= 4
    opened = page.count('class="answer-form"')
    assert 0 < opened < 10
    # The link opens another section (a plain link; htmx swaps only that section).
    assert 'href="?section=usage#s-usage"' in page
    assert 'hx-select="#b-usage"' in page
    usage = unescape(client.get(f"{url}?section=usage").content.decode())
    block = usage[usage.index('id="b-usage"'):usage.index('id="b-calculs"')]
    assert "Ouvrir la section" not in block
    assert block.count('class="answer-form"') >= 5
    assert " autofocus " in block  # its first field
    assert elements(usage) < 650
    # A refused answer in a closed section is shown, open, with its error (without JS).
    grid = grid_for(case.grid_id, case.grid_version)
    grid_item = next(q for q in grid.criterion(5).questions if q.section == "stockage")
    response = client.post(reverse("cases:answer", args=[case.pk, grid_item.id]),
                           {"value": "", "revision": "0"})
    assert response.status_code == 400
    body = unescape(response.content.decode())
    block = body[body.index('id="b-stockage"'):]
    assert f'id="q-{grid_item.id}"' in block and 'class="field-error"' in block


@pytest.mark.parametrize("username", ["juriste", "numerique-responsable", "porteur",
                                      "elu-numerique"])
def test_every_criterion_page_of_the_demo_is_light(username: str) -> None:
    demo.create_demo()
    client = client_for(username)
    for case in Case.objects.order_by("pk"):
        for number in range(1, 8):
            url = reverse("cases:criterion", args=[case.pk, number])
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code == 404:  # a case this person may not see
                continue
            assert response.status_code == 200, url
            assert len(queries) <= 10, (url, [q["sql"][:80] for q in queries])
            assert elements(response.content.decode()) < 650, url

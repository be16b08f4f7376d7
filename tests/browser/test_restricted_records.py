"""A supervisor restricts a web chat on the records page: the operators' waiting list then
shows its reference and "Restricted", never the caller's name or words; lifting it (with a
reason) brings them back."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.server import DemoServer

from .conftest import NewPage, Screenshot
from .staff import sign_in

pytestmark = pytest.mark.browser


def test_a_supervisor_restricts_a_chat_and_the_waiting_list_hides_it(
    new_page: NewPage, screenshot: Screenshot, demo_server: DemoServer
):
    name = f"Kim {uuid.uuid4().hex[:6]}"
    public = new_page()
    public.goto("/chat/")
    public.get_by_label("Your name").fill(name)
    public.get_by_label("What would you like to talk to us about?").fill("My uncle hurts me")
    public.get_by_role("button", name="Start chat").click()
    expect(public.locator(".chat-state")).to_have_text("connected")

    operator = new_page()
    sign_in(operator, "call_handler")
    operator.goto("/contacts/chats/")
    expect(operator.locator("tr", has_text=name)).to_contain_text("My uncle hurts me")
    # `name` is ours (letters and hex digits): nothing to quote.
    sql = f"select id from contacts_contact where caller_name = '{name}'"  # noqa: S608
    ((pk,),) = demo_server.query(sql)

    supervisor = new_page()
    sign_in(supervisor, "supervisor")
    supervisor.get_by_role("link", name="Restrictions and legal holds").click()
    form = supervisor.locator("#restrict-form")
    form.get_by_label("Record type").select_option(label="Contact")
    form.get_by_label("Reference").fill(str(pk))
    form.get_by_label("Category").select_option(label="Child abuse")
    form.get_by_label("Reason").fill("Disclosure of abuse by a child")
    form.get_by_role("button", name="Restrict").click()
    restricted = supervisor.locator(
        "#restrictions tbody tr", has_text="Disclosure of abuse by a child"
    )
    expect(restricted).to_contain_text("Child abuse")
    screenshot(supervisor, "1-restricted")

    operator.reload()
    expect(operator.locator("tr", has_text=name)).to_have_count(0)
    expect(operator.get_by_text("My uncle hurts me")).to_have_count(0)
    expect(operator.locator("#waiting tbody")).to_contain_text("Restricted")
    screenshot(operator, "2-waiting-list-redacted")

    restricted.get_by_placeholder("Reason").fill("Referred to the child abuse team already")
    restricted.get_by_role("button", name="Lift").click()
    expect(supervisor.get_by_text("The restriction is lifted.")).to_be_visible()
    expect(restricted).to_have_count(0)
    operator.reload()
    expect(operator.locator("tr", has_text=name)).to_contain_text("My uncle hurts me")

"""The demo control room as staff meet it: the real server process, over plain HTTP."""

import html
import re
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from demandhub.accounts.roles import ROLES
from demandhub.forces.demo_data import DEMO_PASSWORD

from .server import DemoServer, demandhub, free_port, server_env
from .web import Response, WebClient

SIGNED_IN = "SELECT count(*) FROM audit_event WHERE action = 'user.logged_in'"


def role_section(page: Response, role: str) -> str:
    match = re.search(
        rf'<section[^>]*\bdata-role="{re.escape(role)}"[^>]*>(.*?)</section>', page.text, re.S
    )
    assert match, f'no data-role="{role}" section on {page.path}'
    return match.group(1)


def test_the_sign_in_page_is_public(demo_server: DemoServer):
    page = WebClient(demo_server.base_url).get("/login/")

    assert page.status == 200
    assert 'name="csrfmiddlewaretoken"' in page.text


def test_anonymous_visitors_are_sent_to_sign_in(demo_server: DemoServer):
    answer = WebClient(demo_server.base_url, follow_redirects=False).get("/")

    assert answer.status == 302
    assert answer.headers["location"] == "/login/?next=/"


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.name)
def test_each_demo_login_reaches_its_roles_landing_page(demo_server: DemoServer, role):
    browser = WebClient(demo_server.base_url)

    page = browser.sign_in(role.name, DEMO_PASSWORD)

    assert (page.status, page.path) == (200, "/")
    assert f"<h2>{html.escape(role.title)}</h2>" in role_section(page, role.name)


def test_every_asset_the_consoles_link_to_is_served(demo_server: DemoServer):
    browser = WebClient(demo_server.base_url)
    browser.sign_in("supervisor", DEMO_PASSWORD)
    pages = [browser.get(path) for path in ("/", "/audit/", "/force/")]
    assets = {a for page in pages for a in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)}

    missing = sorted(asset for asset in assets if browser.get(asset).status != 200)

    assert assets
    assert missing == []


def test_a_wrong_password_is_refused_without_a_session(demo_server: DemoServer):
    browser = WebClient(demo_server.base_url)

    page = browser.sign_in("dispatcher", "not-the-password")

    assert (page.status, page.path) == (200, "/login/")
    assert "did not match" in page.text
    assert browser.cookie("sessionid") is None


def test_the_api_refuses_an_anonymous_caller_in_json(demo_server: DemoServer):
    answer = WebClient(demo_server.base_url).get("/api/accounts/me")

    assert answer.status == 401
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json() == {"detail": "Sign in, or send a valid bearer token."}


def test_the_api_answers_a_method_it_does_not_offer_in_json(demo_server: DemoServer):
    answer = WebClient(demo_server.base_url).post("/api/accounts/me")

    assert (answer.status, answer.headers["allow"]) == (405, "GET")
    assert answer.headers["content-type"].startswith("application/json")


def test_an_unknown_address_gets_the_not_found_page_without_a_traceback(
    demo_server: DemoServer,
):
    page = WebClient(demo_server.base_url).get("/no-such-page")

    assert page.status == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "There is nothing at this address." in page.text
    assert "Traceback" not in page.text


def test_forty_concurrent_sign_ins_all_succeed_and_each_is_audited(demo_server: DemoServer):
    [(before,)] = demo_server.query(SIGNED_IN)
    usernames = [ROLES[i % len(ROLES)].name for i in range(40)]
    clients = [WebClient(demo_server.base_url) for _ in usernames]

    def sign_in(n: int) -> tuple[int, str]:
        page = clients[n].sign_in(usernames[n], DEMO_PASSWORD, second_factor=False)
        return page.status, page.path

    def second_factor(n: int) -> tuple[int, str]:
        page = clients[n].give_code(clients[n].get("/login/verify/"), usernames[n])
        return page.status, page.path

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(sign_in, range(40)))
        # The codes of one user's authenticator are each accepted once: one per user at once.
        completed = list(pool.map(second_factor, range(len(ROLES))))

    assert outcomes == [(200, "/login/verify/")] * 40
    assert completed == [(200, "/")] * len(ROLES)
    log = demo_server.log()
    assert "database is locked" not in log
    assert "Internal Server Error" not in log
    [(after,)] = demo_server.query(SIGNED_IN)
    assert after - before == 40
    verify = demo_server.demandhub("audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert "audit chain intact" in verify.stdout


@pytest.mark.postgres
def test_postgresql_itself_refuses_to_alter_an_audit_entry(demo_server: DemoServer):
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        demo_server.execute("UPDATE audit_event SET data = '{}' WHERE id = 1")


def test_audit_verify_names_an_entry_altered_in_the_database(own_demo_server: DemoServer):
    server = own_demo_server
    WebClient(server.base_url).sign_in("supervisor", DEMO_PASSWORD)
    assert server.demandhub("audit", "verify").returncode == 0
    [(last_id,)] = server.query("SELECT max(id) FROM audit_event")
    forge = (
        """UPDATE audit_event SET data = '{"forged": true}' """
        "WHERE id = (SELECT max(id) FROM audit_event)"
    )
    trigger = "TRIGGER audit_event_no_update_or_delete"

    if server.database_url:  # PostgreSQL's trigger refuses the UPDATE unless it is disabled
        server.execute(
            f"ALTER TABLE audit_event DISABLE {trigger}",
            forge,
            f"ALTER TABLE audit_event ENABLE {trigger}",
        )
    else:
        server.execute(forge)
    verify = server.demandhub("audit", "verify")

    assert verify.returncode != 0
    assert f"#{last_id}" in verify.stderr


def test_the_server_refuses_to_start_with_the_development_key(tmp_path):
    env = server_env(tmp_path, DEBUG="False")  # no SECRET_KEY, and no generated one in tmp_path

    serve = demandhub("serve", "--port", str(free_port()), env=env, timeout=60)

    assert serve.returncode != 0
    assert "development key" in serve.stdout + serve.stderr

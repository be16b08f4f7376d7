"""The performance dashboard, its CSV tables and the monthly report: access, content, queries."""

import csv
import io

import pytest
from django.urls import reverse

from . import hub_month

URL = reverse("analytics:performance")
RANGE = {"start": "2026-11-01", "end": "2026-11-21", "period": "week"}


@pytest.fixture
def hub(db):
    return hub_month.build()


@pytest.mark.parametrize("role", ["analyst", "supervisor"])
def test_analysts_and_supervisors_see_the_dashboard(client, request, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(URL)

    assert response.status_code == 200
    assert b"How the hub is doing" in response.content
    assert response.content.count(b'class="kpi-chart') == 17


@pytest.mark.parametrize("role", ["call_handler", "dispatcher", "administrator", "outsider"])
def test_others_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(URL).status_code == 403
    assert client.get(reverse("analytics:report")).status_code == 403
    assert client.get(reverse("analytics:performance_csv", args=["quality"])).status_code == 403


def test_changing_the_range_redraws_only_the_board(client, analyst, hub):
    client.force_login(analyst)

    response = client.get(URL, RANGE, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "<form" not in body
    assert 'id="board"' in body
    assert "1 Nov 2026 to 21 Nov 2026" in body
    assert "w/c 02 Nov: answered within 10 s 60%" in body
    assert "w/c 16 Nov" in body


def test_the_csv_behind_a_chart_is_its_table(client, analyst, hub):
    client.force_login(analyst)

    response = client.get(reverse("analytics:performance_csv", args=["emergency-answer"]), RANGE)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="emergency-answer_20261101-20261121.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        [
            "period",
            "offered",
            "answered",
            "within 10 s",
            "% within 10 s",
            "answered under 10 s",
            "answered 10 to 60 s",
            "answered 60 s or more",
        ],
        ["w/c 26 Oct", "0", "0", "0", "", "0", "0", "0"],
        ["w/c 02 Nov", "6", "5", "3", "60.0", "3", "2", "0"],
        ["w/c 09 Nov", "0", "0", "0", "", "0", "0", "0"],
        ["w/c 16 Nov", "0", "0", "0", "", "0", "0", "0"],
    ]


def test_the_key_decisions_chart_has_its_csv(client, analyst, hub):
    client.force_login(analyst)

    response = client.get(reverse("analytics:performance_csv", args=["key-decisions"]), RANGE)

    assert 'filename="key-decisions_20261101-20261121.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["period", "due", "told in time", "told late", "overdue", "not due yet", "% in time"],
        ["w/c 26 Oct", "0", "0", "0", "0", "0", ""],
        ["w/c 02 Nov", "2", "1", "0", "1", "0", "50.0"],
        ["w/c 09 Nov", "1", "1", "0", "0", "0", "100.0"],
        ["w/c 16 Nov", "2", "0", "1", "1", "0", "0.0"],
    ]


def test_an_unknown_table_is_not_found_and_a_bad_range_is_explained(client, analyst):
    client.force_login(analyst)

    assert client.get(reverse("analytics:performance_csv", args=["nothing"])).status_code == 404
    bad = client.get(
        reverse("analytics:performance_csv", args=["quality"]),
        {"start": "2026-11-21", "end": "2026-11-01"},
    )
    assert bad.status_code == 400
    assert b"end: The end of the range is before its start." in bad.content


def test_too_many_buckets_for_a_chart_are_refused_with_the_reason(client, analyst):
    client.force_login(analyst)

    response = client.get(URL, {"start": "2025-01-01", "end": "2026-01-01", "period": "day"})

    assert b"366 days is too many to chart (at most 93)" in response.content
    assert b'class="kpi-chart' not in response.content


def test_the_page_makes_the_same_number_of_queries_for_any_number_of_rows(
    client, analyst, hub, django_assert_num_queries
):
    client.force_login(analyst)
    # session, user, permissions (2), the six KPI reads, the role chips, the area choices
    with django_assert_num_queries(12):
        client.get(URL, RANGE)
    hub_month.build()
    with django_assert_num_queries(12):
        response = client.get(URL, RANGE)
    assert b"6 of 10 answered" in response.content


def test_the_monthly_report_is_one_printable_page(client, supervisor, hub):
    client.force_login(supervisor)

    response = client.get(reverse("analytics:report"), {"month": "2026-11"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Demand Hub performance report: November 2026" in body
    assert "from 1 November 2026 to 30 November 2026" in body
    assert body.count('class="kpi-chart') == 17
    assert "@media print" not in body  # the print rules live in the stylesheet
    assert "analytics/performance.css" in body


def test_a_bad_month_is_explained(client, supervisor):
    client.force_login(supervisor)

    response = client.get(reverse("analytics:report"), {"month": "2026-13"})

    assert response.status_code == 400
    assert b"Give the month as YYYY-MM, e.g. 2026-11." in response.content


def test_a_range_chip_redraws_the_form_and_the_board(client, analyst, hub):
    client.force_login(analyst)

    response = client.get(URL, RANGE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="performance")

    body = response.content.decode()
    assert 'id="performance"' in body
    assert 'name="start" value="2026-11-01"' in body
    assert "w/c 02 Nov: answered within 10 s 60%" in body

"""`next` after signing in and after reading a notice goes to a page of this site only
(issue 13): every hostile value below lands on the default page, never a 500."""

from __future__ import annotations

import pytest

from tracker.web.redirects import safe_next

HOSTILE = [
    "//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "//evil.example/plans",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "/\u2028/evil.example",
    "/\u00a0/evil.example",
    "/\u200b/evil.example",
    "\x7f//evil.example",
    "",
]
# Encoded line breaks stay encoded: a harmless path of this site, never a header.
SAFE = ["/plans/1/dashboard", "/work?plan=1&unit=2", "/activities/5#reports", "/%0a%0dSet-Cookie:x"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_next_goes_to_the_default(target):
    assert safe_next(target, "/plans") == "/plans"


@pytest.mark.parametrize("target", SAFE)
def test_a_path_of_this_site_is_kept(target):
    assert safe_next(target, "/plans") == target


@pytest.mark.parametrize("target", HOSTILE)
def test_signing_in_with_a_hostile_next(app, client, target):
    response = client.post(
        "/login", query_string={"next": target},
        data={"username": "noivu", "password": "noivu2023"},
    )  # fmt: skip
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "\\" not in location and "evil.example" not in location.split("/")[1]


@pytest.mark.parametrize("target", HOSTILE[:8])
def test_reading_a_notice_with_a_hostile_next(app, client, auth, target):
    auth.login()
    response = client.post("/inbox/read", data={"id": "²", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/")
    assert not response.headers["Location"].startswith("//")

"""Given the portal in front of a warehouse, when a person uses it without a browser, then login,
CSRF, uploads, the registry page, downloads and the Data Docs behave as the coordinator needs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from cpts.config import Settings
from portal import auth, datadocs
from portal.app import create_app
from portal.svg import trend_svg
from portal.uploads import UploadRefused, check_name
from tasks.ingest import ingest_inbox
from tests.builders_xlsx import write_activite

PASSWORD = "mot-de-passe-de-test"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture
def portal_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"portail_comptes": {"coordinatrice": auth.hash_password(PASSWORD)}})


@pytest.fixture
def client(portal_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(portal_settings), follow_redirects=False) as c:
        yield c


def log_in(client: TestClient) -> str:
    token = csrf_of(client.get("/connexion").text)
    response = client.post("/connexion", data={"csrf": token, "identifiant": "coordinatrice",
                                               "mot_de_passe": PASSWORD, "suite": "/fichiers"})
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/depot").text)


def test_passwords_are_stored_hashed_and_checked() -> None:
    stored = auth.hash_password(PASSWORD)
    assert PASSWORD not in stored and stored.startswith("scrypt$")
    assert auth.verify_password(PASSWORD, stored)
    assert not auth.verify_password("autre", stored)
    assert not auth.verify_password(PASSWORD, None)


def test_a_tampered_session_cookie_is_ignored() -> None:
    key = b"k" * 32
    cookie = auth.sign(auth.Session("jeton", "coordinatrice", 4e9), key)
    assert auth.unsign(cookie, key).user == "coordinatrice"
    _body, mac = cookie.rsplit(".", 1)
    forged = auth.sign(auth.Session("jeton", "admin", 4e9), b"x" * 32).rsplit(".", 1)[0]
    assert auth.unsign(f"{forged}.{mac}", key) is None
    assert auth.unsign(cookie, b"autre-cle" * 4) is None


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_every_page_needs_a_login_and_a_wrong_password_is_refused(client: TestClient) -> None:
    for page in ("/depot", "/fichiers", "/indicateurs", "/rapports", "/qualite", "/qualite/docs/index.html"):
        response = client.get(page)
        assert response.status_code == 303 and response.headers["location"].startswith("/connexion")
    token = csrf_of(client.get("/connexion").text)
    response = client.post("/connexion", data={"csrf": token, "identifiant": "coordinatrice",
                                               "mot_de_passe": "faux"})
    assert response.status_code == 401 and "incorrect" in response.text
    assert client.get("/fichiers").status_code == 303


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_a_post_without_the_session_token_is_refused(client: TestClient, portal_settings: Settings) -> None:
    log_in(client)
    response = client.post("/depot", files={"fichiers": ("CPTS_activite_2024.xlsx", b"x")},
                           data={"csrf": "faux"})
    assert response.status_code == 403 and "Jeton de sécurité" in response.text
    assert not (Path(portal_settings.inbox_url) / "cpts" / "CPTS_activite_2024.xlsx").exists()
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("name", ["../CPTS_activite_2024.xlsx", "cpts/CPTS_activite_2024.xlsx",
                                  "..\\x.xlsx", ".CPTS_activite_2024.xlsx", "CPTS_activite\x00_2024.xlsx",
                                  "CPTS_activite\n2024.xlsx", "inconnu.xlsx", ""])
def test_unsafe_or_unknown_names_are_refused(name: str) -> None:
    with pytest.raises(UploadRefused):
        check_name(name)


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_a_dropped_file_lands_owner_only_in_its_provider_folder(
        client: TestClient, portal_settings: Settings, tmp_path: Path) -> None:
    token = log_in(client)
    workbook = write_activite(tmp_path / "poste").read_bytes()
    response = client.post("/depot", data={"csrf": token}, files=[
        ("fichiers", ("CPTS_activite_2024.xlsx", workbook)),
        ("fichiers", ("../../etc/passwd", b"x")),
    ])
    assert response.status_code == 200
    assert "1 fichier(s) déposé(s)" in response.text and "séparateur de dossier" in response.text
    landed = Path(portal_settings.inbox_url) / "cpts" / "CPTS_activite_2024.xlsx"
    assert landed.read_bytes() == workbook and landed.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in landed.parent.iterdir()] == ["CPTS_activite_2024.xlsx"]


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_a_file_over_the_size_limit_is_refused_and_nothing_is_left(
        portal_settings: Settings, engine: Engine) -> None:
    small = portal_settings.model_copy(update={"portail_taille_max_mo": 1})
    with TestClient(create_app(small), follow_redirects=False) as client:
        token = log_in(client)
        response = client.post("/depot", data={"csrf": token}, files={
            "fichiers": ("CPTS_activite_2024.xlsx", b"x" * (1024 * 1024 + 1))})
    assert response.status_code == 400 and "trop volumineux" in response.text
    assert list((Path(small.inbox_url) / "cpts").iterdir()) == []


def test_files_received_show_each_rejected_row_with_its_cell_and_what_to_do(
        client: TestClient, engine: Engine, portal_settings: Settings, inbox: Path) -> None:
    write_activite(inbox)
    (inbox / "cpts" / "CPTS_activite_2023.xlsx").write_bytes(b"pas un classeur")
    ingest_inbox(engine, portal_settings)
    log_in(client)

    page = client.get("/fichiers").text

    refused, loaded = page.index("CPTS_activite_2023.xlsx"), page.index("CPTS_activite_2024.xlsx")
    assert refused < loaded, "les refus sont en tête"
    assert "Refusé (quarantaine)" in page and "Motif :" in page
    assert "feuille Actions, cellule A6, colonne « Date »" in page
    assert "feuille Adhérents, cellule B7, colonne « Profession »" in page
    assert "hors de l&#39;année 2024" in page
    assert "À faire : Corrigez ces lignes" in page
    only_refused = client.get("/fichiers", params={"statut": "refuse"}).text
    assert "CPTS_activite_2023.xlsx" in only_refused and "CPTS_activite_2024.xlsx" not in only_refused


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_downloads_serve_only_listed_files(client: TestClient, portal_settings: Settings) -> None:
    reports = portal_settings.reports_dir
    reports.mkdir(parents=True)
    (reports / "rapport_dialogue_gestion_vallee-du-gier_2024.xlsx").write_bytes(b"PK classeur")
    (portal_settings.data_dir / "secret.xlsx").write_bytes(b"ne pas servir")
    log_in(client)
    listing = client.get("/rapports").text
    assert "/rapports/rapports/rapport_dialogue_gestion_vallee-du-gier_2024.xlsx" in listing
    ok = client.get("/rapports/rapports/rapport_dialogue_gestion_vallee-du-gier_2024.xlsx")
    assert ok.status_code == 200 and ok.content == b"PK classeur"
    assert "attachment" in ok.headers["content-disposition"]
    for bad in ("/rapports/rapports/..%2Fsecret.xlsx", "/rapports/..%2F/secret.xlsx",
                "/rapports/annexes/rapport_dialogue_gestion_vallee-du-gier_2024.xlsx"):
        assert client.get(bad).status_code == 404, bad


def test_data_docs_lose_every_external_reference() -> None:
    html = ('<html><head><link rel="stylesheet" href="https://cdn.example/b.css"/>'
            '<script src="https://code.jquery.com/jquery.js"></script><script>$(x)</script>'
            '<link rel="shortcut icon" href="./static/images/favicon.ico"/></head>'
            '<body><img src="https://s3.example/logo.png?d=1"><table><tr><td>ok</td></tr></table></body></html>')
    cleaned = datadocs.clean_html(html)
    assert "https://" not in cleaned and "<script" not in cleaned
    assert "./static/images/favicon.ico" in cleaned and "<td>ok</td>" in cleaned
    assert "/static/datadocs.css" in cleaned and "Observatoire CPTS" in cleaned
    assert datadocs.clean_css("a{background:url('https://x/y.png') 0 0}") == "a{background:none 0 0}"


def test_data_docs_paths_stay_inside_their_folder(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.html").write_text("x")
    (tmp_path / "secret.txt").write_text("x")
    assert datadocs.resolve(tmp_path / "docs", "index.html") == (tmp_path / "docs" / "index.html").resolve()
    assert datadocs.resolve(tmp_path / "docs", "../secret.txt") is None
    assert datadocs.resolve(tmp_path / "docs", "/etc/passwd") is None


def test_the_trend_chart_draws_known_months_and_leaves_masked_ones_as_gaps() -> None:
    values = [5.0, 7.0, None, 4.0, 6.0, None, None, None, None, None, None, 9.0]
    svg = trend_svg("Réunions — par mois", "réunions", {"2024": values})
    assert svg.startswith("<svg") and "https://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert svg.count("<circle") == 5  # one dot per known month
    assert svg.count("<polyline") == 2  # janv.–févr. and avr.–mai; déc. stands alone
    assert "<title>mars" not in svg


def test_serving_beyond_this_machine_needs_accounts_and_a_protected_prefect(tmp_path: Path) -> None:
    from cpts.config import ConfigurationError
    from cpts.serve import LocalPrefect
    from portal.server import check_exposure

    bare = Settings(data_dir=tmp_path)
    with pytest.raises(ConfigurationError, match="Aucun compte"):
        check_exposure(bare, "127.0.0.1")
    accounts = bare.model_copy(update={"portail_comptes": {"coordinatrice": auth.hash_password(PASSWORD)}})
    check_exposure(accounts, "127.0.0.1")
    with pytest.raises(ConfigurationError, match="CPTS_PREFECT_AUTH"):
        check_exposure(accounts, "0.0.0.0")
    check_exposure(Settings(data_dir=tmp_path, portail_comptes=accounts.portail_comptes,
                            prefect_auth="equipe:secret"), "0.0.0.0")
    env = LocalPrefect(home=tmp_path, port=4200, host="0.0.0.0", auth="equipe:secret").env()
    assert env["PREFECT_SERVER_API_AUTH_STRING"] == env["PREFECT_API_AUTH_STRING"] == "equipe:secret"


def test_indicators_show_the_report_figures_with_secrecy_and_a_trend_without_masked_months(
        client: TestClient, engine: Engine) -> None:
    from tests.builders_marts import add_result

    with engine.begin() as conn:
        add_result(conn, "vallee-du-gier", "MT_ALD_SANS", "2023", 780)
        add_result(conn, "vallee-du-gier", "MT_ALD_SANS", "2024", 80)
        add_result(conn, "vallee-du-gier", "MT_70P_SANS", "2023", 433)
        add_result(conn, "vallee-du-gier", "MT_70P_SANS", "2024", 7)
        add_result(conn, "vallee-du-gier", "URG_NON_HOSPIT", "2024", 20599, statut="provisoire",
                   motif="Contrôle qualité en échec")
        for month in range(1, 13):
            add_result(conn, "vallee-du-gier", "URG_NON_HOSPIT", f"2024-{month:02d}",
                       7 if month == 3 else 1700, type_periode="mois")
    log_in(client)

    page = client.get("/indicateurs", params={"territoire": "vallee-du-gier", "annee": "2024"}).text

    assert "CPTS Vallée du Gier — 2024 comparée à 2023" in page
    ald = page[page.index("Patients en ALD sans médecin traitant"):]
    assert re.search(r">780<.*?>80<.*?>-700", ald, re.DOTALL)
    seventy = page[page.index("Patients de 70 ans et plus sans médecin traitant"):][:600]
    assert ">433<" in seventy and "&lt; 10" in seventy and ">7<" not in seventy
    assert "Provisoire" in page and "Contrôle qualité en échec" in page
    chart = page[page.index('id="tendance-URG_NON_HOSPIT"'):]
    chart = chart[:chart.index("</figure>")]
    assert chart.count("<circle") == 11 and "mars :" not in chart  # March (7) is masked


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_pages_are_read_while_a_nightly_holds_the_writer_lock(client: TestClient,
                                                                portal_settings: Settings) -> None:
    from warehouse.db import make_engine

    log_in(client)
    writer = make_engine(portal_settings.database_url)
    try:
        with writer.begin():  # BEGIN IMMEDIATE, as a loading nightly holds it
            response = client.get("/fichiers")  # would wait for the lock, then fail « locked »
    finally:
        writer.dispose()
    assert response.status_code == 200 and "Fichiers reçus" in response.text

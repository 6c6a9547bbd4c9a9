"""The « Observatoire » portal: a small server-rendered Starlette application, in French.

Every page but the login needs a session; every POST carries the session's CSRF token. Pages read
the warehouse through report/ and cpts/ (secrecy applied there), never by themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from cpts.config import Settings, get_settings
from portal import auth, datadocs, downloads, indicators, quality, registry, runs, uploads
from portal.security import SecurityHeaders
from warehouse import reference
from warehouse.db import make_engine

HERE = Path(__file__).parent
MAX_FILES = 20
Handler = Callable[[Request], Awaitable[Response]]

templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                        autoescape=select_autoescape(["html"]))
templates.globals["where"] = registry.where
templates.globals["cell_text"] = indicators.cell_text
templates.globals["evolution_text"] = indicators.evolution_text
templates.globals["money_text"] = indicators.money_text
templates.globals["tier_text"] = indicators.tier_text


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    session: auth.Session = request.state.session
    html = templates.get_template(name).render(request=request, user=session.user, csrf=session.csrf,
                                               path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code)


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def with_session(handler: Handler, *, login_required: bool = True) -> Handler:
    """Load (or start) the session, enforce login and CSRF, and write the cookie back."""
    @wraps(handler)
    async def wrapper(request: Request) -> Response:
        settings = settings_of(request)
        key = request.app.state.session_key
        session = auth.unsign(request.cookies.get(auth.COOKIE), key) or auth.Session.anonymous()
        request.state.session = session
        if request.method == "POST":
            form = await request.form(max_files=MAX_FILES, max_fields=50)
            request.state.form = form
            if not auth.csrf_ok(session, form.get("csrf")):
                return render(request, "erreur.html", 403, titre="Requête refusée",
                              message="Jeton de sécurité absent ou périmé : rechargez la page puis "
                                      "recommencez.")
        if login_required and session.user is None:
            response: Response = RedirectResponse(f"/connexion?suite={request.url.path}", 303)
        elif login_required and session.user not in settings.portail_comptes:
            response = RedirectResponse("/connexion", 303)  # account removed since login
            request.state.session = auth.Session.anonymous()
        else:
            response = await handler(request)
        response.set_cookie(auth.COOKIE, auth.sign(request.state.session, key), max_age=auth.SESSION_SECONDS,
                            httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return response
    return wrapper


def public(handler: Handler) -> Handler:
    return with_session(handler, login_required=False)


def _safe_next(target: str | None) -> str:
    """Only a local path (never //host or a scheme) after login."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/fichiers"


@public
async def login_page(request: Request) -> Response:
    return render(request, "connexion.html", suite=_safe_next(request.query_params.get("suite")))


@public
async def login(request: Request) -> Response:
    form, accounts = request.state.form, settings_of(request).portail_comptes
    user, password = str(form.get("identifiant", ""))[:80], str(form.get("mot_de_passe", ""))[:200]
    ok = await run_in_threadpool(auth.verify_password, password, accounts.get(user))
    if not ok:
        return render(request, "connexion.html", 401, suite=_safe_next(form.get("suite")),
                      erreur="Identifiant ou mot de passe incorrect.")
    request.state.session = request.state.session.logged_in(user)
    return RedirectResponse(_safe_next(form.get("suite")), 303)


@with_session
async def logout(request: Request) -> Response:
    request.state.session = auth.Session.anonymous()
    return RedirectResponse("/connexion", 303)


async def home(_: Request) -> Response:
    return RedirectResponse("/fichiers", 303)


@with_session
async def upload_page(request: Request) -> Response:
    return render(request, "depot.html", types=uploads.accepted_types(),
                  max_mo=settings_of(request).portail_taille_max_mo)


@with_session
async def upload(request: Request) -> Response:
    settings = settings_of(request)
    done, refused = [], []
    for item in request.state.form.getlist("fichiers"):
        if not isinstance(item, UploadFile):
            continue
        try:
            done.append(await run_in_threadpool(uploads.deposit, settings.inbox_url, item.filename or "",
                                                item.file, settings.portail_taille_max_mo * uploads.CHUNK))
        except uploads.UploadRefused as exc:
            refused.append(str(exc))
    if not done and not refused:
        refused.append("Aucun fichier choisi.")
    return render(request, "depot.html", 200 if done else 400, types=uploads.accepted_types(),
                  max_mo=settings.portail_taille_max_mo, deposes=done, refuses=refused)


@with_session
async def start_nightly(request: Request) -> Response:
    settings = settings_of(request)
    try:
        run = await run_in_threadpool(runs.start_nightly, settings, request.state.session.user)
    except runs.PrefectUnavailable as exc:
        return render(request, "depot.html", 503, types=uploads.accepted_types(),
                      max_mo=settings.portail_taille_max_mo, refuses=[str(exc)])
    return render(request, "depot.html", types=uploads.accepted_types(),
                  max_mo=settings.portail_taille_max_mo, execution=run)


def _with_conn(request: Request, fn, *args):
    with request.app.state.engine.connect() as conn:
        return fn(conn, *args)


@with_session
async def files_page(request: Request) -> Response:
    filters = registry.parse_filters(dict(request.query_params))

    def read(conn):
        return registry.deliveries(conn, filters), registry.providers(conn)
    found, providers = await run_in_threadpool(_with_conn, request, read)
    return render(request, "fichiers.html", livraisons=found, fournisseurs=providers, filtres=filters,
                  statuts=registry.STATUTS)


@with_session
async def indicators_page(request: Request) -> Response:
    settings, names = settings_of(request), reference.territory_names()
    territoire = request.query_params.get("territoire") or next(iter(names))
    if territoire not in names:
        territoire = next(iter(names))

    def read(conn):
        available = indicators.years(conn, territoire)
        try:
            annee = int(request.query_params.get("annee", ""))
        except ValueError:
            annee = available[0] if available else None
        page = indicators.build_page(conn, territoire, annee, settings.secret_threshold) \
            if annee in available else None
        return available, annee, page
    available, annee, page = await run_in_threadpool(_with_conn, request, read)
    return render(request, "indicateurs.html", territoires=names, territoire=territoire, annees=available,
                  annee=annee, page=page, seuil=settings.secret_threshold)


@with_session
async def reports_page(request: Request) -> Response:
    return render(request, "rapports.html", fichiers=downloads.listing(settings_of(request)))


@with_session
async def download(request: Request) -> Response:
    path = downloads.find(settings_of(request), request.path_params["dossier"], request.path_params["nom"])
    if path is None:
        return render(request, "erreur.html", 404, titre="Fichier introuvable",
                      message="Ce fichier n'existe pas ou plus : revenez à la liste des rapports.")
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


@with_session
async def quality_page(request: Request) -> Response:
    settings = settings_of(request)
    run = await run_in_threadpool(_with_conn, request, quality.last_run)
    pages = datadocs.validation_pages(quality.docs_root(settings), run.execution_id) if run else {}
    return render(request, "qualite.html", execution=run, pages=pages)


@with_session
async def data_docs(request: Request) -> Response:
    root = quality.docs_root(settings_of(request))
    relative = request.path_params["chemin"]
    if relative in ("", "index.html"):  # GX's index lists the runs with JavaScript: ours is plain HTML
        run = await run_in_threadpool(_with_conn, request, quality.last_run)
        return render(request, "qualite_docs.html", execution=run,
                      pages=datadocs.validation_pages(root, run.execution_id) if run else {},
                      echecs=run.failed_suites if run else set())
    path = datadocs.resolve(root, relative)
    if path is None:
        return render(request, "erreur.html", 404, titre="Page introuvable",
                      message="Cette page des contrôles qualité n'existe pas (encore).")
    if path.suffix == ".html":
        return HTMLResponse(datadocs.clean_html(path.read_text(encoding="utf-8")))
    if path.suffix == ".css":
        return Response(datadocs.clean_css(path.read_text(encoding="utf-8")), media_type="text/css")
    return FileResponse(path)


async def health(_: Request) -> Response:
    return Response("ok", media_type="text/plain")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    app = Starlette(routes=[
        Route("/", home),
        Route("/sante", health),
        Route("/connexion", login_page, methods=["GET"]),
        Route("/connexion", login, methods=["POST"]),
        Route("/deconnexion", logout, methods=["POST"]),
        Route("/depot", upload_page, methods=["GET"]),
        Route("/depot", upload, methods=["POST"]),
        Route("/depot/lancer", start_nightly, methods=["POST"]),
        Route("/fichiers", files_page),
        Route("/indicateurs", indicators_page),
        Route("/rapports", reports_page),
        Route("/rapports/{dossier}/{nom}", download),
        Route("/qualite", quality_page),
        Route("/qualite/docs/{chemin:path}", data_docs),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ], middleware=[Middleware(SecurityHeaders, max_body=(settings.portail_taille_max_mo + 1)
                              * uploads.CHUNK * MAX_FILES)])
    app.state.settings = settings
    app.state.session_key = settings.session_key()
    app.state.engine = make_engine(settings.database_url, writer=False)
    return app

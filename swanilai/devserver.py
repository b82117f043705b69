"""`build.py serve`: the built site and the submission API on 127.0.0.1, through the real lambda_handler.

Static files come from the site directory, for GET and HEAD only (any other method: a plain 405),
and only for paths the site can have (SITE_PATH, as the CloudFront index function). Under /api the
server is the HTTP API of `infra/template.yaml` (swanilai/routes.py): a request on a declared route
becomes the payload format 2.0 event API Gateway would send (route key, path parameters, query,
and for an authorized route the claims a local verifier vouched for), handled by the function the
template names; any other method on a declared path goes to that path's function, which answers
its own JSON 405; an undeclared path gets API Gateway's 404. Two local-only endpoints stand in for
S3 with a local store: /api/local-uploads takes evidence files as S3's presigned POST does
(swanilai/localuploads.py) and /api/local-files hands them to the desk as a presigned GET does
(swanilai/localfiles.py). Submissions go to
a local directory (LocalStore), or to S3 when SUBMISSIONS_BUCKET is set (boto3 itself honours
AWS_ENDPOINT_URL_S3, e.g. a moto server on 127.0.0.1). A silent connection is dropped after
REQUEST_TIMEOUT; Ctrl-C answers the requests in flight and drops idle ones. Standard library only.
"""

from __future__ import annotations

import base64
import errno
import importlib
import json
import mimetypes
import os
import re
import secrets
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from handler import app, desk, erasure, indexer
from handler.catalog import forget_schemes
from handler.config import Config, utc_now
from handler.deskconfig import DeskConfig, FileLinks, S3FileLinks
from handler.deskrules import DeskError
from handler.fields import BODY_MAX_BYTES
from handler.request import parse_json
from handler.response import json_text
from handler.scheme import list_catalog
from handler.store import S3Store, Store, StoreUnavailable, error_code, open_store
from handler.upload import LocalUploads
from swanilai import localfiles, localuploads
from swanilai.localauth import LocalAuth
from swanilai.localdesk import IndexingStore, open_index, users_path
from swanilai.routes import Route, load_routes, resolve

HOST = "127.0.0.1"
# The site's pages call the API at /api (build.py's default API URL is /api/submissions).
API_PREFIX = "/api"
# The local stand-in for S3's presigned POST (swanilai/localuploads.py): not a route of the template.
LOCAL_UPLOADS = API_PREFIX + "/local-uploads"
LOCAL_FILES = API_PREFIX + "/local-files"
# An authorizer's check of a request's headers: the token's claims, or None for API Gateway's 401.
Verifier = Callable[[dict[str, str]], dict[str, Any] | None]
# A local-only endpoint (no AWS counterpart): (method, body, headers) -> (status, JSON body or None, headers).
LocalEndpoint = Callable[[str, bytes, dict[str, str]], tuple[int, dict[str, Any] | None, dict[str, str]]]
# The template's authorizer of the desk's routes, and the local-only session endpoint the desk page
# uses to exchange `serve`'s one-time sign-in link for a signed ID token (and to sign out).
DESK_AUTHORIZER = "DeskAuthorizer"
DESK_SESSION_PATH = "/desk/session"
# A path this site can have: segments of letters, digits and . _ ~ -, no empty segment. Only
# these are served or redirected; the CloudFront index function in infra/template.yaml holds the
# same expression (a test keeps them equal).
SITE_PATH = re.compile(r"^(\/[A-Za-z0-9._~-]+)*\/?$")
# A body over the limit is read this far and no further, then the connection is closed.
DRAIN_MAX = 16 * 1024 * 1024
REQUEST_TIMEOUT = 30.0
# The static site answers these and nothing else (CloudFront allows the same two).
SITE_METHODS = ("GET", "HEAD")
SITE_405 = "Situs ini hanya melayani GET dan HEAD.\n"
# What S3 answers when it is throttling or briefly unavailable: the local store's StoreUnavailable.
SLOW_DOWN = localuploads.Refused(503, "ServiceUnavailable", "Please reduce your request rate.")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
    ".gz": "application/gzip",
    ".map": "application/json; charset=utf-8",
}


class ServeError(Exception):
    """The local server cannot start; the message says why and what to do, in one line."""


class LocalServer(ThreadingHTTPServer):
    # Ctrl-C waits for requests in flight: a candidate's submission is never cut off half-way.
    # Connections waiting for a request are closed at once instead (see server_close).
    daemon_threads = False
    block_on_close = True
    # socketserver's default backlog of 5 refuses connections when many arrive at once.
    request_queue_size = 128
    # Seconds a connection may stay silent: a client that connects and stalls holds a thread
    # (and Ctrl-C) no longer than this.
    request_timeout: float = REQUEST_TIMEOUT

    def __init__(self, port: int, store: Store) -> None:
        # Before binding: a port in use makes the base class call server_close() at once.
        self._waiting: set[socket.socket] = set()
        self._waiting_lock = threading.Lock()
        self._closing = False
        super().__init__((HOST, port), SiteAndApiHandler)
        self.store = store
        self.site_dir = Path()
        # The API as the template declares it, and the local stand-ins for its authorizers
        # (name -> check of a request's headers); a route whose authorizer has none here is a 401.
        self.routes: tuple[Route, ...] = load_routes()
        self.verifiers: dict[str, Verifier] = {}
        # The key local upload tickets are signed with: new at every start, never written anywhere.
        self.upload_secret = secrets.token_bytes(32)
        # The time for the handler and the local uploads (tests move it to expire a ticket).
        self.clock: Callable[[], datetime] = utc_now
        self.local_endpoints: dict[str, LocalEndpoint] = {}
        # Where the desk keeps its index and local users (<store>/.desk/), even when records go to S3.
        self.state_dir = Path("var")
        self.desk_auth: LocalAuth | None = None

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"

    def waiting_for_request(self, connection: socket.socket) -> bool:
        """Note that this connection waits for its next request; False once the server is closing."""
        with self._waiting_lock:
            if self._closing:
                return False
            self._waiting.add(connection)
            return True

    def request_arrived(self, connection: socket.socket) -> None:
        with self._waiting_lock:
            self._waiting.discard(connection)

    def server_close(self) -> None:
        # Connections with no request in progress are shut now, so their threads end and the
        # join below waits only for requests being answered. A request whose first line arrives
        # in the same instant may lose its answer; the page retries, and a stored submission is
        # answered again with its receipt.
        with self._waiting_lock:
            self._closing = True
            waiting = list(self._waiting)
        for connection in waiting:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client
        super().server_close()


def open_server(port: int, store: str | Path) -> LocalServer:
    """Claim the port and the store before anything slow happens, so a mistake shows at once."""
    chosen = choose_store(store)
    try:
        server = LocalServer(port, chosen)
        server.state_dir = Path(store)
        return server
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {HOST} is in use; stop the other server or run "
                f"`python3 build.py serve --port {port + 1}`"
            ) from None
        raise ServeError(f"cannot listen on {HOST}:{port}: {exc.strerror}; choose another port with --port") from None


def choose_store(store: str | Path) -> Store:
    """S3 when SUBMISSIONS_BUCKET is set (checked now), else the local directory (created now)."""
    bucket = os.environ.get("SUBMISSIONS_BUCKET", "").strip()
    if bucket:
        s3 = open_store(f"s3://{bucket}")
        check_bucket(s3)
        return s3
    root = Path(store)
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".tmp-probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ServeError(
            f"cannot write submissions to {root}: {exc.strerror}; pass a writable directory with --store DIR"
        ) from None
    return open_store(root)


def check_bucket(s3: S3Store) -> None:
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or "AWS S3"
    try:
        s3.client.head_bucket(Bucket=s3.bucket)
    except Exception as exc:  # noqa: BLE001 - every failure here becomes one line for the operator
        code = error_code(exc) or type(exc).__name__
        hints = {
            "404": "create it first, or unset SUBMISSIONS_BUCKET to store under --store",
            "NoSuchBucket": "create it first, or unset SUBMISSIONS_BUCKET to store under --store",
            "403": "the credentials in use may not read it",
            "NoCredentialsError": "set AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
            "EndpointConnectionError": "is the endpoint running? check AWS_ENDPOINT_URL_S3",
        }
        hint = hints.get(code, "check SUBMISSIONS_BUCKET, AWS_ENDPOINT_URL_S3 and your AWS credentials")
        raise ServeError(f"cannot use bucket {s3.bucket!r} at {endpoint} ({code}); {hint}") from None


def start(server: LocalServer, site_dir: Path, catalog_dir: Path) -> None:
    """Point the server at a built site and catalog, and configure the handler for local mode."""
    server.site_dir = Path(site_dir)
    forget_schemes()  # the catalog was just rebuilt
    origins = frozenset({server.origin, f"http://localhost:{server.server_address[1]}"})
    store = start_desk(server)
    app.configure(
        Config(
            store=store,
            catalog_dir=Path(catalog_dir),
            allowed_origins=origins,
            clock=lambda: server.clock(),
            uploads=local_upload_signer(server),
        )
    )


def local_upload_signer(server: LocalServer) -> LocalUploads | None:
    """Tickets for the server's own upload endpoint; None for S3, where tickets are presigned POSTs."""
    if isinstance(server.store, S3Store):
        return None
    return LocalUploads(server.origin + LOCAL_UPLOADS, server.upload_secret)


def start_desk(server: LocalServer) -> Store:
    """The desk in local mode: its index (built first if it never was), users, verifier and session endpoint.

    Returns the store the submission function writes through, which indexes each new record at
    once, as S3's events do in AWS.
    """
    index = open_index(server.state_dir)
    if index.meta().rebuilt_at is None:
        done = indexer.reindex(server.store, index, utc_now())
        if done.indexed:
            print(f"  desk: indexed {done.indexed} submission(s) found in {server.store.describe()}", flush=True)
    auth = LocalAuth(users_path(server.state_dir), server.origin)
    auth.ensure_admin()
    server.desk_auth = auth
    server.verifiers[DESK_AUTHORIZER] = auth.verify
    server.local_endpoints[DESK_SESSION_PATH] = lambda method, body, headers: desk_session(auth, method, body, headers)
    desk.configure(DeskConfig(store=server.store, index=index, directory=auth, files=local_file_links(server)))
    indexer.configure(DeskConfig(store=server.store, index=index))
    erasure.configure(DeskConfig(store=server.store, index=index, clock=lambda: server.clock()))
    return IndexingStore(server.store, index, failed=_index_failed)


def local_file_links(server: LocalServer) -> FileLinks | None:
    """How the desk links evidence files locally: presigned GETs of the bucket, or the server's own links."""
    if isinstance(server.store, S3Store):
        return S3FileLinks(server.store.bucket) if not server.store.prefix else None
    return localfiles.LocalFileLinks(server.origin + LOCAL_FILES, server.upload_secret, lambda: server.clock())


def _index_failed(key: str, exc: BaseException) -> None:
    print(f"  desk: could not index {key} ({type(exc).__name__}); the desk will catch up", file=sys.stderr, flush=True)


def desk_session(auth: LocalAuth, method: str, body: bytes, headers: dict[str, str]):
    """POST: a one-time sign-in token for an ID token; DELETE: sign out (the bearer token stops working)."""
    request_id = uuid.uuid4().hex
    if method == "POST":
        try:
            token = parse_json(body).get("token")
        except Exception:  # noqa: BLE001 - any unreadable body is the same refusal
            token = None
        session = auth.exchange(token)
        if session is None:
            return 401, DeskError("sign_in_link_invalid").body(request_id), {}
        expires = session.expires_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return 200, {"id_token": session.id_token, "expires_at": expires}, {"cache-control": "no-store"}
    if method == "DELETE":
        if auth.revoke(headers):
            return 204, None, {}
        return 401, DeskError("unauthenticated").body(request_id), {}
    return 405, DeskError("method_not_allowed").body(request_id), {"allow": "POST, DELETE"}


def run(server: LocalServer, site_dir: Path, catalog_dir: Path) -> int:
    """Serve until Ctrl-C (or SIGTERM); return the process exit code."""
    start(server, site_dir, catalog_dir)
    schemes = list_catalog(Path(catalog_dir))
    print(f"Swanilai is serving {site_dir} and the submission API on {server.origin}/", flush=True)
    for scheme_id in schemes[:5]:
        print(f"  form: {server.origin}/skema/{scheme_id}/", flush=True)
    if len(schemes) > 5:
        print(f"  ... and {len(schemes) - 5} more on {server.origin}/", flush=True)
    print(f"  submissions are stored in {server.store.describe()}", flush=True)
    if server.desk_auth is not None:
        admin = server.desk_auth.ensure_admin()
        link = server.desk_auth.sign_in_link(admin.sub)
        print(f"  assessors' desk: {link}", flush=True)
        print(
            "    (a one-time sign-in link for the local admin, valid 10 minutes; restart serve for a new one)",
            flush=True,
        )
    print("Press Ctrl-C to stop.", flush=True)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr, flush=True)
    finally:
        app.configure(None)
        desk.configure(None)
        indexer.configure(None)
        erasure.configure(None)
    return 0


def serve(site_dir: Path, catalog_dir: Path, port: int = 8000, store: str | Path = "var") -> int:
    """Open, then run: the whole local server for a site that is already built."""
    try:
        server = open_server(port, store)
    except ServeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with server:
        return run(server, site_dir, catalog_dir)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class SiteAndApiHandler(SimpleHTTPRequestHandler):
    server: LocalServer
    server_version = "Swanilai-local"

    @property
    def timeout(self) -> float:  # type: ignore[override]
        # StreamRequestHandler applies it to the connection: every read waits at most this long.
        return self.server.request_timeout

    def handle_one_request(self) -> None:
        if not self.server.waiting_for_request(self.connection):
            self.close_connection = True
            return
        try:
            super().handle_one_request()
        finally:
            self.server.request_arrived(self.connection)

    def parse_request(self) -> bool:
        self.server.request_arrived(self.connection)
        return super().parse_request()

    def translate_path(self, path: str) -> str:
        # SimpleHTTPRequestHandler resolves against self.directory; ours changes after start().
        self.directory = str(self.server.site_dir)
        return super().translate_path(path)

    # -- dispatch: the API takes every method (it answers its own 405), the site GET and HEAD

    def do_GET(self) -> None:
        self._api_or(super().do_GET)

    def do_HEAD(self) -> None:
        self._api_or(super().do_HEAD)

    def __getattr__(self, name: str) -> Any:
        # http.server looks up do_<METHOD> and answers an HTML 501 when there is none (TRACE,
        # PROPFIND, anything): every other method gets this server's own answer instead.
        if name.startswith("do_"):
            return self._other_method
        raise AttributeError(name)

    def _other_method(self) -> None:
        self._api_or(self._site_method_not_allowed)

    def _api_or(self, otherwise) -> None:
        path = urlsplit(self.path).path
        if path == LOCAL_UPLOADS and not isinstance(self.server.store, S3Store):
            self._local_upload()
        elif path == LOCAL_FILES and not isinstance(self.server.store, S3Store):
            self._local_file()
        elif _is_api(path):
            self._call_api()
        else:
            otherwise()

    def _local_upload(self) -> None:
        """S3's POST upload, locally: the ticket's rules checked, the file stored under incoming/."""
        if self.command != "POST":
            self._refuse(localuploads.Refused(405, "MethodNotAllowed", "POST only"))
            return
        try:
            length = max(0, int(self.headers.get("Content-Length", "0")))
        except ValueError:
            length = 0
        if length > localuploads.MAX_BODY_BYTES:
            too_large = "Your proposed upload exceeds the maximum allowed size"
            self._refuse(localuploads.Refused(400, "EntityTooLarge", too_large), complete=False)
            return
        body = self.rfile.read(length)
        try:
            fields, file = localuploads.parse_form(self.headers.get("Content-Type", ""), body)
            key = localuploads.check_post(fields, file, self.server.upload_secret, self.server.clock())
            localuploads.store_upload(self.server.store, key, file)
        except localuploads.Refused as refused:
            self._refuse(refused)
            return
        except StoreUnavailable:
            self._refuse(SLOW_DOWN)
            return
        self._send_upload_answer(204, b"", True)

    def _local_file(self) -> None:
        """An evidence file through a link the desk signed (the local presigned GET)."""
        if self.command not in ("GET", "HEAD"):
            self._refuse(localuploads.Refused(405, "MethodNotAllowed", "GET only"), complete=False)
            return
        try:
            query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
            key, name, content_type = localfiles.check_link(query, self.server.upload_secret, self.server.clock())
            data = self.server.store.get(key)
        except localuploads.Refused as refused:
            self._refuse(refused)
            return
        except StoreUnavailable:
            self._refuse(SLOW_DOWN)
            return
        if data is None:
            self._refuse(localuploads.Refused(404, "NoSuchKey", "The specified key does not exist."))
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Disposition", localfiles.disposition(name))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "private, no-store")
        self._finish(data, True)

    def _refuse(self, refused: localuploads.Refused, complete: bool = True) -> None:
        """S3's error answer (XML); `complete` False when the request's body was left unread."""
        self._send_upload_answer(refused.status, refused.xml(), complete)

    def _send_upload_answer(self, status: int, data: bytes, complete: bool) -> None:
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/xml")
        self._finish(data, complete)

    def _site_method_not_allowed(self) -> None:
        data = SITE_405.encode("utf-8")
        self.send_response(405)
        self.send_header("Allow", ", ".join(SITE_METHODS))
        self.send_header("Content-Type", CONTENT_TYPES[".txt"])
        self.send_header("Content-Length", str(len(data)))
        # A body the client may still be sending is not read: close rather than misread it.
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def _call_api(self) -> None:
        """Route as API Gateway does: the declared route's function, after its authorizer."""
        path = urlsplit(self.path).path[len(API_PREFIX) :] or "/"
        local = self.server.local_endpoints.get(path)
        if local is not None:
            self._call_local(local)
            return
        route, parameters, on_path = resolve(self.server.routes, self.command, path)
        if route is None and on_path:
            route = on_path[0]  # its function answers the method (its own 405, or a preflight)
        body, complete = self._read_body()
        if route is None:
            self._send_json(404, {"message": "Not Found"}, complete)
            return
        claims = None
        if route.authorizer is not None:
            verifier = self.server.verifiers.get(route.authorizer)
            claims = verifier(self._headers()) if verifier is not None else None
            if claims is None:
                self._send_json(401, {"message": "Unauthorized"}, complete)
                return
        event = self._event(body, route, path, parameters, claims)
        module, _, function = route.entry.rpartition(".")
        entry = getattr(importlib.import_module(module), function)
        response = entry(event, _Context(event["requestContext"]["requestId"]))
        payload = response.get("body") or ""
        data = base64.b64decode(payload) if response.get("isBase64Encoded") else payload.encode("utf-8")
        self.send_response(response["statusCode"])
        for name, value in (response.get("headers") or {}).items():
            self.send_header(name, value)
        self._finish(data, complete)

    def _call_local(self, endpoint: LocalEndpoint) -> None:
        """A local-only endpoint of this server (the desk's session): JSON in, JSON out."""
        body, complete = self._read_body()
        status, payload, headers = endpoint(self.command, body, self._headers())
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if payload is None:
            self._finish(b"", complete)
            return
        self.send_header("Content-Type", CONTENT_TYPES[".json"])
        self._finish(json_text(payload).encode("utf-8"), complete)

    def _send_json(self, status: int, body: dict[str, Any], complete: bool) -> None:
        """An answer API Gateway itself gives (no route: 404; no valid token: 401)."""
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPES[".json"])
        self._finish(json.dumps(body).encode("utf-8"), complete)

    def _finish(self, data: bytes, complete: bool) -> None:
        self.send_header("Content-Length", str(len(data)))
        if not complete:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _headers(self) -> dict[str, str]:
        """The request's headers as payload 2.0 carries them: lower-case names, repeats comma-joined."""
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            name = name.lower()
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        return headers

    def _read_body(self) -> tuple[bytes, bool]:
        """The body, read at most one byte past the limit (enough for the handler's 413)."""
        try:
            length = max(0, int(self.headers.get("Content-Length", "0")))
        except ValueError:
            length = 0
        body = self.rfile.read(min(length, BODY_MAX_BYTES + 1))
        rest = length - len(body)
        if rest <= 0:
            return body, True
        # Drain what the client is still sending (bounded), so it can read the 413 we answer.
        while rest > 0 and length <= DRAIN_MAX:
            chunk = self.rfile.read(min(rest, 1 << 16))
            if not chunk:
                break
            rest -= len(chunk)
        return body, False

    def _event(
        self, body: bytes, route: Route, path: str, parameters: dict[str, str], claims: dict[str, Any] | None
    ) -> dict[str, Any]:
        """The payload format 2.0 event API Gateway's HTTP API would deliver for this request."""
        url = urlsplit(self.path)
        headers = self._headers()
        try:
            text, encoded = body.decode("utf-8"), False
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode("ascii"), True
        now = datetime.now(UTC)
        query: dict[str, str] = {}
        for name, value in parse_qsl(url.query, keep_blank_values=True):
            query[name] = f"{query[name]},{value}" if name in query else value
        context: dict[str, Any] = {
            "accountId": "anonymous",
            "apiId": "local",
            "domainName": headers.get("host", HOST),
            "domainPrefix": "local",
            "http": {
                "method": self.command,
                "path": path,
                "protocol": self.request_version,
                "sourceIp": self.client_address[0],
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": route.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        }
        if claims is not None:
            context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route.route_key,
            "rawPath": path,
            "rawQueryString": url.query,
            "headers": headers,
            "requestContext": context,
            "body": text,
            "isBase64Encoded": encoded,
        }
        if parameters:
            event["pathParameters"] = parameters
        if query:
            event["queryStringParameters"] = query
        return event

    # -- the site

    def send_head(self):
        # Any other path is no page of the site, and redirecting its directory could send the
        # browser to another host: "/\evil.example/../skema" would answer "Location: /\evil...".
        if not SITE_PATH.fullmatch(urlsplit(self.path).path):
            self.send_error(404)
            return None
        return super().send_head()

    def list_directory(self, path: str):
        # A directory without index.html is not a page of the site.
        self.send_error(404)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.server.site_dir / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        data = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", CONTENT_TYPES[".html"])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        suffix = Path(path).suffix.lower()
        return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(str(path))[0] or "application/octet-stream"

    def end_headers(self) -> None:
        if not _is_api(urlsplit(getattr(self, "path", "")).path):
            # Always revalidate: after a rebuild the browser must see the new page and scripts.
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        # API requests are logged by the handler as JSON lines; the site's requests briefly, no address.
        if not _is_api(urlsplit(getattr(self, "path", "")).path):
            sys.stderr.write(f"{time.strftime('%H:%M:%S')} {format % args}\n")


def _is_api(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


class _Context:
    """The little of Lambda's context object the handler reads."""

    function_name = "swanilai-local"
    memory_limit_in_mb = 0

    def __init__(self, request_id: str) -> None:
        self.aws_request_id = request_id

    def get_remaining_time_in_millis(self) -> int:
        return 30_000

"""Tests for the outbound-fetch guard, against real HTTP(S) servers on loopback; httpx is not
mocked.

Only loopback servers exist here, so "a public web server" is simulated honestly: the test
policy `as_if_public` classifies 127.0.0.2 as public and leaves every other address to the real
`address_kind`. Servers standing in for private services listen on 127.0.0.1 (or ::1). Linux
routes all of 127.0.0.0/8 to the loopback device, so both can listen on the same port number.
Name lookups for made-up names go through `FakeDNS`, a getaddrinfo-compatible resolver.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from ingest.article import Article
from ingest.sources import Failure, iter_articles
from ingest.sources.guard import (
    PRIVATE_HINT,
    RefusedURL,
    address_kind,
    check_url,
    guarded_client,
)

PUBLIC_STAND_IN = "127.0.0.2"


def as_if_public(ip):
    """Test policy: 127.0.0.2 counts as a public address; everything else is classified as usual."""
    return None if ip == ipaddress.ip_address(PUBLIC_STAND_IN) else address_kind(ip)


def no_lookup(*args, **kwargs):
    """A resolver that fails the test if the guard tries to resolve anything."""
    raise AssertionError(f"unexpected lookup {args}")


class FakeDNS:
    """getaddrinfo-compatible: made-up names answer from a script (one answer list per call)."""

    def __init__(self, script: dict[str, list[list[str]]]):
        self.script = {name: list(answers) for name, answers in script.items()}
        self.calls: list[str] = []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        self.calls.append(host)
        if host not in self.script:
            return socket.getaddrinfo(host, port, family, type, proto, flags)
        answers = self.script[host]
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]


# --- servers -----------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """Serves `server.routes[path] = (status, headers, body)`; records every path asked for."""

    def do_GET(self):
        self.server.paths.append(self.path)
        status, headers, body = self.server.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    """A loopback HTTP server that records each accepted connection and each request path."""

    daemon_threads = True

    def __init__(self, host: str, port: int = 0, routes: dict | None = None):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)
        self.host = host
        self.routes = routes or {}
        self.paths: list[str] = []
        self.connections: list[tuple] = []

    def verify_request(self, request, client_address):
        self.connections.append(client_address)
        return True

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str = "/", host: str | None = None, scheme: str = "http") -> str:
        host = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{scheme}://{host}:{self.port}{path}"


@pytest.fixture
def serve():
    """Start loopback servers on demand; stop them all after the test."""
    started = []

    def start(
        host: str, port: int = 0, routes: dict | None = None, tls: ssl.SSLContext | None = None
    ):
        server = Server(host, port, routes)
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def has_ipv6_loopback() -> bool:
    """Whether ::1 can be bound on this machine."""
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def ok(body: bytes) -> tuple:
    return (200, {"Content-Type": "text/plain"}, body)


def redirect(location: str) -> tuple:
    return (302, {"Location": location}, b"")


# --- classification ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, kind",
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fd00::1", "unique-local"),
        ("fec0::1", "site-local"),  # is_global is True for it on 3.11.7
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("100.100.100.200", "shared (carrier-grade NAT)"),  # Alibaba Cloud metadata
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "unspecified"),  # is_private (not unspecified) on 3.11.7
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),  # is_global is True for it on 3.11.7
        ("ff02::1", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("240.0.0.1", "reserved"),
        ("192.0.2.1", "documentation"),
        ("2001:db8::1", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("192.0.0.8", "IETF protocol-assignment"),  # is_global is True for it on 3.11.7
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("64:ff9b:1::1", "local-use NAT64"),
        ("::7f00:1", "reserved"),  # deprecated IPv4-compatible form
        ("2001::1", "special-purpose"),  # Teredo
    ],
)
def test_address_kind_names_each_non_public_range(address, kind):
    """address_kind names the right kind for each non-public range, incl. 3.11.7 is_global gaps."""
    assert address_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "2606:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::",
    ],
)
def test_address_kind_lets_public_addresses_through(address):
    """Public addresses, also inside IPv4-mapped, NAT64 and 6to4 forms, are not refused."""
    assert address_kind(ipaddress.ip_address(address)) is None


# --- check_url ---------------------------------------------------------------------------------


def test_refusal_message_names_url_address_kind_and_hint():
    """The refusal is one line naming the URL, the address, its kind and the setting's hint."""
    with pytest.raises(RefusedURL) as refused:
        check_url("http://127.0.0.1:8080/page")
    assert str(refused.value) == (
        "refused http://127.0.0.1:8080/page: 127.0.0.1 is a loopback address, not a public one; "
        "the operator can allow private networks with NEWSDESK_ALLOW_PRIVATE_URLS=true"
    )
    assert (refused.value.address, refused.value.kind) == ("127.0.0.1", "loopback")
    assert "\n" not in str(refused.value)


def test_refusal_names_the_host_when_a_name_resolved_privately():
    """For a name, the message says which address it resolved to."""
    dns = FakeDNS({"intranet.example": [["10.0.0.7"]]})
    with pytest.raises(
        RefusedURL, match=r"intranet\.example resolves to 10\.0\.0\.7, a private address"
    ):
        check_url("http://intranet.example/", resolver=dns)


def test_hint_can_be_rephrased_by_the_caller():
    """The private-network hint is a parameter."""
    with pytest.raises(RefusedURL) as refused:
        check_url("http://10.0.0.1/", private_hint="ask the operator")
    assert str(refused.value).endswith("not a public one; ask the operator")
    assert PRIVATE_HINT not in str(refused.value)


def test_refused_url_is_an_httpx_request_error():
    """Existing `except httpx.HTTPError` handlers catch a refusal instead of crashing."""
    with pytest.raises(httpx.RequestError):
        check_url("http://127.0.0.1/")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/file",
        "gopher://example.com:70/_stats",
        "data:text/plain,hello",
        "dict://example.com:11211/stat",
        "ws://example.com/",
        "//example.com/no-scheme",
    ],
)
def test_check_url_refuses_other_schemes_before_any_lookup(url):
    """Only http and https are accepted, and the scheme is refused before the host is looked up."""
    with pytest.raises(RefusedURL, match=r"scheme .* is not allowed"):
        check_url(url, resolver=no_lookup)


def test_check_url_returns_the_checked_addresses_of_a_public_name():
    """A name with only public addresses passes and its addresses come back."""
    dns = FakeDNS({"news.example": [["93.184.216.34", "2606:2800:220:1::1"]]})
    addresses = check_url("https://news.example/feed.xml", resolver=dns)
    assert [str(a) for a in addresses] == ["93.184.216.34", "2606:2800:220:1::1"]


def test_check_url_refuses_a_name_with_any_private_answer():
    """One private answer among public ones is enough to refuse the name."""
    dns = FakeDNS({"mixed.example": [["93.184.216.34", "10.0.0.1"]]})
    with pytest.raises(RefusedURL, match=r"10\.0\.0\.1, a private address"):
        check_url("http://mixed.example/", resolver=dns)


def test_check_url_reports_an_unresolvable_name_as_connect_error():
    """A name that does not resolve is a connect error, not a policy refusal."""

    def nxdomain(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(httpx.ConnectError, match=r"could not resolve nowhere\.example"):
        check_url("http://nowhere.example/", resolver=nxdomain)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/", "http://10.0.0.1/", "http://[fd00::1]/", "http://100.64.0.1/"]
)
def test_allow_private_accepts_private_and_loopback(url):
    """allow_private=True lets loopback, RFC 1918, unique-local and CGNAT through."""
    assert check_url(url, allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::a9fe:a9fe]/",
    ],
)
def test_allow_private_still_refuses_link_local(url):
    """Link-local addresses (cloud metadata), in any form, stay refused with allow_private=True,
    and the refusal does not suggest the setting."""
    with pytest.raises(RefusedURL) as refused:
        check_url(url, allow_private=True)
    assert refused.value.kind == "link-local"
    assert PRIVATE_HINT not in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://0.0.0.0/",
        "http://[::]/",
        "http://224.0.0.1/",
        "http://[ff02::1]/",
        "http://255.255.255.255/",
        "http://240.0.0.1/",
    ],
)
def test_allow_private_still_refuses_unspecified_multicast_broadcast_reserved(url):
    """allow_private=True does not open unspecified, multicast, broadcast or reserved addresses."""
    with pytest.raises(RefusedURL) as refused:
        check_url(url, allow_private=True)
    assert PRIVATE_HINT not in str(refused.value)


# --- fetching: direct --------------------------------------------------------------------------


def test_loopback_ipv4_refused_without_connecting(serve):
    """A fetch of 127.0.0.1 is refused and the server never even sees a connection."""
    private = serve("127.0.0.1", routes={"/": ok(b"secret")})
    with guarded_client(timeout=5) as client, pytest.raises(RefusedURL, match="loopback"):
        client.get(private.url("/"))
    assert private.connections == []


@pytest.mark.skipif(not has_ipv6_loopback(), reason="no IPv6 loopback (::1) on this machine")
def test_loopback_ipv6_refused_without_connecting(serve):
    """A fetch of [::1] is refused and the server never sees a connection."""
    private = serve("::1", routes={"/": ok(b"secret")})
    with guarded_client(timeout=5) as client, pytest.raises(RefusedURL, match="::1 is a loopback"):
        client.get(private.url("/"))
    assert private.connections == []


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",
        "0x7f000001",
        "017700000001",
        "127.1",
        "0x7f.1",
        "[::ffff:127.0.0.1]",
        "localhost",
    ],
)
def test_odd_spellings_of_loopback_refused(serve, host):
    """Decimal, hex, octal, short, IPv4-mapped and named loopback are refused, unconnected."""
    private = serve("127.0.0.1", routes={"/": ok(b"secret")})
    with guarded_client(timeout=5) as client, pytest.raises(RefusedURL, match="a loopback address"):
        client.get(private.url("/", host=host))
    assert private.connections == []


@pytest.mark.parametrize(
    "url, kind",
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[fd00::1]/", "unique-local"),
        ("http://[::ffff:169.254.169.254]/latest/meta-data/", "link-local"),
        ("http://10.0.0.1/", "private"),
        ("http://100.100.100.200/latest/meta-data/", "shared (carrier-grade NAT)"),
        ("http://0.0.0.0/", "unspecified"),
    ],
)
def test_non_public_literals_refused_by_the_client(url, kind):
    """The client refuses metadata, link-local, unique-local and other non-public literals."""
    with guarded_client(timeout=2) as client, pytest.raises(RefusedURL) as refused:
        client.get(url)
    assert refused.value.kind == kind


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.2/x", "file:///etc/passwd", "gopher://127.0.0.2:70/_x"]
)
def test_client_refuses_other_schemes(url):
    """The client itself refuses non-http(s) URLs with RefusedURL."""
    with (
        guarded_client(timeout=2, classify=as_if_public) as client,
        pytest.raises(RefusedURL, match="scheme"),
    ):
        client.get(url)


def test_allow_private_fetches_the_body(serve):
    """With allow_private=True a loopback server is fetched and its body comes back."""
    private = serve("127.0.0.1", routes={"/page": ok(b"intranet archive")})
    with guarded_client(allow_private=True, timeout=5) as client:
        response = client.get(private.url("/page"))
    assert (response.status_code, response.content) == (200, b"intranet archive")


def test_environment_proxy_is_ignored(serve, monkeypatch):
    """A proxy set in the environment is not used, so it cannot carry a request past the check."""
    proxy = serve(PUBLIC_STAND_IN, routes={})
    private = serve("127.0.0.1", routes={"/": ok(b"secret")})
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.setenv(name, proxy.url("/"))
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with guarded_client(timeout=5, classify=as_if_public) as client, pytest.raises(RefusedURL):
        client.get(private.url("/"))
    assert proxy.connections == [] and private.connections == []


# --- fetching: redirects -----------------------------------------------------------------------


def test_stand_in_public_server_is_fetched_through_a_redirect(serve):
    """Control: with the test policy, 127.0.0.2 is fetched and its own redirects are followed."""
    public = serve(PUBLIC_STAND_IN)
    public.routes.update({"/start": redirect(public.url("/final")), "/final": ok(b"article")})
    with guarded_client(timeout=5, classify=as_if_public) as client:
        response = client.get(public.url("/start"))
    assert (response.status_code, response.content) == (200, b"article")
    assert public.paths == ["/start", "/final"]


def test_redirect_from_public_to_loopback_refused(serve):
    """A redirect from an allowed server to 127.0.0.1 is refused; the private one sees nothing."""
    private = serve("127.0.0.1", routes={"/secret": ok(b"secret")})
    public = serve(PUBLIC_STAND_IN, routes={"/start": redirect(private.url("/secret"))})
    with (
        guarded_client(timeout=5, classify=as_if_public) as client,
        pytest.raises(RefusedURL) as refused,
    ):
        client.get(public.url("/start"))
    assert refused.value.url == private.url("/secret")
    assert public.paths == ["/start"]
    assert private.connections == []


def test_redirect_to_a_name_resolving_private_refused(serve):
    """A redirect to a hostname that resolves to loopback is refused at that hop."""
    private = serve("127.0.0.1", routes={"/secret": ok(b"secret")})
    public = serve(PUBLIC_STAND_IN)
    public.routes["/start"] = redirect(private.url("/secret", host="chroma.internal"))
    dns = FakeDNS({"chroma.internal": [["127.0.0.1"]]})
    with (
        guarded_client(timeout=5, classify=as_if_public, resolver=dns) as client,
        pytest.raises(RefusedURL, match=r"chroma\.internal resolves to 127\.0\.0\.1"),
    ):
        client.get(public.url("/start"))
    assert private.connections == []


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://127.0.0.2/x", "gopher://127.0.0.2:70/_x"]
)
def test_redirect_to_other_scheme_refused(serve, location):
    """A redirect to a non-http(s) scheme is refused."""
    public = serve(PUBLIC_STAND_IN, routes={"/start": redirect(location)})
    with (
        guarded_client(timeout=5, classify=as_if_public) as client,
        pytest.raises(RefusedURL, match="scheme"),
    ):
        client.get(public.url("/start"))


def test_allow_private_follows_redirect_to_private(serve):
    """With allow_private=True the same redirect to 127.0.0.1 is followed to the body."""
    private = serve("127.0.0.1", routes={"/secret": ok(b"intranet page")})
    public = serve(PUBLIC_STAND_IN, routes={"/start": redirect(private.url("/secret"))})
    with guarded_client(allow_private=True, timeout=5) as client:
        assert client.get(public.url("/start")).content == b"intranet page"


# --- DNS rebinding -----------------------------------------------------------------------------


def test_rebinding_after_check_url_is_refused_at_fetch(serve):
    """A name public to check_url and 127.0.0.1 at fetch time is refused; nothing connects."""
    private = serve("127.0.0.1", routes={"/": ok(b"secret")})
    dns = FakeDNS({"rebind.example": [["93.184.216.34"], ["127.0.0.1"]]})
    url = private.url("/", host="rebind.example")
    assert check_url(url, resolver=dns)  # first answer: public
    with (
        guarded_client(timeout=5, resolver=dns) as client,
        pytest.raises(RefusedURL, match=r"127\.0\.0\.1"),
    ):
        client.get(url)
    assert private.connections == []


def test_connection_goes_to_the_address_that_was_checked(serve):
    """One lookup per connection: the checked (public) answer is dialled, a later one never."""
    private = serve("127.0.0.1", routes={"/": ok(b"secret")})
    serve(PUBLIC_STAND_IN, port=private.port, routes={"/": ok(b"checked server")})
    dns = FakeDNS({"flip.example": [[PUBLIC_STAND_IN], ["127.0.0.1"]]})
    with guarded_client(timeout=5, resolver=dns, classify=as_if_public) as client:
        response = client.get(private.url("/", host="flip.example"))
    assert response.content == b"checked server"
    assert dns.calls == ["flip.example"]
    assert private.connections == []


def test_mixed_answers_refused_at_connect(serve):
    """A name answering public and private at once is refused; neither address is dialled."""
    private = serve("127.0.0.1", routes={"/": ok(b"secret")})
    public = serve(PUBLIC_STAND_IN, port=private.port, routes={"/": ok(b"public")})
    dns = FakeDNS({"mixed.example": [[PUBLIC_STAND_IN, "127.0.0.1"]]})
    with (
        guarded_client(timeout=5, resolver=dns, classify=as_if_public) as client,
        pytest.raises(RefusedURL),
    ):
        client.get(private.url("/", host="mixed.example"))
    assert public.connections == [] and private.connections == []


# --- HTTPS -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for news.example only (no IP address in it): (cert, key) paths."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not available to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=news.example",
         "-addext", "subjectAltName=DNS:news.example", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(serve, certificate):
    """A loopback HTTPS server with the news.example certificate; records the SNI names it got."""
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = serve("127.0.0.1", routes={"/": ok(b"over tls")}, tls=context)
    server.sni_names = names
    return server


def test_https_verifies_certificate_against_the_original_hostname(tls_server, certificate):
    """HTTPS to a name pinned to 127.0.0.1 sends SNI news.example and checks the cert for it."""
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    dns = FakeDNS({"news.example": [["127.0.0.1"]]})
    with guarded_client(allow_private=True, timeout=5, resolver=dns, verify=trust) as client:
        response = client.get(tls_server.url("/", host="news.example", scheme="https"))
    assert response.content == b"over tls"
    assert tls_server.sni_names == ["news.example"]


def test_https_refuses_a_certificate_for_another_name(tls_server, certificate):
    """Verification is not skipped because the connection went to an IP: a wrong-name cert fails."""
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    dns = FakeDNS({"other.example": [["127.0.0.1"]]})
    with (
        guarded_client(allow_private=True, timeout=5, resolver=dns, verify=trust) as client,
        pytest.raises(httpx.ConnectError, match=r"CERTIFICATE_VERIFY_FAILED|Hostname mismatch"),
    ):
        client.get(tls_server.url("/", host="other.example", scheme="https"))
    assert tls_server.sni_names == ["other.example"]


# --- through the ingest sources ----------------------------------------------------------------

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<link>http://wire.example/</link><description>d</description>
<item><title>Inside job</title><link>{link}</link>
<description>A summary long enough to be stored instead of the page.</description></item>
</channel></rss>"""


def test_iter_articles_refuses_a_loopback_page_in_one_line(serve):
    """By default a page on 127.0.0.1 is a one-line Failure naming the refusal, never fetched."""
    private = serve("127.0.0.1", routes={"/key": ok(b"SecretAccessKey=made-up")})
    url = private.url("/key")

    [item] = iter_articles(url)

    assert isinstance(item, Failure) and item.origin == url
    assert item.reason.startswith(f"refused {url}: 127.0.0.1 is a loopback address")
    assert item.reason.endswith(PRIVATE_HINT) and "\n" not in item.reason
    assert private.connections == []


def test_iter_articles_fetches_loopback_with_allow_private(serve):
    """With allow_private the same loopback page is fetched and becomes an article."""
    private = serve("127.0.0.1", routes={"/story": ok(b"Ferry returns\n\nThe ferry is back.")})

    [item] = iter_articles(private.url("/story"), allow_private=True)

    assert isinstance(item, Article) and item.title == "Ferry returns"


def test_iter_articles_refuses_a_redirect_into_loopback(serve):
    """A page on an allowed server that redirects to 127.0.0.1 is refused at the hop."""
    private = serve("127.0.0.1", routes={"/key": ok(b"secret")})
    public = serve(PUBLIC_STAND_IN, routes={"/go": redirect(private.url("/key"))})

    with guarded_client(classify=as_if_public) as client:
        [item] = iter_articles(public.url("/go"), client=client)

    assert isinstance(item, Failure)
    assert item.reason.startswith(f"refused {private.url('/key')}: 127.0.0.1 is a loopback")
    assert private.connections == []


def test_iter_articles_refuses_a_name_that_turns_private_at_fetch_time(serve):
    """A name that checked public but resolves to 127.0.0.1 when fetched is refused."""
    private = serve("127.0.0.1", routes={"/": ok(b"secret")})
    dns = FakeDNS({"news.example": [["93.184.216.34"], ["127.0.0.1"]]})
    url = private.url("/", host="news.example")
    assert check_url(url, resolver=dns)

    with guarded_client(resolver=dns) as client:
        [item] = iter_articles(url, client=client)

    assert isinstance(item, Failure) and "news.example resolves to 127.0.0.1" in item.reason
    assert private.connections == []


def test_feed_entry_linking_inside_fails_instead_of_using_its_summary(serve):
    """An allowed feed whose entry links to 127.0.0.1: the entry fails with the refusal (its
    summary is not stored in its place) and the private server is never contacted."""
    private = serve("127.0.0.1", routes={"/page": ok(b"secret")})
    feed = RSS.format(link=private.url("/page")).encode()
    public = serve(
        PUBLIC_STAND_IN, routes={"/rss": (200, {"Content-Type": "application/rss+xml"}, feed)}
    )

    with guarded_client(classify=as_if_public) as client:
        [item] = iter_articles(public.url("/rss"), client=client)

    assert item == Failure(private.url("/page"), item.reason)
    assert item.reason.startswith(f"refused {private.url('/page')}: 127.0.0.1 is a loopback")
    assert private.connections == []

"""Outbound fetches that stay outside: an httpx client that connects to public addresses only.

`guarded_client()` gives an `httpx.Client` whose connections are opened by `GuardedBackend`:
for each new connection (the first request and every redirect hop) it resolves the host once,
checks every address that came back, and connects to one of those checked addresses. There is
no second lookup, so a name cannot answer "public" to the check and "private" to the connect.
`check_url()` runs the same check early; it is advice, not the fence.

A refusal raises `RefusedURL`, whose message is one line naming the URL, the address and why.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[tuple[Any, ...]]]  # called and answering as socket.getaddrinfo
Classifier = Callable[[IPAddress], str | None]  # an address -> its non-public kind, or None

ALLOWED_SCHEMES = frozenset({"http", "https"})
PRIVATE_HINT = "the operator can allow private networks with NEWSDESK_ALLOW_PRIVATE_URLS=true"
# What allow_private lets through: this machine and private networks, where an intranet archive
# lives. Link-local (169.254.0.0/16, fe80::/10) is not among them: it holds cloud metadata.
PRIVATE_KINDS = frozenset(
    {"loopback", "private", "unique-local", "site-local", "shared (carrier-grade NAT)"}
)

_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _within(*cidrs: str) -> Callable[[IPAddress], bool]:
    """A test: is an address inside one of `cidrs` (of its own IP version)?"""
    networks = [ipaddress.ip_network(cidr) for cidr in cidrs]
    return lambda ip: any(ip.version == net.version and ip in net for net in networks)


# First match wins. Explicit ranges, because `is_global` on Python 3.11 calls multicast,
# fec0::/10 and 192.0.0.8 global, and `is_private` lumps 0.0.0.0/8 in with RFC 1918.
_RULES: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("unspecified", lambda ip: ip.is_unspecified or _within("0.0.0.0/8")(ip)),
    ("loopback", lambda ip: ip.is_loopback),
    ("link-local", lambda ip: ip.is_link_local),
    ("private", _within("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")),
    ("unique-local", _within("fc00::/7")),
    ("site-local", _within("fec0::/10")),
    ("shared (carrier-grade NAT)", _within("100.64.0.0/10")),
    ("multicast", lambda ip: ip.is_multicast),
    ("broadcast", _within("255.255.255.255/32")),
    (
        "documentation",
        _within("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20"),
    ),
    ("benchmarking", _within("198.18.0.0/15", "2001:2::/48")),
    ("IETF protocol-assignment", _within("192.0.0.0/24")),
    ("local-use NAT64", _within("64:ff9b:1::/48")),
    ("reserved", lambda ip: ip.is_reserved),
)
_AN = frozenset({"unspecified", "IETF protocol-assignment"})


class RefusedURL(httpx.RequestError):
    """A URL the guard will not fetch; `str()` is a one-line reason.

    A subclass of `httpx.RequestError`, so a handler of `httpx.HTTPError` still turns it into a
    failure rather than a crash; catch it first to phrase it your own way.
    """

    def __init__(
        self, url: str, reason: str, *, address: str | None = None, kind: str | None = None
    ) -> None:
        super().__init__(f"refused {url}: {reason}")
        self.url = url
        self.reason = reason
        self.address = address
        self.kind = kind


class NotPublic(Exception):
    """A host resolved to a refused address (raised where the URL is not known yet)."""

    def __init__(self, reason: str, address: IPAddress, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.address = address
        self.kind = kind

    def for_url(self, url: str) -> RefusedURL:
        """The refusal of the URL whose host this was."""
        return RefusedURL(url, self.reason, address=str(self.address), kind=self.kind)


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 IPv6 address."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def address_kind(ip: IPAddress) -> str | None:
    """The kind of non-public address `ip` is ("loopback", "private", ...), or None if public."""
    inner = embedded_ipv4(ip)
    if inner is not None:
        return address_kind(inner)
    for kind, test in _RULES:
        if test(ip):
            return kind
    return None if ip.is_global else "special-purpose"


def resolve(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order, without repeats."""
    addresses: list[IPAddress] = []
    for *_, sockaddr in resolver(host, port, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        msg = f"no addresses for {host}"
        raise OSError(msg)
    return addresses


def _describe(host: str, ip: IPAddress, kind: str) -> str:
    """'<ip> is a loopback address', or '<host> resolves to <ip>, a loopback address'."""
    inner = embedded_ipv4(ip)
    shown = f"{ip} (IPv4 {inner})" if inner is not None else str(ip)
    kind_phrase = f"{'an' if kind in _AN else 'a'} {kind} address"
    try:
        literal = ipaddress.ip_address(host) == ip
    except ValueError:
        literal = False
    if literal:
        return f"{shown} is {kind_phrase}, not a public one"
    return f"{host} resolves to {shown}, {kind_phrase}, not a public one"


@dataclass(frozen=True)
class Policy:
    """Which addresses may be connected to, and how a host's addresses are found."""

    allow_private: bool = False
    resolver: Resolver = socket.getaddrinfo
    classify: Classifier = address_kind
    private_hint: str = PRIVATE_HINT

    def refused_kind(self, ip: IPAddress) -> str | None:
        """The kind of `ip` if this policy refuses it, else None."""
        kind = self.classify(ip)
        if kind is None or (self.allow_private and kind in PRIVATE_KINDS):
            return None
        return kind

    def checked_addresses(self, host: str, port: int) -> list[IPAddress]:
        """`host`'s addresses, every one allowed; NotPublic if any is refused (OSError: none)."""
        addresses = resolve(host, port, self.resolver)
        for ip in addresses:
            kind = self.refused_kind(ip)
            if kind is not None:
                reason = _describe(host, ip, kind)
                if kind in PRIVATE_KINDS and self.private_hint:
                    reason += f"; {self.private_hint}"
                raise NotPublic(reason, ip, kind)
        return addresses


def _scheme_refusal(url: httpx.URL, shown: str) -> RefusedURL | None:
    """A RefusedURL (naming the URL as `shown`) if `url`'s scheme is not http(s), else None."""
    if url.scheme in ALLOWED_SCHEMES:
        return None
    reason = f"scheme {url.scheme or '(none)'!r} is not allowed, only http and https"
    return RefusedURL(shown, reason)


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that connects only to addresses its policy has checked."""

    def __init__(self, policy: Policy, inner: httpcore.NetworkBackend | None = None) -> None:
        self._policy = policy
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve `host` once; refuse it unless every address is allowed; connect to one."""
        try:
            addresses = self._policy.checked_addresses(host, port)
        except (OSError, UnicodeError, ValueError) as error:
            msg = f"could not resolve {host}: {error}"
            raise httpcore.ConnectError(msg) from error
        failure: Exception = httpcore.ConnectError(f"no address to connect to for {host}")
        for ip in addresses:  # in resolver order, as socket.create_connection tries them
            try:
                return self._inner.connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        """Refused: a Unix socket is not a public address."""
        msg = f"refused to connect to the Unix socket {path}"
        raise httpcore.ConnectError(msg)

    def sleep(self, seconds: float) -> None:
        """Sleep between connection retries, as the wrapped backend does."""
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with a guarded connection pool: no proxy, checked connections only."""

    def __init__(self, policy: Policy, *, verify: Any = True) -> None:
        super().__init__(verify=verify, trust_env=False, limits=_LIMITS)
        if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
            msg = "httpx.HTTPTransport no longer keeps its pool in ._pool: guard not installed"
            raise RuntimeError(msg)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=_LIMITS.max_connections,
            max_keepalive_connections=_LIMITS.max_keepalive_connections,
            keepalive_expiry=_LIMITS.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`, or raise RefusedURL for a bad scheme or a non-public destination."""
        refusal = _scheme_refusal(request.url, str(request.url))
        if refusal is not None:
            raise refusal
        try:
            return super().handle_request(request)
        except NotPublic as refused:
            raise refused.for_url(str(request.url)) from None


def guarded_client(
    *,
    allow_private: bool = False,
    timeout: float = 20.0,
    resolver: Resolver = socket.getaddrinfo,
    classify: Classifier = address_kind,
    private_hint: str = PRIVATE_HINT,
    verify: Any = True,
) -> httpx.Client:
    """An httpx.Client that follows redirects and refuses every hop to a non-public address.

    allow_private lets loopback, RFC 1918, unique-local and carrier-grade NAT addresses through;
    link-local (cloud metadata) never. `resolver` and `classify` are hooks for tests; `verify`
    is httpx's. Proxies in the environment are ignored: a proxy's own lookup is unchecked.
    """
    policy = Policy(allow_private, resolver, classify, private_hint)
    transport = GuardedTransport(policy, verify=verify)
    return httpx.Client(
        transport=transport, timeout=timeout, follow_redirects=True, trust_env=False
    )


def check_url(
    url: str,
    allow_private: bool = False,
    resolver: Resolver = socket.getaddrinfo,
    *,
    classify: Classifier = address_kind,
    private_hint: str = PRIVATE_HINT,
) -> list[IPAddress]:
    """The checked addresses of `url`'s host, or RefusedURL: an early look, not the fence.

    httpx.InvalidURL for a URL httpx cannot parse, httpx.ConnectError for a host that does not
    resolve. A fetch checks again: names can change between now and then.
    """
    parsed = httpx.URL(url)
    refusal = _scheme_refusal(parsed, url)
    if refusal is not None:
        raise refusal
    if not parsed.raw_host:
        raise RefusedURL(url, "the URL has no host")
    host = parsed.raw_host.decode("ascii")  # the exact string httpcore hands to connect_tcp
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    policy = Policy(allow_private, resolver, classify, private_hint)
    try:
        return policy.checked_addresses(host, port)
    except NotPublic as refused:
        raise refused.for_url(url) from None
    except (OSError, UnicodeError, ValueError) as error:
        msg = f"could not resolve {host}: {error}"
        raise httpx.ConnectError(msg) from error

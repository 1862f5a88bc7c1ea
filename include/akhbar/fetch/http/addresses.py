"""Where a request may go: URL parsing and the public-address checks of every hop.

The host is resolved once, every resolved address must be public (not
loopback/private/link-local/multicast/reserved/metadata, or an IPv6 transition
range: 6to4, Teredo, NAT64, IPv4-compatible, refused whole; IPv4-mapped is
checked as its IPv4 address), and the caller connects to that *checked*
address, so DNS rebinding between check and connect cannot redirect it.
``allow_hosts`` entries (exact ``host:port``) skip the range check (test and
replay servers).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from urllib.parse import quote, urlsplit

from akhbar.fetch.http.hop import Refused

# Addresses refused even if some future ipaddress version calls them global.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254")
)
# IPv6 ranges that embed or route to IPv4, refused whole (order: specific first).
TRANSITION_NETWORKS: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), name)
    for net, name in (
        ("64:ff9b::/96", "NAT64"),
        ("64:ff9b:1::/48", "NAT64 local-use"),
        ("2001::/32", "Teredo"),
        ("2002::/16", "6to4"),
        ("::/96", "IPv4-compatible"),
        ("::ffff:0:0:0/96", "IPv4-translated"),
    )
)
# Special-purpose blocks newer than the ipaddress tables of Python 3.11.
EXTRA_NON_GLOBAL: tuple[ipaddress.IPv6Network, ...] = (
    ipaddress.IPv6Network("3fff::/20"),  # documentation (RFC 9637)
    ipaddress.IPv6Network("5f00::/16"),  # SRv6 SIDs (RFC 9602)
)
METADATA_HOSTNAMES = frozenset({"metadata.google.internal", "metadata", "instance-data"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def netloc_key(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def ascii_uri(text: str) -> str:
    """Percent-encode non-ASCII (UTF-8) and spaces; existing escapes are kept."""
    return quote(text, safe="/?#[]@!$&'()*+,;=:%~-._")


def split_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path?query) of an absolute URL or raise Refused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise Refused("scheme_refused", f"unparsable URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise Refused("scheme_refused", f"scheme {scheme or '(none)'!r} not allowed")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise Refused("scheme_refused", "URL has no host")
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    # IRIs (raw Arabic in paths are common) go on the wire percent-encoded.
    return scheme, host, port or DEFAULT_PORTS[scheme], ascii_uri(target)


def embedded_ipv4(ip: ipaddress.IPv6Address, name: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a transition address carries (for the refusal message only)."""
    if name == "6to4":
        return ip.sixtofour
    if name == "Teredo":
        return ip.teredo[1] if ip.teredo else None
    if name == "NAT64 local-use":  # RFC 8215: the embedding depends on the prefix length
        return None
    return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)


def transition_refused(ip: ipaddress.IPv6Address) -> str | None:
    """Refuse IPv6 ranges that carry (or route to) an IPv4 address, whatever it is.

    6to4, Teredo and NAT64 are refused as whole ranges rather than decoded: a
    6to4 site prefix also reaches the hosts behind that site's router, Teredo
    obfuscates its client address, and a NAT64 gateway decides itself what it
    forwards to. IPv4-mapped addresses are the one exception (see ip_refused).
    """
    if int(ip) <= 1:  # :: and ::1 are the unspecified and loopback addresses
        return None
    for network, name in TRANSITION_NETWORKS:
        if ip in network:
            embedded = embedded_ipv4(ip, name)
            return f"{name} address" + (f" (embeds {embedded})" if embedded else "")
    return None


def ip_refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    # ::ffff:a.b.c.d is the same socket address as a.b.c.d: check that one.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address):
        transition = transition_refused(ip)
        if transition:
            return transition
    if ip in METADATA_ADDRESSES:
        return "cloud metadata address"
    for attr in ("is_loopback", "is_private", "is_link_local", "is_multicast", "is_reserved"):
        if getattr(ip, attr):
            return attr[3:].replace("_", "-") + " address"
    if ip.is_unspecified or not ip.is_global:
        return "non-global address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local address"  # fec0::/10: deprecated, still routed inside sites
    if any(ip in network for network in EXTRA_NON_GLOBAL):
        return "non-global address"
    return None


def resolve_checked(host: str, port: int, allow_hosts: set[str]) -> str:
    """Resolve and check; returns the address to connect to."""
    allowed = netloc_key(host, port) in allow_hosts
    if not allowed and host in METADATA_HOSTNAMES:
        raise Refused("address_refused", f"{host} is a metadata host name")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addrs = [str(literal)]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise Refused("connection_error", f"DNS lookup failed for {host}: {exc}") from exc
        addrs = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addrs:
        raise Refused("connection_error", f"no address for {host}")
    if not allowed:
        for a in addrs:
            reason = ip_refused(ipaddress.ip_address(a.split("%")[0]))
            if reason:
                raise Refused("address_refused", f"{host}:{port} -> {a}: {reason}")
    return addrs[0]


def check_original(host: str, port: int, allow_hosts: set[str]) -> None:
    """In replay mode the original host is not resolved; refuse literal bad IPs."""
    if netloc_key(host, port) in allow_hosts:
        return
    if host in METADATA_HOSTNAMES:
        raise Refused("address_refused", f"{host} is a metadata host name")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return
    reason = ip_refused(ip)
    if reason:
        raise Refused("address_refused", f"{host}: {reason}")

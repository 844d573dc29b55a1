"""The guard against server-side request forgery: a check may reach only public internet
addresses, except networks the administrator lists in HATRACK_CHECKS_INTERNAL_NETWORKS.

A host name is resolved once and every address it resolves to must be allowed; the probe
then connects to the address that was checked (the name stays in the Host header and the
TLS server name), so a DNS answer that changes between the check and the connection
(rebinding) cannot redirect the probe.
"""

from __future__ import annotations

import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

from django.conf import settings

SCHEMES = ("http", "https")
SETTING = "HATRACK_CHECKS_INTERNAL_NETWORKS"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TargetRefused(ValueError):
    """The target is not allowed: a scheme other than http/https, or an internal address."""


def internal_networks() -> list[Network]:
    return [ipaddress.ip_network(str(net).strip(), strict=False) for net in _configured()]


def _configured() -> list[str]:
    return [n for n in getattr(settings, SETTING, []) if str(n).strip()]


def is_internal(address: Address) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified, shared (CGNAT)…:
    anything that is not a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def allowed(address: Address) -> bool:
    if not is_internal(address):
        return True
    return any(address in net for net in internal_networks() if net.version == address.version)


def refuse_message(host: str, address: Address) -> str:
    shown = host if host == str(address) else f"{host} ({address})"
    return (
        f"{shown} is an internal address. Checks may reach internal addresses only in "
        f"networks an administrator lists in {SETTING}."
    )


# Name lookups have no timeout of their own: they run on these threads, so a probe stops
# waiting at its deadline (a slow resolver's answer arrives later, to nobody).
_LOOKUPS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="hatrack-lookup")


def resolve(host: str, port: int, *, timeout: float | None = None) -> list[Address]:
    """Every address `host` resolves to (an IP literal resolves to itself). Raises
    TimeoutError when the lookup takes longer than `timeout` seconds."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    lookup = _LOOKUPS.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=timeout)
    except FutureTimeout as error:
        raise TimeoutError(f"looking up {host} took longer than {timeout:g} s") from error
    seen: list[Address] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in seen:
            seen.append(address)
    return seen


def pinned_address(host: str, port: int, *, timeout: float | None = None) -> str:
    """The address to connect to, after checking all of `host`'s addresses.
    Raises TargetRefused, TimeoutError past `timeout`, or OSError when the name does
    not resolve."""
    addresses = resolve(host, port, timeout=timeout)
    if not addresses:
        raise OSError(f"{host} does not resolve")
    for address in addresses:
        if not allowed(address):
            raise TargetRefused(refuse_message(host, address))
    return str(addresses[0])


def split_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an http(s) URL; TargetRefused otherwise."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise TargetRefused("Only http:// and https:// addresses can be checked.")
    if not parts.hostname:
        raise TargetRefused("The address needs a host name.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise TargetRefused("The port in the address is not a number from 1 to 65535.") from error
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, parts.hostname, port, path


def check_target_at_save(*, kind: str, target: str, port: int | None) -> None:
    """Refuse, when a check is saved, a target the probe would refuse. A name that does not
    resolve yet is accepted: the probe checks it again on every run."""
    if kind == "dns":
        return  # the query goes to the district's resolver, never to the target
    if kind == "http":
        _, host, port_used, _ = split_url(target)
    else:
        host, port_used = target.strip(), port or 443
        if "/" in host or not host:
            raise TargetRefused("Give a host name or address, without a scheme or path.")
    try:
        pinned_address(host, port_used)
    except (OSError, UnicodeError):
        return

"""Where the system's trusted certificate authorities are, for libpq's certificate checks.

libpq's ``sslrootcert=system`` asks OpenSSL for its default trust store, and the OpenSSL
inside psycopg's binary wheel looks in a folder of its own build (``/usr/lib/psycopg-openssl``)
that no machine has. Unless ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` says otherwise, every
certificate would then look untrusted, Neon's included. So the app names the system's
bundle file itself: the well-known places of the common systems, else certifi's bundle
where it is installed (Windows has no such file).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

SYSTEM = "system"  # libpq's own default: right when the environment says where to look
ENVIRONMENT = ("SSL_CERT_FILE", "SSL_CERT_DIR")
# The CA bundle file of each common system, most common first.
BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL and their kin
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # newer RHEL
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # Alpine, macOS, the BSDs
)


def system_root_certificates(
    environ: Mapping[str, str] | None = None, bundles: Sequence[str] | None = None
) -> str:
    """The ``sslrootcert`` value that means "the authorities this computer trusts"."""
    environ = os.environ if environ is None else environ
    bundles = BUNDLES if bundles is None else bundles
    if any(environ.get(name) for name in ENVIRONMENT):
        return SYSTEM  # the person (or the system) chose a store; OpenSSL reads these
    for path in bundles:
        if os.path.isfile(path):
            return path
    try:
        import certifi
    except ImportError:
        return SYSTEM  # nothing better known; a failed check still says so in one sentence
    return str(certifi.where())

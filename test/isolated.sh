#!/bin/sh
# make check runs each shell test through this: in a network namespace of its own, where only loopback
# is up, so nothing a test starts (a health check of a documentation address, an advert) can reach
# another host, and tests cannot disturb each other's addresses. Tests add their own namespaces inside.
exec unshare --net -- sh -c 'ip link set lo up || exit 99; exec "$0" "$@"' "${SHELL:-/bin/sh}" "$@"

# Installs Debian packages that a bin/renga command needs, once per command (sourced by bin/renga and bench/run).
# Not root, or no registry: says exactly what to install and fails, so the caller stops before it runs anything.
apt_updated=""
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "renga: missing $*; install it first (as root: apt-get install $*)" >&2
    return 1
  fi
  echo "renga: installing $* (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$apt_updated" ]; then
    # A fresh machine's package lists may be stale or absent: try without an update first, then with one.
    if apt-get install -y -q "$@" >/dev/null 2>&1; then
      return 0
    fi
    apt-get update -q >/dev/null 2>&1 || true
    apt_updated=1
  fi
  apt-get install -y -q "$@" >/dev/null ||
    { echo "renga: could not install $*; install it first (apt-get install $*)" >&2; return 1; }
}

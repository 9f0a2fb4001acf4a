#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the query-source tests (docs/sql.md).
#
#   .ci/pg.sh start DIR [--no-tls]
#                         initdb into DIR, start on a random port with a password login
#                         (scram-sha-256), print the connection URL (also in DIR/url). The
#                         server accepts TLS (ssl=on) with a certificate for `localhost`
#                         signed by a CA made for the run: DIR/tls/ca.crt, the file a client
#                         names in `sslrootcert` (`SHOW ssl_cert_file` gives DIR/tls/server.crt,
#                         beside it). --no-tls: a server without TLS.
#   .ci/pg.sh stop DIR    stop the server and remove DIR
#
# As root the server runs as an unprivileged user (initdb refuses root): `postgres` when it
# exists, else a system user `goalpost-pg` made for it. Without PostgreSQL's server binaries,
# `start` installs Debian's (`apt-get install -y postgresql`) when it runs as root, and so
# for the `openssl` command that makes the certificates.
set -euo pipefail

bin_dir() {
  local found
  found=$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n 1 || true)
  if [[ -z "$found" ]] && command -v pg_ctl >/dev/null; then
    found=$(dirname "$(command -v pg_ctl)")
  fi
  printf '%s' "$found"
}

as_server() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u "$server_user" -- "$@"
  else
    "$@"
  fi
}

# A CA and a server certificate for `localhost` (not 127.0.0.1: a test checks that
# verify-full refuses a host the certificate does not name) in "$1", valid for a week.
make_certificates() {
  local out=$1
  mkdir -p "$out"
  (
    cd "$out"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
      -subj "/CN=goalpost test CA" -keyout ca.key -out ca.crt \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
      -keyout server.key -out server.csr
    printf '%s\n' "subjectAltName=DNS:localhost" "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 7 \
      -extfile server.ext -out server.crt
    rm -f ca.key server.csr server.ext ca.srl
    chmod 600 server.key
  ) >"$out/openssl.log" 2>&1 || {
    cat "$out/openssl.log" >&2
    exit 1
  }
}

cmd=${1:-}
dir=${2:-}
tls=on
if [[ "${3:-}" == --no-tls ]]; then
  tls=off
fi
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: .ci/pg.sh start|stop DIR" >&2
  exit 2
fi
server_user=postgres
if [[ "$(id -u)" == 0 ]] && ! id "$server_user" >/dev/null 2>&1; then
  server_user=goalpost-pg
  id "$server_user" >/dev/null 2>&1 || useradd --system --no-create-home "$server_user"
fi

case "$cmd" in
start)
  bin=$(bin_dir)
  if [[ -z "$bin" && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing PostgreSQL (apt-get install -y postgresql)" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(bin_dir)
  fi
  if [[ -z "$bin" ]]; then
    echo "no PostgreSQL server binaries (initdb, pg_ctl) found" >&2
    exit 1
  fi
  if [[ "$tls" == on ]] && ! command -v openssl >/dev/null; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
      echo "installing openssl (apt-get install -y openssl)" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >&2
    fi
    if ! command -v openssl >/dev/null; then
      echo "no openssl command to make the server's TLS certificate" >&2
      exit 1
    fi
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  ssl_options=""
  if [[ "$tls" == on ]]; then
    make_certificates "$dir/tls"
    ssl_options="-c ssl=on -c ssl_cert_file=$dir/tls/server.crt -c ssl_key_file=$dir/tls/server.key"
  fi
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" >"$dir/pw"
  if [[ "$(id -u)" == 0 ]]; then
    chown -R "$server_user" "$dir"
  fi
  chmod 700 "$dir"
  as_server "$bin/initdb" -D "$dir/data" -U goalpost --auth=scram-sha-256 --pwfile="$dir/pw" \
    --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  rm -f "$dir/pw"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off $ssl_options" \
    start >&2 || {
    cat "$dir/server.log" >&2
    exit 1
  }
  url="postgres://goalpost:$password@127.0.0.1:$port/postgres"
  printf '%s\n' "$url" >"$dir/url"
  printf '%s\n' "$url"
  ;;
stop)
  bin=$(bin_dir)
  if [[ -d "$dir/data" && -n "$bin" ]]; then
    as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: .ci/pg.sh start|stop DIR" >&2
  exit 2
  ;;
esac

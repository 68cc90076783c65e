# Sourced by the benchmark scripts: the example shop on a free loopback port.
#
#   start_shop BIN_DIR WORK_DIR   # sets SHOP_PID and URL (http://127.0.0.1:PORT)
#   stop_shop                     # stops it, if it runs (for the caller's exit trap)
#
# The shop's one line on stdout names its URL; it is waited for (10 s at most) and must be on
# 127.0.0.1, so no benchmark sends traffic anywhere else. Exits the script with a message if
# the shop does not start.
SHOP_PID=
start_shop() {
  local bin=$1 work=$2
  : >"$work/shop.out"
  "$bin/shop" 127.0.0.1:0 >>"$work/shop.out" 2>"$work/shop.err" &
  SHOP_PID=$!
  URL=
  for _ in $(seq 100); do
    URL=$(sed -n 's/^listening on \(http:\/\/[^ ]*\)$/\1/p' "$work/shop.out" || true)
    [[ -n $URL ]] && break
    kill -0 "$SHOP_PID" 2>/dev/null || { cat "$work/shop.err" >&2; echo "the shop did not start" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n $URL ]] || { echo "the shop did not print its URL within 10 s" >&2; exit 1; }
  [[ $URL =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || { echo "the shop is not on 127.0.0.1: $URL" >&2; exit 1; }
}

stop_shop() {
  if [[ -n $SHOP_PID ]] && kill -0 "$SHOP_PID" 2>/dev/null; then
    kill -TERM "$SHOP_PID" 2>/dev/null || true
    wait "$SHOP_PID" 2>/dev/null || true
  fi
}

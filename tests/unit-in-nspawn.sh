#!/usr/bin/env bash
# Checks quizbox.service under a real systemd: builds a Debian 12 root with
# debootstrap, installs quizbox there exactly as README.md says, boots it with
# systemd-nspawn (sharing this machine's network), and checks the unit from
# outside: started (Type=notify), port 80, state directory, login and join,
# restart after a crash. Not part of CI: it needs root, about 6 minutes and
# Debian's package mirror. Traffic goes to 127.0.0.1 only.
#
#   sudo bash tests/unit-in-nspawn.sh [ROOTFS]     (default /var/lib/machines/quizbox-check)
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-/var/lib/machines/quizbox-check}
port=80

step() { printf '\n== %s\n' "$*"; }
inside() { nsenter -t "$leader" -a "$@"; }

if ss -ltn | grep -q ":$port "; then
    echo "port $port is in use on this machine; stop that first" >&2
    exit 2
fi

step "tools"
apt-get install -y -qq debootstrap systemd-container curl >/dev/null

if [ ! -x "$root/usr/bin/python3" ]; then
    step "a fresh Debian 12 in $root"
    mirror=$(grep -hoE 'https?://[^ ]+debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | head -1)
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,python3,iproute2 \
        bookworm "$root" "${mirror:-http://deb.debian.org/debian}" >/dev/null
fi
cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/" 2>/dev/null || true
cp /etc/resolv.conf "$root/etc/resolv.conf"
# A first start every time: no settings file, no state from an earlier run.
rm -rf "$root/etc/default/quizbox" "$root/var/lib/private/quizbox" "$root/var/lib/quizbox"

step "the README's install, in the new system"
chroot "$root" apt-get update -qq
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    python3-bottle python3-gevent python3-gevent-websocket python3-segno >/dev/null
mkdir -p "$root/opt/quizbox"
cp -r quizbox.py pools "$root/opt/quizbox/"
cp quizbox.service "$root/etc/systemd/system/"
chroot "$root" systemctl enable quizbox    # a chroot can enable; it starts at boot

step "boot it"
setsid systemd-nspawn -D "$root" -M quizbox-check -b --register=no --keep-unit \
    --console=passive </dev/null >/tmp/quizbox-nspawn.log 2>&1 &
nspawn=$!
trap 'kill "$nspawn" 2>/dev/null || true' EXIT
leader=""
for _ in $(seq 1 100); do
    leader=$(pgrep -P "$nspawn" | head -1 || true)
    [ -n "$leader" ] && inside systemctl is-system-running --wait >/dev/null 2>&1 && break
    sleep 0.3
done
[ -n "$leader" ] || { cat /tmp/quizbox-nspawn.log; exit 1; }

step "the unit"
inside systemctl is-active quizbox
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
echo
test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 302
password=$(inside cat /var/lib/private/quizbox/admin_password)
journal=$(inside journalctl -u quizbox -b --no-pager)
grep -A4 'quizbox 1' <<<"$journal" | tail -5
grep -q "Admin password: $password" <<<"$journal"
login=$(curl -sf -H 'Content-Type: application/json' -d "{\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/admin/login")
echo "login: $login"
joined=$(curl -sf -H 'Content-Type: application/json' \
    -d '{"sid":"science","student_id":"s1","name":"Ann"}' "http://127.0.0.1:$port/api/join")
echo "join: $joined"
inside ls -l /var/lib/private/quizbox
main_pid=$(inside systemctl show -p MainPID --value quizbox)
inside grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' "/proc/$main_pid/status"
inside grep 'Max open files' "/proc/$main_pid/limits"
inside systemd-analyze security quizbox --no-pager | tail -1

step "a crash: systemd restarts it and the quiz resumes"
inside systemctl kill --signal=SIGKILL quizbox
sleep 3
inside systemctl is-active quizbox
health=$(curl -sf "http://127.0.0.1:$port/healthz")
grep -q '"participants":1' <<<"$health"
echo "resumed with its player: $health"

step "shut down"
inside systemctl poweroff || true
wait "$nspawn" || true
trap - EXIT
echo "quizbox.service: all checks passed"

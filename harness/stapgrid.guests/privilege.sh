#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Users who are not root load signed modules (docs/safety.md), in two
# steps (grid-privilege.exp runs both; by hand:
#   privilege.sh host WORK TOP   on the host: the modules, into WORK
#   stapgrid shell --kernel debian-6.1-amd64 -c 'sh TOP/harness/stapgrid.guests/privilege.sh guest WORK TOP'
# ).  The host builds one script at --privilege=stapsys for
# debian-6.1-amd64 twice, signed by the keys of two users (alice, bob:
# their own $SYSTEMTAP_DIR), and from alice's: an unsigned copy, one
# altered after signing, one whose recorded level was rewritten to
# stapusr without a signature.  The guest (root, a writable copy of /etc)
# installs staprun as install-staprun does, trusts the two keys, makes
# the users (alice, bob in stapsys; carol in stapusr; dave in none) and
# prints a PASS or FAIL line a check.
set -u
mode=$1 work=$2 top=$3

script='global who = "nobody"
probe begin { printf("%s begins\n", who) }
probe timer.ms(100) { printf("%s\n", who) }'
guru_import='%{
#include <linux/fs.h>
%}
function f() %{ struct file *fp = filp_open("/", O_RDONLY, 0); if (!IS_ERR(fp)) filp_close(fp, NULL); %}
probe begin { f(); exit() }'
guru_cli='%{
static noinline void validate_cli(void) { asm volatile("cli\n\tsti"); }
%}
function f() %{ validate_cli(); %}
probe begin { f(); exit() }'
upscript='probe process("/lib/x86_64-linux-gnu/libc.so.6").function("getpid") { printf("uid %d\n", uid()) }
probe begin { println("begin") }'

host() {
	set -e
	export STAP_TARGET_PATH="${STAP_TARGET_PATH:-${STAPGRID_CACHE:-/var/cache/stapgrid}/kernels}"
	umask 022	# the guest reads these through the tree's share
	rm -rf "$work" && mkdir -p "$work" && chmod 755 "$work"
	printf '%s\n' "$script" > "$work/two.stp"
	for u in alice bob; do
		ko=$(SYSTEMTAP_DIR="$work/$u" "$top/build/bin/stap" -r debian-6.1-amd64 \
			--privilege=stapsys -p4 "$work/two.stp")
		cp "$ko" "$work/$u.ko"
		cp "$work/$u/keys/signing_key.x509" "$work/$u.x509"
	done
	# A process probe in every process that calls libc's getpid: at
	# stapusr (carol) it must fire in its user's processes only; the
	# same at stapsys (alice) is the control that sees everyone's.
	printf '%s\n' "$upscript" > "$work/up.stp"
	ko=$(SYSTEMTAP_DIR="$work/carol" "$top/build/bin/stap" -r debian-6.1-amd64 \
		--privilege=stapusr -p4 "$work/up.stp")
	cp "$ko" "$work/carol-up.ko"
	cp "$work/carol/keys/signing_key.x509" "$work/carol.x509"
	ko=$(SYSTEMTAP_DIR="$work/alice" "$top/build/bin/stap" -r debian-6.1-amd64 \
		--privilege=stapsys -p4 "$work/up.stp")
	cp "$ko" "$work/alice-up.ko"
	# Built for another kernel: staprun's own version check.
	ko=$(SYSTEMTAP_DIR="$work/alice" "$top/build/bin/stap" -r debian-6.12-amd64 \
		--privilege=stapsys -p4 "$work/two.stp")
	cp "$ko" "$work/k612.ko"
	# Guru modules (stapdev) with a forbidden import and with cli,
	# rewritten to claim stapusr and signed with carol's trusted key: a
	# signature does not make them safe, staprun's validator refuses them.
	printf '%s\n' "$guru_import" > "$work/guru-import.stp"
	printf '%s\n' "$guru_cli" > "$work/guru-cli.stp"
	for g in import cli; do
		ko=$(SYSTEMTAP_DIR="$work/root" "$top/build/bin/stap" -r debian-6.1-amd64 \
			-g -p4 "$work/guru-$g.stp")
		cp "$ko" "$work/guru-$g.ko"
	done
	python3 - "$work" <<'EOF'
import struct, sys
w = sys.argv[1]
d = open(w + "/alice.ko", "rb").read()
magic = b"~Module signature appended~\n"
n = struct.unpack(">I", d[-len(magic) - 4:-len(magic)])[0]
plain = d[:len(d) - len(magic) - 12 - n]
open(w + "/unsigned.ko", "wb").write(plain)
# One byte of the signed module's code (past the ELF header) changed.
a = bytearray(d); a[4096] ^= 0xff
open(w + "/altered.ko", "wb").write(a)
# The recorded level, .stap_privilege's "stapsys", claimed as stapusr.
assert plain.count(b"stapsys\0") == 1, plain.count(b"stapsys\0")
open(w + "/forged.ko", "wb").write(plain.replace(b"stapsys\0", b"stapusr\0"))
for g in ("import", "cli"):
    d = open(w + "/guru-%s.ko" % g, "rb").read()
    n = struct.unpack(">I", d[-len(magic) - 4:-len(magic)])[0]
    plain = d[:len(d) - len(magic) - 12 - n]
    assert plain.count(b"stapdev guru\0") == 1
    open(w + "/carol-%s.ko" % g, "wb").write(plain.replace(b"stapdev guru\0", b"stapusr guru\0"))
EOF
	for g in import cli; do
		"$STAP_TARGET_PATH/debian-6.1-amd64/build/scripts/sign-file" sha256 \
			"$work/carol/keys/signing_key.pem" "$work/carol.x509" "$work/carol-$g.ko"
	done
	chmod a+r "$work"/*.ko "$work"/*.x509	# never the keys
	echo "host: modules in $work"
}

check() {	# NAME STATUS: a PASS or FAIL line, the detail after a failure
	if [ "$2" -eq 0 ]; then echo "PASS: privilege $1"; else
		echo "FAIL: privilege $1"; sed 's/^/  | /' /tmp/out; fi
}

as() {	# USER COMMAND...: run as USER, output into /tmp/out
	u=$1; shift
	su -s /bin/sh "$u" -c "$*" > /tmp/out 2>&1
}

# USER MODULE: USER's session of MODULE while root and carol each start
# processes that call getpid; its output in /tmp/USER.out.
up_session() {
	: > /tmp/$1.out; chown "$1" /tmp/$1.out
	su -s /bin/sh "$1" -c "$sr -T 8 '$work/$2' > /tmp/$1.out 2>&1" &
	p=$!
	i=0
	while ! grep -qx begin /tmp/$1.out && [ $i -lt 60 ]; do sleep 0.5; i=$((i + 1)); done
	for i in 1 2 3; do
		sh -c true; su -s /bin/sh carol -c "sh -c true"
	done
	wait $p
}

guest() {
	set -u
	# A writable /etc: the host's is read-only here, and its root-only
	# files (shadow, gshadow) unreadable through the share: made again
	# from passwd and group, with no password for anyone (root's su
	# asks for none).
	mkdir /tmp/etc && cp -a /etc/. /tmp/etc/ 2>/dev/null
	sed 's/^\([^:]*\):.*/\1:*:19000:0:99999:7:::/' /etc/passwd > /tmp/etc/shadow
	sed 's/^\([^:]*\):[^:]*:[^:]*:\(.*\)/\1:!::\2/' /etc/group > /tmp/etc/gshadow
	chmod 640 /tmp/etc/shadow /tmp/etc/gshadow
	mount --bind /tmp/etc /etc && [ -s /etc/passwd ] && [ -s /etc/group ] ||
		{ echo "FAIL: privilege writable /etc"; exit 1; }
	sh "$top/runtime/staprun/install-staprun.sh" "$top/build/bin/staprun" "" /tmp/inst > /tmp/out 2>&1
	check "install-staprun" $?
	sr=/tmp/inst/bin/staprun
	stat -c '%U:%G %a' $sr > /tmp/out
	grep -qx 'root:stapusr 4110' /tmp/out; check "staprun is root:stapusr 04110" $?
	cp "$work/alice.x509" "$work/bob.x509" "$work/carol.x509" /etc/stap/staprun/
	chmod 644 /etc/stap/staprun/*
	useradd -M -N -g users -G stapusr,stapsys alice
	useradd -M -N -g users -G stapusr,stapsys bob
	useradd -M -N -g users -G stapusr carol
	useradd -M -N -g users dave
	chmod 711 /tmp/inst /tmp/inst/bin
	cd /tmp || exit 1

	as alice "$sr -T 2 '$work/alice.ko' who=alice"
	st=$?; grep -qx 'alice begins' /tmp/out && [ $st -eq 0 ]
	check "alice (stapsys) loads her signed module" $?
	as carol "$sr -T 2 '$work/alice.ko' who=carol"
	[ $? -ne 0 ] && grep -q 'needs privilege stapsys, and your groups give stapusr: not loaded' /tmp/out
	check "carol (stapusr) is refused a stapsys module" $?
	as carol "$sr -T 2 '$work/forged.ko'"
	[ $? -ne 0 ] && grep -q 'it is not signed; members of stapusr may load only modules signed by a key in /etc/stap/staprun' /tmp/out
	check "carol (stapusr) is refused an unsigned module" $?
	as alice "$sr -T 2 '$work/unsigned.ko'"
	[ $? -ne 0 ] && grep -q 'it is not signed' /tmp/out
	check "alice (stapsys) is refused an unsigned module" $?
	as alice "$sr -T 2 '$work/altered.ko'"
	[ $? -ne 0 ] && grep -q 'altered after signing' /tmp/out
	check "alice is refused a module altered after signing" $?
	as carol "$sr -T 2 '$work/carol-import.ko'"
	[ $? -ne 0 ] && grep -q 'imports filp_open, which is not in the audited list' /tmp/out &&
		grep -q 'failed validation .*: not loaded' /tmp/out
	check "carol's signed module with a forbidden import is refused" $?
	as carol "$sr -T 2 '$work/carol-cli.ko'"
	[ $? -ne 0 ] && grep -q 'validate_cli+0x[0-9a-f]*: cli : changes the interrupt flag' /tmp/out &&
		grep -q 'failed validation .*: not loaded' /tmp/out
	check "carol's signed guru module with cli is refused" $?
	as dave "$sr -T 2 '$work/alice.ko'"
	[ $? -ne 0 ] && grep -qi 'permission denied' /tmp/out
	check "dave (no stap group) cannot run staprun" $?
	as alice "STAPRUN_TRUST_DIR=/nonexistent $sr -T 2 '$work/alice.ko' who=alice"
	grep -qx 'alice begins' /tmp/out
	check "the setuid staprun ignores STAPRUN_TRUST_DIR" $?
	grep -q '^stap_' /proc/modules; [ $? -ne 0 ]
	check "nothing refused was loaded, every session unloaded" $?

	# Two users, one script, at once: each their own module and output.
	touch /tmp/alice.out /tmp/bob.out
	chown alice /tmp/alice.out; chown bob /tmp/bob.out
	su -s /bin/sh alice -c "$sr -T 20 '$work/alice.ko' who=alice > /tmp/alice.out 2>&1" &
	pa=$!
	su -s /bin/sh bob -c "$sr -T 20 '$work/bob.ko' who=bob > /tmp/bob.out 2>&1" &
	pb=$!
	i=0	# both started (validation under TCG takes seconds)
	until grep -qx 'alice begins' /tmp/alice.out && grep -qx 'bob begins' /tmp/bob.out ||
	      [ $i -ge 120 ]; do sleep 0.5; i=$((i + 1)); done
	grep -c '^stap_' /proc/modules > /tmp/out
	grep -qx 2 /tmp/out; check "two users' sessions run at once" $?
	ma=$(sed -n 's/^\(stap_[^ ]*\) .*/\1/p' /proc/modules | head -1)
	spid=$(pgrep -u alice -x staprun | head -1)
	as bob "cat /sys/kernel/debug/$ma/.cmd"
	[ $? -ne 0 ]; check "bob cannot open a session's control file" $?
	as bob "ls /sys/kernel/debug/$ma/"
	[ $? -ne 0 ]; check "bob cannot list a session's debugfs files" $?
	as bob "kill -INT $spid"
	[ $? -ne 0 ] && grep -qi 'not permitted' /tmp/out
	check "bob cannot stop alice's staprun" $?
	as bob "$sr -T 1 '$work/alice.ko' who=bob"
	[ $? -ne 0 ] && grep -q 'File exists\|already' /tmp/out
	check "bob cannot load alice's running module again" $?
	wait $pa; sa=$?
	wait $pb; sb=$?
	grep -qx alice /tmp/alice.out && ! grep -q bob /tmp/alice.out && [ $sa -eq 0 ]
	check "alice gets only her output" $?
	grep -qx bob /tmp/bob.out && ! grep -q alice /tmp/bob.out && [ $sb -eq 0 ]
	check "bob gets only his output" $?
	[ "$(grep -cx alice /tmp/alice.out)" -ge 20 ] && [ "$(grep -cx bob /tmp/bob.out)" -ge 20 ]
	check "both sessions ran their whole time" $?
	grep -q '^stap_' /proc/modules; [ $? -ne 0 ]
	check "both sessions unloaded" $?
	# stapusr's process probes: only in the user's own processes.
	up_session carol carol-up.ko
	cu=$(id -u carol)
	grep -qx begin /tmp/carol.out && grep -qx "uid $cu" /tmp/carol.out
	check "carol (stapusr) runs her signed stapusr module: her processes' hits" $?
	grep -v -x -e begin -e "uid $cu" /tmp/carol.out; [ $? -ne 0 ]
	check "carol's process probe fires in no other user's process" $?
	up_session alice alice-up.ko
	grep -qx "uid 0" /tmp/alice.out && grep -qx "uid $cu" /tmp/alice.out
	check "the same probe at stapsys fires in every user's processes (control)" $?
	# A module built for 6.12, in this 6.1 guest, even for root.
	$sr -T 1 "$work/k612.ko" > /tmp/out 2>&1
	[ $? -ne 0 ] && grep -q 'was built for kernel 6\.12\..*rebuild it with stap -r' /tmp/out
	check "staprun refuses a module built for another kernel" $?
	# Root may load an unsigned module.
	$sr -T 1 "$work/unsigned.ko" who=root > /tmp/out 2>&1
	grep -qx 'root begins' /tmp/out; check "root loads an unsigned module" $?
}

case $mode in
host) host ;;
guest) guest ;;
*) echo "usage: $0 host|guest WORK TOP" >&2; exit 2 ;;
esac

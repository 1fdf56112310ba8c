#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# oracle.sh OUTDIR SUMMARY [STAP_RUNTIME]
#
# Differential tests of the runtime core against SystemTap's own runtime
# code, as installed by Debian's systemtap package: the functions that
# produce printf output (vsprintf.c: number, _stp_vsprint_char/memory/
# binary), statistics (stat-common.c: __stp_stat_add,
# _stp_stat_print_histogram_buf), escaped text (stp_string.c:
# _stp_text_str) and the array sorts (map.c: _stp_map_sort,
# _stp_map_sortn) are extracted from the installed
# sources into OUTDIR at test time (nothing of SystemTap is kept in this
# tree), compiled with small shims, and driven with the same random
# inputs as ours; any difference is a FAIL.
set -u
out=$1
sum=$2
rt=${3:-/usr/share/systemtap/runtime}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
cc=${CC:-cc}
mkdir -p "$out"
: > "$sum"

if [ ! -r "$rt/vsprintf.c" ] || [ ! -r "$rt/stat-common.c" ] ||
   [ ! -r "$rt/stp_string.c" ] || [ ! -r "$rt/map.c" ]; then
	echo "UNTESTED: runtime oracle: no SystemTap runtime sources in $rt" >> "$sum"
	exit 0
fi
version=$(stap -V 2>&1 | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -1)

# The definitions of the named functions, from the installed file: a
# line that starts in column 0 and names the function before "(", with
# the return type line above it when it is on its own line, up to the
# first "}" in column 0.  Calls are indented, so they do not match.
extract() {	# FILE FUNCTION...
	file=$1; shift
	for fn in "$@"; do
		awk -v fn="$fn" '
			!on && $0 !~ /^[ \t]/ && $0 !~ /;[ \t]*$/ &&
			    match($0, "(^|[ *])" fn " ?\\(") {
				if (prev ~ /^(noinline|static)/ && prev !~ /\(/)
					print prev
				on = 1
			}
			on { print }
			on && /^}/ { on = 0 }
			{ prev = $0 }' "$file"
	done
}

{
	cat "$here/prelude_printf.h"
	extract "$rt/vsprintf.c" number _stp_vsprint_char_size \
		_stp_vsprint_char _stp_vsprint_memory check_binary_precision \
		_stp_vsprint_binary
} > "$out/ref_printf.h"
{
	cat "$here/prelude_stat.h"
	grep -E '^#define (HIST_WIDTH|HIST_ELISION)' "$rt/stat-common.c"
	extract "$rt/stat-common.c" _stp_stat_calc_buckets needed_space \
		_stp_bucket_to_val _stp_val_to_bucket \
		_stp_stat_print_histogram_buf __stp_stat_add
	extract "$rt/map.c" _new_map_copy_stat
} > "$out/ref_stat.h"

{
	cat "$here/prelude_string.h"
	extract "$rt/stp_string.c" _stp_decode_utf8 _stp_text_str
} > "$out/ref_string.h"

{
	cat "$here/prelude_map.h"
	grep -E '^#define SORT_' "$rt/map.c"
	extract "$rt/map.c" _stp_cmp _stp_swap _stp_map_sort _stp_map_sortn
} > "$out/ref_map.h"

run() {		# NAME DRIVER SOURCES...
	name=$1 drv=$2; shift 2
	if ! $cc -std=gnu11 -O1 -g -w -fwrapv -I"$out" -I"$top/runtime" \
		-o "$out/$name" "$here/$drv" "$here/drive.c" "$@" \
		> "$out/$name.log" 2>&1; then
		echo "FAIL: runtime oracle $name: does not build ($out/$name.log)" >> "$sum"
		return
	fi
	if "$out/$name" > "$out/$name.out" 2>&1; then
		echo "PASS: runtime oracle $name: $(tail -1 "$out/$name.out") (SystemTap $version)" >> "$sum"
	else
		echo "FAIL: runtime oracle $name: see $out/$name.out" >> "$sum"
		head -20 "$out/$name.out"
	fi
}

run printf drive_printf.c "$top/runtime/stp_printf.c"
run stat drive_stat.c "$top/runtime/stp_stat.c"
run text_str drive_string.c "$top/runtime/stp_string.c"
run map_sort drive_map.c "$top/runtime/stp_map.c" \
	"$top/runtime/stp_stat.c" "$top/runtime/stp_string.c"
cat "$sum"

# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by prebuild.sh (after peer_setup, with its FULL, wanted and
# peer_build): the scale test's probes and modules, run by scale.sh in the
# guest (docs/overhead.md, "Scale").  For each N of SCALE_NS, the same
# counter on the first N functions of scale-funcs.txt:
#   scale_N.stp      ours and SystemTap 4.8's script
#   scale_N.bt       bpftrace's
#   modules.txt      "scale_ours_N MODULE.ko", "scale_systemtap_N ..." (or
#                    !failed, !short): each module a copy without its
#                    debug sections (strip --strip-debug), for ours and
#                    SystemTap's alike: 10,000 probes' DWARF is 150 MB,
#                    which the guest would copy into its memory to load
#                    what is 10 MB of code and data
# scale-funcs.txt: the kernel's functions that no guest workload calls, so
# that arming measures arming, not hits: functions ftrace can trace
# (scale_traceable) of the plain .text
# (before the noinstr, cpuidle, kprobes and entry sections, whose
# functions kprobes refuse or are hot), not in .init (freed: kprobes
# refuse them), one name each (no .isra/.constprop copies, no name two
# functions share), that our translator accepts as kprobe.function (the
# kprobe blacklist), from subsystems idle in a guest without network,
# disks, ACPI events or Xen (a prefix list), in name order.

SCALE_NS="1 100 1000 10000"
$FULL || SCALE_NS="1 100"
SCALE_IDLE='^_*(tcp_|udp|ip6|ipv6_|inet|xfrm|mptcp|netlbl|ethtool|nf_|tomoyo_|selinux_|sel_|avc_|cipso|calipso|acpi_|pci|phy|usb|rtnl_|neigh_|ip_|icmp|igmp|arp|raw|ping|ndisc|rt6|devlink|genl|dcb|qdisc|tc_|tcf|xdp|l3mdev|netif_|efi|dmi|hugetlb|hwmon|thermal|cpufreq|power_supply|edac|mpi_|vlan|xen|gnttab|hv_|ia32_|devm_|regmap|clk_|spi_|i2c|regulator|quirk|cxl|tpm|sgx|dax_|gpio|pinctrl|seg6|ethnl|agp|mipi|xsk|dmar|ipmr|ptp|pirq|nvmem|led_|pnp|dquot|klp|fscrypt|ZSTD|input_|kexec|crash_|pstore|hibernat|swsusp|suspend|reboot|mctp|ioam|nexthop|mr_|rtm_|sit_|ip_tunnel|udp_tunnel|lwtunnel|rps_|flow_|page_pool|skb_flow|netpoll|vsock|tls_|espintcp|esp|ah_|ipcomp|sysrq|kdb|kgdb|mdio|fixed_phy|net_dim|dim_|iio|extcon|typec|ucsi|thunderbolt|tb_|nvme|vfio|mdev|uio|ntb|rpmsg|soundwire|sdw|hda|snd|intel_th|stm_|coresight|fpga|efivar|ucs2|ibft|iscsi|edd|memstick|mmc|sdhci|libata)'
# what those prefixes take that runs all the time: the idle loop, the
# ACPI interpreter's and timer's helpers, PCI config access
SCALE_HOT='^(acpi_(idle|processor|os_|hw_|ev_|pm)|pci_(read|write|bus_read|bus_write))'

# scale_traceable VMLINUX NM: the functions of NM (nm -n's lines) that
# ftrace can trace, as available_filter_functions would list them: those
# with a __fentry__ call site, from the kernel's __mcount_loc table
# (__start_mcount_loc to __stop_mcount_loc, link addresses), at their
# first byte or past an endbr64 (IBT kernels, 6.12).  bpftrace leaves the
# others out with a warning, where kprobes would take them by a
# breakpoint: the tracers would arm different sets.
scale_traceable() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
elf, nm = open(sys.argv[1], "rb"), [l.split() for l in open(sys.argv[2])]
sym = {l[2]: int(l[0], 16) for l in nm if len(l) == 3}
start, stop = sym["__start_mcount_loc"], sym["__stop_mcount_loc"]
head = elf.read(64)
shoff, = struct.unpack_from("<Q", head, 0x28)
shentsize, shnum = struct.unpack_from("<HH", head, 0x3A)
for i in range(shnum):
    elf.seek(shoff + i * shentsize)
    _, kind, _, addr, off, size = struct.unpack("<IIQQQQ", elf.read(40))
    if kind != 8 and addr <= start < addr + size:
        elf.seek(off + start - addr)
        sites = set(struct.unpack("<%dQ" % ((stop - start) // 8), elf.read(stop - start)))
        break
else:
    sys.exit("no section holds __mcount_loc")
for l in nm:
    if len(l) == 3 and l[1] in "tT" and (int(l[0], 16) in sites or int(l[0], 16) + 4 in sites):
        print(l[2])
PY
}

scale_funcs() {
	vml="$KDIR/root/usr/lib/debug/boot/vmlinux-$GRID_RELEASE"
	if [ ! -f "$vml" ]; then
		echo "no -dbg vmlinux ($vml): stapgrid prepare --dbg" > "$B/scale.err"
		return 1
	fi
	nm -n "$vml" > "$B/scale-nm.txt"
	scale_traceable "$vml" "$B/scale-nm.txt" | LC_ALL=C sort -u > "$B/scale-traceable.txt" ||
		{ echo "cannot read __mcount_loc of $vml" > "$B/scale.err"; return 1; }
	awk '$3 == "__noinstr_text_start" { exit }
		$3 == "_stext" { on = 1 }
		on && ($2 == "t" || $2 == "T") && $3 !~ /[.]/ { print $3 }' "$B/scale-nm.txt" |
		LC_ALL=C sort | uniq -u | LC_ALL=C comm -12 - "$B/scale-traceable.txt" > "$B/scale-text.txt"
	"$STAP" -r "$GRID_KERNEL" -l 'kprobe.function("*")' 2> "$B/scale.err" |
		sed -n 's/^kprobe\.function("\(.*\)")$/\1/p' | LC_ALL=C sort > "$B/scale-kprobe.txt"
	LC_ALL=C comm -12 "$B/scale-text.txt" "$B/scale-kprobe.txt" |
		grep -E "$SCALE_IDLE" | grep -vE "$SCALE_HOT" > "$B/scale-funcs.txt"
	echo "prebuild: scale: $(wc -l < "$B/scale-funcs.txt") idle functions"
}

# scale_scripts N: scale_N.stp and scale_N.bt on the first N functions.
scale_scripts() {
	head -n "$1" "$B/scale-funcs.txt" > "$B/scale_$1.list"
	{
		echo "global n"
		awk 'BEGIN { printf "probe " }
			{ printf "%skprobe.function(\"%s\")", (NR > 1 ? ",\n      " : ""), $1 }
			END { print "\n{\n\tn++\n}" }' "$B/scale_$1.list"
	} > "$B/scale_$1.stp"
	awk '{ printf "%skprobe:%s", (NR > 1 ? ",\n" : ""), $1 } END { print "\n{ @n = count(); }" }' \
		"$B/scale_$1.list" > "$B/scale_$1.bt"
}

# scale_strip VARIANT: its module, without debug sections, in its own
# folder under the same file name (staprun names the module after it).
scale_strip() {
	ko=$(awk -v v="$1" '$1 == v { print $2 }' "$B/modules.txt.new")
	case $ko in ""|!*) return 0 ;; esac
	mkdir -p "$B/scale-ko/$1"
	strip --strip-debug -o "$B/scale-ko/$1/${ko##*/}" "$ko" || return 1
	awk -v v="$1" -v p="$B/scale-ko/$1/${ko##*/}" '$1 == v { $2 = p } { print }' \
		"$B/modules.txt.new" > "$B/modules.txt.tmp" && mv "$B/modules.txt.tmp" "$B/modules.txt.new"
}

scale_prebuild() {
	scale_funcs || { echo "prebuild: scale: $(cat "$B/scale.err")"; exit 1; }
	for n in $SCALE_NS; do
		if [ "$(wc -l < "$B/scale-funcs.txt")" -lt "$n" ]; then
			echo "scale_ours_$n !too-few" >> "$B/modules.txt.new"
			continue
		fi
		scale_scripts "$n"
		if ko=$("$STAP" -r "$GRID_KERNEL" -p4 "$B/scale_$n.stp" 2> "$B/scale_ours_$n.err"); then
			echo "scale_ours_$n $ko" >> "$B/modules.txt.new"
		else
			echo "prebuild: scale_$n.stp does not build:"
			cat "$B/scale_ours_$n.err"
			exit 1
		fi
		scale_strip "scale_ours_$n" || exit 1
		if peer_needs_patch "$B" "$GRID_RELEASE"; then
			peer_build "scale_systemtap_$n" "scale_$n" -R "$B/peer-runtime"
		else
			peer_build "scale_systemtap_$n" "scale_$n"
		fi
		scale_strip "scale_systemtap_$n" || exit 1
		echo "prebuild: scale: $n probes"
	done
}

# smp-race (docs/torture.md): every vCPU hits two probes that write the
# same maps while the session stops (SIGINT) or the module is unloaded
# under it (staprun killed, then rmmod).  Half the sessions run with
# MAXTRYLOCK 5 and MAXSKIPPED 20 so contention ends them.  Invariants:
# every session ends in time; it exits 0 or with the MAXSKIPPED error
# only; every module unloads; a killed session counts as a hot unload
# only when its probes were armed and rmmod removed its module (judge.sh
# hot_unload_outcome), and at least one did; no splat.
load_helper tbait
hot() { while tload hot 50000 "$1" 2> /dev/null && tload getppid 20000 "$1" > /dev/null; do :; done; }
cpu=0
while [ $cpu -lt "$NCPU" ]; do
	bg hot $cpu
	cpu=$((cpu + 1))
done
t0=$(now)
END=$(($(secs) + DUR))
n=0 stops=0 unloads=0 maxskipped=0 bad=0 skipped=0 hangs=0
# At least one session of each kind (stop or unload, default or tight
# limits), however short the duration.
while [ "$n" -lt 4 ] || before_end; do
	case $((n % 2)) in 0) script=smprace ;; 1) script=smprace-tight ;; esac
	ko=$(ko $script)
	wait_s=$(awk -v n="$n" 'BEGIN { srand(n); printf "%.1f", 0.5 + rand() * 2 }')
	if [ $((n % 4)) -lt 2 ]; then
		# SIGINT after a while; killed (137) if it has not ended 60 s later
		timeout --preserve-status -k 60 -s INT "$wait_s" "$STAPRUN" "$ko" > /tmp/smp.out 2> /tmp/smp.err
		rc=$?
		stops=$((stops + 1))
		if grep -q 'Skipped too many probes' /tmp/smp.err; then
			maxskipped=$((maxskipped + 1))
			others=$(grep '^ERROR' /tmp/smp.err | grep -vc 'Skipped too many probes')
			[ "$rc" -eq 1 ] && [ "$others" -eq 0 ] || { bad=$((bad + 1)); cat /tmp/smp.err; }
		elif [ "$rc" -eq 137 ]; then
			hangs=$((hangs + 1))
			log "session $n did not stop within 60 s of SIGINT"
		elif [ "$rc" -ne 0 ]; then
			bad=$((bad + 1))
			log "session $n ($script) exited $rc"
			cat /tmp/smp.err
		fi
		s=$(skipped_of /tmp/smp.err)
		skipped=$((skipped + s))
	else
		# Killed only once armed (staprun -v says so; 60 s at most),
		# so the kill always leaves live probes to rmmod.
		"$STAPRUN" -v "$ko" > /dev/null 2> /tmp/smp-kill.err &
		pid=$!
		armed=no w=0
		while [ $w -lt 600 ] && kill -0 $pid 2> /dev/null; do
			grep -q 'armed in' /tmp/smp-kill.err && { armed=yes; break; }
			sleep 0.1
			w=$((w + 1))
		done
		sleep "$wait_s"
		if kill -KILL $pid 2> /dev/null; then
			wait $pid 2> /dev/null
			mod=$(awk '$1 ~ /^stap_/ { print $1 }' /proc/modules | head -1)
			rrc=0
			[ -z "$mod" ] || { timeout 60 rmmod "$mod"; rrc=$?; }
			o=$(hot_unload_outcome $armed "$mod" $rrc)
		else
			wait $pid 2> /dev/null
			o=ended-by-itself
			grep -q 'Skipped too many probes' /tmp/smp-kill.err && o=maxskipped
		fi
		case $o in
		unloaded) unloads=$((unloads + 1)) ;;
		maxskipped) maxskipped=$((maxskipped + 1)) ;;
		*) bad=$((bad + 1)); log "session $n ($script), killed: $o"; cat /tmp/smp-kill.err ;;
		esac
		s=$(skipped_of /tmp/smp-kill.err)
		skipped=$((skipped + s))
	fi
	left=$(grep -c '^stap_' /proc/modules)
	[ "$left" -eq 0 ] || { bad=$((bad + 1)); log "a module stayed loaded after session $n"; grep '^stap_' /proc/modules; }
	n=$((n + 1))
done
bg_stop
figure sessions "$n"
figure stopped "$stops"
figure unloaded_hot "$unloads"
figure ended_by_maxskipped "$maxskipped"
figure skipped "$skipped"
figure seconds "$(elapsed "$t0")"
check "sessions ran" [ "$n" -gt 0 ]
check "no session hung ($hangs)" [ "$hangs" -eq 0 ]
check "modules were removed under live probes ($unloads)" [ "$unloads" -gt 0 ]
check "every session ended cleanly or on MAXSKIPPED, and unloaded ($bad bad)" [ "$bad" -eq 0 ]

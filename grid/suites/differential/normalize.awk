# SPDX-License-Identifier: GPL-2.0-or-later
# trace.stp's output as lines that two runs of the workload can share:
# the processes named by their place in the fork tree (the target P1,
# its children P1.1, P1.2 ... in the order it forked them), those names
# in place of their pids wherever a number is one (argstr, retstr,
# signal targets), user addresses (0x and five or more hex digits: the
# stack and the heap move from run to run) as 0xADDR; what the tracer's
# launcher does is left out (below).  Read the file
# twice: `awk -f normalize.awk T T | sort -s -k1,1 -k2,2n`; then each
# process's lines are in its own order.
#   LABEL SEQ WHAT     one event, SEQ the process's count
#   LABEL 0 fork LABEL its forks
NR == FNR {
	if ($1 == "target") {
		label[$2] = "P1"
		target = $2
	} else if ($1 == "fork" && ($2 in label))
		label[$3] = label[$2] "." ++children[$2]
	else if ($1 == "ev" && $2 == target && $4 ~ /^execve\(/)
		first_exec[$2] = 1
	next
}
function name(pid) {
	return (pid in label) ? label[pid] : "?" pid
}
# Every number of s that is a known pid, as its label.
function pids(s,    out, pre, num, c) {
	out = ""
	while (match(s, /[0-9]+/)) {
		pre = substr(s, 1, RSTART - 1)
		num = substr(s, RSTART, RLENGTH)
		c = substr(s, RSTART + RLENGTH, 1)
		s = substr(s, RSTART + RLENGTH)
		if ((num in label) && pre !~ /[A-Za-z0-9_]$/ && c !~ /[A-Za-z0-9_]/)
			num = label[num]
		out = out pre num
	}
	return out s
}
$1 == "fork" {
	print name($2), 0, "fork", name($3)
	next
}
$1 == "ev" {
	what = $0
	sub(/^ev [0-9]+ [0-9]+ /, "", what)
	gsub(/0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]+/, "0xADDR", what)
	what = pids(what)
	# What the tracer's own launcher does: the target's calls before its
	# execve (SystemTap's staprun resets signals in the child), and the
	# target's SIGCHLD to the tracer (stapio or staprun, by pid).
	if ($2 in first_exec && !started[$2] && what !~ /^execve\(/)
		next
	started[$2] = 1
	if (what ~ /^signal\.send / && what !~ / to P1[.0-9]* /)
		next
	print name($2), $3, what
}

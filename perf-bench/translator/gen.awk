# SPDX-License-Identifier: GPL-2.0-or-later
# Generate a SystemTap script of about LINES lines (awk -v lines=N): blocks
# of globals, a function with loops and string work, a timer probe using
# arrays, statistics and foreach, and an end probe printing the results.
# Core probes only, so SystemTap 4.8 elaborates it as well.
BEGIN {
	n = 0
	for (i = 1; n < lines; i++) {
		print "global counts_" i ", names_" i ", stats_" i
		print "function work_" i ":long(x:long, s:string) {"
		print "\ttotal = 0"
		print "\tfor (j = 0; j < x; j++) {"
		print "\t\tif (j % 3 == 0)"
		print "\t\t\ttotal += j * " i
		print "\t\telse"
		print "\t\t\ttotal -= strlen(s)"
		print "\t}"
		print "\tnames_" i "[x, s] = sprintf(\"%d:%s\", total, s)"
		print "\treturn total"
		print "}"
		print "probe timer.ms(" i ") {"
		print "\tcounts_" i "[cpu()]++"
		print "\tstats_" i " <<< work_" i "(counts_" i "[cpu()], \"block " i "\")"
		print "\tif (counts_" i "[cpu()] > 100) {"
		print "\t\tforeach ([c] in counts_" i "- limit 5)"
		print "\t\t\tprintf(\"%d %d\\n\", c, counts_" i "[c])"
		print "\t\tdelete counts_" i
		print "\t}"
		print "}"
		print "probe end {"
		print "\tif (@count(stats_" i "))"
		print "\t\tprintf(\"" i " %d %d %d\\n\", @min(stats_" i "), @max(stats_" i "), @avg(stats_" i "))"
		print "\tforeach ([k, s] in names_" i ")"
		print "\t\tprintln(names_" i "[k, s])"
		print "}"
		n += 27
	}
}

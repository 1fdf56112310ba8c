# SPDX-License-Identifier: GPL-2.0-or-later
# The CI's own checks (harness/ci-test.sh): .ci/run, make check,
# run-suites.sh and tally.sh turn red on a failed step, a silent suite or
# an empty run.  A few seconds; first, so a broken CI is told early.

CHECKS += check-ci check-map

check-ci:
	@mkdir -p $(CHECKDIR)
	@echo "check-ci: the CI's own checks"
	@harness/ci-test.sh $(CHECKDIR)/ci.sum

.PHONY: check-ci

# docs/architecture.md is the map of the tree: every source file has a
# row there and every row names a file (harness/filemap.sh).  A second.
check-map:
	@mkdir -p $(CHECKDIR)
	@echo "check-map: every source file in docs/architecture.md's tables"
	@harness/filemap.sh -s $(CHECKDIR)/map.sum

.PHONY: check-map

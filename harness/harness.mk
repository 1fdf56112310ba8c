# SPDX-License-Identifier: GPL-2.0-or-later
# The CI's own checks (harness/ci-test.sh): .ci/run, make check,
# run-suites.sh and tally.sh turn red on a failed step, a silent suite or
# an empty run.  A few seconds; first, so a broken CI is told early.

CHECKS += check-ci

check-ci:
	@mkdir -p $(CHECKDIR)
	@echo "check-ci: the CI's own checks"
	@harness/ci-test.sh $(CHECKDIR)/ci.sum

.PHONY: check-ci

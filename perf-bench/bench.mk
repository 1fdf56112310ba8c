# SPDX-License-Identifier: GPL-2.0-or-later
#
# Benchmarks that are not tests (docs/benchmarks.md).  Each run goes through
# perf-bench/record.sh into results/bench/NAME-STAMP/ (output.txt and
# meta.txt: commit, load, tools); `make bench-keep RUN=NAME-STAMP` copies one
# into results/published/bench/ for the docs to quote.  bench-translator is
# in stap/stap.mk, bench-runtime in runtime/runtime.mk.

# Pass 4 against a one-file kbuild module (the grid cache's kernel).
BENCH_KERNEL ?= debian-6.1-amd64
bench-compile: $(BIN)/stap
	@harness/deps.sh configs/packages/bench.list
	perf-bench/record.sh compile perf-bench/overhead/compile.sh $(BENCH_KERNEL)

# Boot-to-verdict throughput and controller overhead (boots guests).
bench-grid: all
	perf-bench/record.sh grid perf-bench/grid/bench.sh

# SystemTap's trans/ok scripts at their pass, --runtime=user -p4 and as
# kernel modules (docs/conformance.md).
bench-transok: $(BIN)/stap
	perf-bench/record.sh transok perf-bench/conformance/transok.sh "$(PEER_DIR)" $(BENCH_KERNEL)

# The prepare times the grid cache recorded (docs/grid.md).
bench-prepare-times:
	perf-bench/record.sh prepare-times perf-bench/grid/prepare-times.sh

bench-keep:
	@test -n "$(RUN)" || { echo "usage: make bench-keep RUN=NAME-STAMP (a folder of results/bench/)" >&2; exit 2; }
	perf-bench/keep.sh $(RUN)

.PHONY: bench-compile bench-grid bench-transok bench-prepare-times bench-keep

# SPDX-License-Identifier: GPL-2.0-or-later
#
# Top-level build.  `make` builds the tools into build/bin/; `make check`
# installs what the tests need, builds, and runs every test suite; `make grid`
# runs the main job on the local grid.  Each part of the tree contributes a
# fragment (stap/stap.mk, grid/grid.mk, ...) that adds to the variables below.
#
# Test convention: every check-* target writes DejaGnu-style summaries
# (lines "PASS: ...", "FAIL: ...", "UNTESTED: ...") into build/check/*.sum;
# `make check` tallies them with harness/tally.sh and fails if anything
# failed or nothing passed.  A suite that writes no summary, or exits
# non-zero with no failure in its summaries, fails by name.  Suites run one by
# one under a watchdog (harness/run-suites.sh): order them in CHECKS, not with
# prerequisites between check targets.

BUILD    := build
BIN      := $(BUILD)/bin
OBJ      := $(BUILD)/obj
CHECKDIR := $(BUILD)/check

CC       ?= gcc
WARN     := -Wall -Wextra -Werror
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS)

# Peer test data (SystemTap's own tests); see harness/README.md.
PEER_DIR ?= $(abspath ../shared/peer/systemtap)

# The user-space helpers stap, stapgrid and staprun share (runtime/lib/:
# allocation, whole files, build ids); each program links ULIB_OBJS (or
# ULIB_SRCS in the variants built from sources).  The rule: runtime.mk.
ULIB_SRCS := $(wildcard runtime/lib/*.c)
ULIB_HDRS := $(wildcard runtime/lib/*.h)
ULIB_OBJS := $(ULIB_SRCS:runtime/lib/%.c=$(OBJ)/lib/%.o)

# Each fragment appends to these.
PROGRAMS    :=
CHECKS      :=
DEP_LISTS   := configs/packages/check.list

all:

-include harness/harness.mk
include stap/stap.mk
-include runtime/runtime.mk
-include grid/grid.mk
-include perf-bench/bench.mk

# The translator's fuzzing (one thread) runs beside check-grid, whose TCG
# guests leave a core idle: the two take the time of the longer
# (run-suites.sh's BESIDE+PARTNER).
ifneq ($(filter check-grid,$(CHECKS)),)
CHECKS := $(patsubst check-grid,check-stap-fuzz+check-grid,$(filter-out check-stap-fuzz,$(CHECKS)))
endif

all: $(PROGRAMS)

# Debian packages the tests need; quiet when everything is present.
deps:
	@harness/deps.sh $(DEP_LISTS)

# The summaries of an earlier run go first, so that a step which fails here
# can never leave an old tally behind; a failed step is a FAIL line of its
# own and ends the run.
check:
	@rm -rf $(CHECKDIR) && mkdir -p $(CHECKDIR)
	@$(MAKE) -s --no-print-directory deps || { \
		echo "FAIL: check: installing the test packages failed" | tee $(CHECKDIR)/deps.sum; \
		exit 1; }
	@$(MAKE) -s --no-print-directory all || { \
		echo "FAIL: check: the build failed" | tee $(CHECKDIR)/build.sum; exit 1; }
	@MAKE="$(MAKE)" harness/run-suites.sh $(CHECKDIR) $(CHECKS)
	@harness/tally.sh $(CHECKDIR)

clean:
	rm -rf $(BUILD)

.PHONY: all deps check clean

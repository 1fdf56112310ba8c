# SPDX-License-Identifier: GPL-2.0-or-later
# The grid: build/bin/stapgrid from grid/*.c, its tests (check-grid*), the
# main job (make grid) and the kernel builds of a certification run
# (make certify).  See docs/grid.md.

GRID_SRCS := $(wildcard grid/*.c)
GRID_OBJS := $(GRID_SRCS:grid/%.c=$(OBJ)/grid/%.o)
GRID_PKGS := libvirt libvirt-qemu jansson liblzma zlib libzstd liblz4 libcurl libcrypto
GRID_DEFS := -DSTAPGRID_SRCDIR='"$(abspath .)"'
GRID_ASAN := $(BUILD)/asan/stapgrid
# The shared folder beside the clone: KCIDB schemas for the kcidb.json test.
# Paths on runtest's command line are relative (harness/lib/stapgrid.exp
# makes them absolute): the checkout's own path may have a blank, which
# the shell would split an unquoted $(abspath ...) at.
GRID_SHARED ?= ../shared
GRID_WORK   := $(BUILD)/grid-work

PROGRAMS  += $(BIN)/stapgrid
CHECKS    += check-grid check-lava check-grid-examples check-grid-torture check-grid-perf check-grid-asan check-grid-valgrind
# lava.list (a LAVA server and worker: ~190 packages) is installed by
# check-lava and grid/lava/up.sh, which need it, not by make grid.
DEP_LISTS += configs/packages/grid.list

$(BIN)/stapgrid: $(GRID_OBJS) $(ULIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $$(pkg-config --libs $(GRID_PKGS)) -lpthread

$(OBJ)/grid/%.o: grid/%.c grid/grid.h $(ULIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $$(pkg-config --cflags $(GRID_PKGS)) $(GRID_DEFS) -c -o $@ $<

# The same program under ASan+UBSan.
$(GRID_ASAN): $(GRID_SRCS) grid/grid.h $(ULIB_SRCS) $(ULIB_HDRS)
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g -fsanitize=address,undefined \
		-fno-omit-frame-pointer -fno-sanitize-recover=undefined \
		$$(pkg-config --cflags $(GRID_PKGS)) $(GRID_DEFS) \
		-o $@ $(GRID_SRCS) $(ULIB_SRCS) $$(pkg-config --libs $(GRID_PKGS)) -lpthread

GRID_RUNTEST = runtest --tool stapgrid --srcdir harness SHARED=$(GRID_SHARED) WORK=$(GRID_WORK) \
	       PEER_DIR="$(PEER_DIR)"

# A suite's own test file, NAME.exp, with its summary in $(CHECKDIR)/NAME.
define grid_suite_test
@harness/deps.sh configs/packages/grid.list
@mkdir -p $(CHECKDIR)/$(1)
@$(GRID_RUNTEST) --outdir $(CHECKDIR)/$(1) STAPGRID=$(BIN)/stapgrid \
	$(1).exp >/dev/null 2>&1
endef

# Every grid test: configuration and bad input, certification on the host
# (grid-certify.exp: criteria, certificates, compare, the site in Chromium;
# ~30 s), kernel preparation (the two
# Debian kernel lines are fetched on a fresh machine), 6.1's DWARF (prepare
# --dbg, checked against addr2line), SystemTap's examples at pass 2 against
# 6.1 (grid-examples-p2.exp, ~10 s: the target and its DWARF are there
# from this point on), guests (smoke run,
# kcidb.json, the site in Chromium, selftest, shell, exec: a module built
# and run on 6.1, 6.12 and 6.1-rt, fetched too (~25 s for rt), Ctrl-C, the
# harness suite on 6.1: ~3.5 min with a cold module cache), a checkout
# copied into a 0700 folder under /tmp with a blank in its path, built
# and run there (exec and a hostroot suite: ~40 s) and the loopback
# partner.  Users who are not root on 6.1 (grid-privilege.exp: staprun
# setuid for the stap groups, signed modules, two users at once; ~90 s,
# eight modules built on the host) run in make certify and `make
# check-privilege`: make check has no room left for it in 45 minutes.
# stapgrid starts and stops libvirtd itself.
check-grid: $(BIN)/stapgrid
	@harness/deps.sh configs/packages/grid.list
	@mkdir -p $(CHECKDIR)/grid
	@echo "check-grid: stapgrid with real guests (libvirt, QEMU TCG)"
	@$(GRID_RUNTEST) --outdir $(CHECKDIR)/grid STAPGRID=$(BIN)/stapgrid \
		grid-prepare.exp grid-targets.exp grid-dwarf.exp grid-examples-p2.exp grid-conf.exp grid-verdicts.exp grid-published.exp grid-coverage.exp grid-certify.exp grid-run.exp grid-selftest.exp grid-shell.exp \
		grid-exec.exp grid-anywhere.exp grid-harness.exp grid-partner.exp \
		>/dev/null 2>&1

# Users who are not root (docs/safety.md), in a debian-6.1 guest; also
# part of make certify.
check-privilege: $(BIN)/stapgrid $(BIN)/stap $(BIN)/staprun
	@echo "check-privilege: staprun for the stap groups, signed modules, two users, on debian-6.1-amd64"
	$(call grid_suite_test,grid-privilege)

# The grid on LAVA (docs/partners.md): grid/lava/up.sh installs Debian's
# LAVA and brings up a local instance with one qemu worker under TCG
# (the packages: about 2 minutes the first time; the daemons: 10 s), then
# the smoke suite and the panic guest on debian-6.1-amd64 through it and
# through the local engine, compared (harness/stapgrid.lava/grid-lava.exp):
# 55 s in all with the packages there.  LAVA is stopped again when the
# test started it.
check-lava: $(BIN)/stapgrid
	@harness/deps.sh configs/packages/grid.list configs/packages/lava.list
	@mkdir -p $(CHECKDIR)/lava
	@echo "check-lava: the smoke suite and a panic guest through a local LAVA"
	@$(GRID_RUNTEST) --outdir $(CHECKDIR)/lava STAPGRID=$(BIN)/stapgrid \
		grid-lava.exp >/dev/null 2>&1

# SystemTap's examples in a guest (grid/suites/examples), a sample on
# debian-6.1-amd64: the manifest against PEER_DIR's examples, each sample
# script passes, every other one is not run; about 2 minutes.  All of
# them on every Debian kernel: make grid.
check-grid-examples: $(BIN)/stapgrid $(BIN)/stap $(BIN)/staprun
	@echo "check-grid-examples: SystemTap's examples, a sample, on debian-6.1-amd64"
	$(call grid_suite_test,grid-examples)

# A short torture run (--duration 5) on debian-6.1-amd64: the 14 tests
# pass with their figures in run.json and on the site (docs/torture.md);
# about 4 minutes (cold module cache: 5).  Long runs and every kernel:
# make certify.
check-grid-torture: $(BIN)/stapgrid $(BIN)/stap $(BIN)/staprun
	@echo "check-grid-torture: the torture suite, short, on debian-6.1-amd64"
	$(call grid_suite_test,grid-torture)

# A short perf run (--duration 10) on debian-6.1-amd64: one variant of
# each kind of row measured (the floors of kprobes and ftrace, our
# counter, its twin and bpftrace's kfunc counter, two map sizes, a user
# function's uprobe with its floor and twin, the scale test on 1 and 100
# probes), every other variant's row saying it
# was not run (they run in stapgrid run --suite perf), the compile and
# transport rows, the site (docs/overhead.md).  The job took 907 s on a
# host at load 10 (prebuild 246 s, overhead 588 s, transport 17 s, scale
# 42 s); a variant's round there took 16 to 40 s against 6 to 8 s on a
# quiet host, about 5 minutes in all.  The figures are reported, not
# asserted on.
check-grid-perf: $(BIN)/stapgrid $(BIN)/stap $(BIN)/staprun
	@echo "check-grid-perf: the perf suite, short, on debian-6.1-amd64"
	$(call grid_suite_test,grid-perf)

# Configuration errors, certification, a smoke run and the selftest under ASan+UBSan: any
# report exits 99 and fails the test that ran it.
check-grid-asan: $(GRID_ASAN)
	@mkdir -p $(CHECKDIR)/grid-asan
	@echo "check-grid-asan: stapgrid under ASan+UBSan"
	@ASAN_OPTIONS=exitcode=99:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:exitcode=99 \
		$(GRID_RUNTEST) --outdir $(CHECKDIR)/grid-asan STAPGRID=$(GRID_ASAN) \
		grid-conf.exp grid-published.exp grid-coverage.exp grid-certify.exp grid-run.exp grid-selftest.exp >/dev/null 2>&1

check-grid-valgrind: $(BIN)/stapgrid
	@mkdir -p $(CHECKDIR)/grid-valgrind
	@echo "check-grid-valgrind: stapgrid under valgrind"
	@$(GRID_RUNTEST) --outdir $(CHECKDIR)/grid-valgrind \
		STAPGRID=harness/valgrind-stapgrid \
		grid-conf.exp grid-run.exp >/dev/null 2>&1

# The main job: the Debian kernels, every suite, the site.
grid: deps all
	@$(BIN)/stapgrid prepare
	@$(BIN)/stapgrid run --kernels debian --suite all; status=$$?; \
		echo "grid: site at $(abspath results/site/index.html)"; exit $$status

# Certification (docs/certify.md): also the kernels built from linux-source
# (long builds), the debug kernel's checkers and the kernel runtime's
# coverage checked, then `stapgrid certify`: every kernel and suite of
# the criteria (configs/certify.conf: torture at 600 s a test, about two
# hours a kernel; --coverage), the translator fuzzed for the criteria's
# seconds, the run judged, and results/certificates/RELEASE/ written and
# signed (CERT_KEY, default a key stapgrid makes once in its cache).
certify: certify-grid
RELEASE       ?= $(shell git describe --always --dirty 2>/dev/null || echo unreleased)
CERT_CRITERIA ?= configs/certify.conf
CERT_KEY      ?=
certify-grid: deps all $(FUZZ_BIN)
	@harness/deps.sh configs/packages/grid-build.list
	@$(BIN)/stapgrid prepare --kernels all
	@$(MAKE) -s --no-print-directory check-privilege; \
		grep -E '^(PASS|FAIL|UNRESOLVED|ERROR)' $(CHECKDIR)/grid-privilege/stapgrid.sum; \
		! grep -qE '^(FAIL|UNRESOLVED|ERROR)' $(CHECKDIR)/grid-privilege/stapgrid.sum
	@# The debug kernel's checkers, each by a deliberate guest (KASAN,
	@# lockdep, RCU stall, hung task: grid/selftest/), before its verdicts count.
	@$(BIN)/stapgrid selftest --kernel custom-6.1-debug
	@# The kernel runtime's coverage on custom-6.1-gcov, checked (a short
	@# run of its own: harness and torture, profiled modules, counts back).
	@mkdir -p $(CHECKDIR)/grid-coverage-kernel
	@$(GRID_RUNTEST) --outdir $(CHECKDIR)/grid-coverage-kernel STAPGRID=$(BIN)/stapgrid \
		grid-coverage-kernel.exp >/dev/null 2>&1; status=$$?; \
		grep -E '^(PASS|FAIL|UNRESOLVED|ERROR)' $(CHECKDIR)/grid-coverage-kernel/stapgrid.sum; \
		exit $$status
	@PEER_DIR="$(PEER_DIR)" $(BIN)/stapgrid certify --release "$(RELEASE)" --criteria "$(CERT_CRITERIA)" \
		$(if $(CERT_KEY),--key "$(CERT_KEY)"); status=$$?; \
		$(BIN)/stapgrid publish; \
		echo "certify: certificate in $(abspath results/certificates)/$(RELEASE)/, site at $(abspath results/site/index.html)"; \
		exit $$status

.PHONY: check-privilege check-grid check-lava check-grid-examples check-grid-torture check-grid-perf check-grid-asan check-grid-valgrind grid certify certify-grid

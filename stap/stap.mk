# SPDX-License-Identifier: GPL-2.0-or-later
# The translator: build/bin/stap from stap/*.c, and its tests.

STAP_SRCS := $(wildcard stap/*.c)
STAP_OBJS := $(STAP_SRCS:stap/%.c=$(OBJ)/stap/%.o)
STAP_DEFS := -DSTAP_TAPSET_DIR='"$(abspath stap/tapset)"' \
	     -DSTAP_BIN_DIR='"$(abspath $(BIN))"' \
	     -DSTAP_RUNTIME_DIR='"$(abspath runtime)"'
STAP_LIBS := -lbpf -ldw -lelf -lpthread
STAP_ASAN := $(BUILD)/asan/bin/stap
SANITIZE  := -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer

PROGRAMS += $(BIN)/stap
CHECKS   += check-stap check-stap-asan check-stap-valgrind

$(BIN)/stap: $(STAP_OBJS) $(ULIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(STAP_LIBS)

$(OBJ)/stap/%.o: stap/%.c stap/stap.h $(ULIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(STAP_DEFS) -c -o $@ $<

# The same translator under AddressSanitizer and UBSan, for the tests.
$(STAP_ASAN): $(STAP_SRCS) stap/stap.h $(ULIB_SRCS) $(ULIB_HDRS)
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g $(SANITIZE) $(STAP_DEFS) \
		-o $@ $(STAP_SRCS) $(ULIB_SRCS) $(STAP_LIBS)

# runtest --tool stap: the DejaGnu suites of harness/stap.* (with
# SystemTap's own tests from PEER_DIR), then the peer verdicts.  The test
# files are named, as runtest would also enter the grid's test folders.
# Each suite runs as two runtests side by side (CI has two cores), in two
# halves of about the same time; their summaries in DIR/1 and DIR/2.
STAP_SUITES_1 = parse.exp limits.exp sem.exp syscalls.exp tapsets.exp cli.exp targets.exp roundtrip.exp sign.exp
STAP_SUITES_2 = fuzz.exp run.exp session.exp locks.exp validate.exp
# Programs built by the tests go to a cache of their own.
STAP_TEST_CACHE = SYSTEMTAP_DIR="$(CURDIR)/$(BUILD)/stap-cache"
STAP_RUNTEST = $(STAP_TEST_CACHE) runtest --tool stap --srcdir harness \
	       PEER_DIR="$(PEER_DIR)"

# $(1): the summaries' folder, $(2): the translator, $(3) and $(4): the
# two halves.  The environment of the recipe's line goes to both; the
# line fails when either runtest does (run-suites.sh then checks that the
# summaries say why).
define stap_runtest_halves
mkdir -p $(CHECKDIR)/$(1)/1 $(CHECKDIR)/$(1)/2; \
$(STAP_RUNTEST) --outdir $(CHECKDIR)/$(1)/1 STAP=$(2) $(3) >/dev/null 2>&1 & \
half1=$$!; \
$(STAP_RUNTEST) --outdir $(CHECKDIR)/$(1)/2 STAP=$(2) $(4) >/dev/null 2>&1; \
rc2=$$?; wait $$half1 && [ $$rc2 -eq 0 ]
endef

# SystemTap's tests are part of the suite: without PEER_DIR it fails.
check-stap: $(BIN)/stap
	@echo "check-stap: DejaGnu suites and SystemTap's parse/sem tests"
	@$(call stap_runtest_halves,stap,$(BIN)/stap,$(STAP_SUITES_1),$(STAP_SUITES_2)); \
	rc=$$?; \
	if [ -d "$(PEER_DIR)/parse" ]; then \
		harness/peer-verdicts.sh -s $(CHECKDIR)/stap/peer.sum \
			"$(PEER_DIR)" || rc=1; \
		$(STAP_TEST_CACHE) harness/peer-run.sh \
			-s $(CHECKDIR)/stap/peer-run.sum "$(PEER_DIR)" || rc=1; \
	else \
		echo "FAIL: SystemTap's tests: PEER_DIR=$(PEER_DIR) not found (make check PEER_DIR=...)" \
			| tee $(CHECKDIR)/stap/peer.sum; \
		rc=1; \
	fi; \
	exit $$rc

# The programs the tests build are sanitized too.  validate.exp is
# left out: its time is kbuild's and stap-validate's, neither of them
# the sanitized translator (check-stap runs it).
check-stap-asan: $(STAP_ASAN)
	@echo "check-stap-asan: the same suites under ASan+UBSan"
	@export STAP_CFLAGS="$(SANITIZE) -g"; \
	$(call stap_runtest_halves,stap-asan,$(STAP_ASAN),$(STAP_SUITES_1),$(filter-out validate.exp,$(STAP_SUITES_2)))

check-stap-valgrind: $(BIN)/stap
	@echo "check-stap-valgrind: pass 1 and 2 suites under valgrind"
	@$(call stap_runtest_halves,stap-valgrind,harness/valgrind-stap,cli.exp fuzz.exp parse.exp run.exp,sem.exp)

.PHONY: check-stap check-stap-asan check-stap-valgrind

# make fuzz: libFuzzer (clang, ASan+UBSan) over passes 1 and 2.
FUZZ_BIN  := $(BUILD)/fuzz/fuzz_stap
FUZZ_TIME ?= 600

$(FUZZ_BIN): harness/fuzz/fuzz_stap.c $(filter-out stap/main.c,$(STAP_SRCS)) stap/stap.h \
		$(ULIB_SRCS) $(ULIB_HDRS)
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(STAP_DEFS) -o $@ \
		harness/fuzz/fuzz_stap.c $(filter-out stap/main.c,$(STAP_SRCS)) \
		$(ULIB_SRCS) $(STAP_LIBS)

fuzz: deps $(FUZZ_BIN)
	harness/fuzz/run.sh $(FUZZ_BIN) $(FUZZ_TIME) "$(PEER_DIR)"

# check-stap-fuzz: the same fuzzer from the seeds alone (our tests,
# SystemTap's, harness/stap.fuzz/cases), all of them run first, one after
# another in one process, then 5,000 inputs of fixed-seed mutations (the
# same on every machine: run.sh): a crash, leak, hang or state that
# outlives a session (kernel.c's tracepoint table did) is a FAIL naming
# the input.  A fuzzer that does not build is a FAIL too.
# FUZZ_CHECK_TIME caps it: the seeds alone (2,730 inputs) take about 250 s
# since issue 16's tapset library (every pass-2 session parses it, the
# syscall tapset's 300 KB among it: 11 inputs a second under the
# fuzzer's instrumentation, against ~30 before), so 360 s leaves them
# time to finish and some for mutations; it runs beside check-grid
# (Makefile), whose guests and builds slow its seeds by about a third:
# 420 s.
# Without a target kernel's BTF,
# which would make it slower (make fuzz reads debian-6.1-amd64's when it
# is prepared).
FUZZ_CHECK_TIME ?= 420
CHECKS += check-stap-fuzz

check-stap-fuzz:
	@echo "check-stap-fuzz: libFuzzer over the seed corpus, fixed seed, at most $(FUZZ_CHECK_TIME) s"
	@rm -rf $(CHECKDIR)/stap-fuzz && mkdir -p $(CHECKDIR)/stap-fuzz
	@if $(MAKE) -s --no-print-directory $(FUZZ_BIN) \
			> $(CHECKDIR)/stap-fuzz/build.log 2>&1; then \
		STAP_FUZZ_KERNEL=none harness/fuzz/run.sh \
			-s $(CHECKDIR)/stap-fuzz/fuzz.sum \
			-w $(BUILD)/fuzz/check $(FUZZ_BIN) $(FUZZ_CHECK_TIME) \
			"$(PEER_DIR)" > $(CHECKDIR)/stap-fuzz/run.log 2>&1; \
	else \
		echo "FAIL: fuzz: the fuzzer did not build ($(CHECKDIR)/stap-fuzz/build.log)" \
			> $(CHECKDIR)/stap-fuzz/fuzz.sum; exit 1; \
	fi

.PHONY: fuzz check-stap-fuzz

# make bench-translator: passes 1-2 against SystemTap 4.8 (not a test),
# kept in results/bench/translator-STAMP/ (perf-bench/record.sh).
bench-translator: $(BIN)/stap
	@harness/deps.sh configs/packages/bench.list
	perf-bench/record.sh translator perf-bench/translator/run.sh "$(PEER_DIR)"

.PHONY: bench-translator

# Unit tests of the translator's helpers (C), plainly and under ASan.
STAP_UNIT := $(BUILD)/tests/stap-unit
CHECKS    += check-stap-unit

$(STAP_UNIT): harness/unit/stap_unit.c $(filter-out stap/main.c,$(STAP_SRCS)) stap/stap.h \
		harness/unit/utest.c harness/unit/utest.h $(ULIB_SRCS) $(ULIB_HDRS)
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g $(SANITIZE) $(STAP_DEFS) -o $@ \
		harness/unit/stap_unit.c harness/unit/utest.c \
		$(filter-out stap/main.c,$(STAP_SRCS)) $(ULIB_SRCS) $(STAP_LIBS)

check-stap-unit: $(STAP_UNIT)
	@mkdir -p $(CHECKDIR)
	@$(STAP_UNIT) > $(CHECKDIR)/stap-unit.sum 2>&1 || \
		echo "FAIL: stap-unit exited with an error" >> $(CHECKDIR)/stap-unit.sum

.PHONY: check-stap-unit

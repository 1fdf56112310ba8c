# SPDX-License-Identifier: GPL-2.0-or-later
# The runtime's portable core (runtime/stp_*.c): unit tests, checks under
# ASan+UBSan and valgrind, coverage, benchmarks.  docs/runtime.md.
#
# RUNTIME_CORE_SRCS are the sources the tests, `make coverage` and the
# benchmarks build; more runtime files can be appended to it (and their
# tests to RUNTIME_TESTS, one runtime/test/test_NAME.c each).

RUNTIME_CORE_SRCS := runtime/stp_string.c runtime/stp_stat.c \
		     runtime/stp_map.c runtime/stp_printf.c
RUNTIME_HDRS      = $(wildcard runtime/*.h) runtime/test/harness.h \
		    harness/unit/utest.h $(ULIB_HDRS)
RUNTIME_TESTS     := string stat map printf regex
# The unit-test framework (harness/unit/utest.c) and the runtime's
# additions; ulib.c reads the peer's files.
RUNTIME_UTEST     := runtime/test/harness.c harness/unit/utest.c $(ULIB_SRCS)
RUNTIME_TEST_LIB  := $(RUNTIME_UTEST) runtime/test/test_platform.c
RUNTIME_TDIR      := $(BUILD)/tests/runtime
RUNTIME_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all \
		     -fno-omit-frame-pointer
RUNTIME_CFLAGS     = -std=c11 -D_GNU_SOURCE $(WARN) -g
# Build variants: the defaults, and -DMAXSTRINGLEN builds (64 replays
# SystemTap's strlen test; 512 checks nothing assumes 128).
RUNTIME_VARIANTS  := std msl64 msl512
RUNTIME_DEFS_std   :=
RUNTIME_DEFS_msl64 := -DMAXSTRINGLEN=64
RUNTIME_DEFS_msl512 := -DMAXSTRINGLEN=512 -DMAPHASHBIAS=-3
# SystemTap's run data: a test whose file is missing there fails.
RUNTIME_PEER       = PEER_DIR="$(PEER_DIR)"

CHECKS    += check-runtime check-runtime-asan check-runtime-valgrind \
	     check-runtime-kbuild check-runtime-oracle
DEP_LISTS += configs/packages/runtime.list

# The probe context and the user runtime (platform, main loop): their
# own test, test_user, which is also a hand-written program for them.
RUNTIME_USER_SRCS := runtime/stp_context.c runtime/user/platform.c \
		     runtime/user/main.c
RUNTIME_USER_DEFS := -std=gnu11 -DSTP_NO_MAIN -Iruntime -Iruntime/user

# $(call runtime_bins,KIND): every test binary of a kind (plain, asan).
runtime_bins = $(foreach v,$(RUNTIME_VARIANTS),$(foreach t,$(RUNTIME_TESTS),\
	$(RUNTIME_TDIR)/$(1)/$(v)/test_$(t))) $(RUNTIME_TDIR)/$(1)/user/test_user \
	$(RUNTIME_TDIR)/$(1)/lib/test_ulib

# The helpers the user-space programs share (runtime/lib/, Makefile's
# ULIB_*), and their test, test_ulib (build ids from malformed notes).
$(OBJ)/lib/%.o: runtime/lib/%.c $(ULIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(RUNTIME_TDIR)/plain/lib/test_ulib $(RUNTIME_TDIR)/asan/lib/test_ulib: \
		runtime/test/test_ulib.c $(RUNTIME_CORE_SRCS) $(RUNTIME_TEST_LIB) \
		$(RUNTIME_HDRS)
	@mkdir -p $(@D)
	$(CC) $(RUNTIME_CFLAGS) \
		$(if $(findstring /asan/,$@),-O1 $(RUNTIME_SAN),-O2) -o $@ \
		runtime/test/test_ulib.c $(RUNTIME_TEST_LIB) $(RUNTIME_CORE_SRCS)

$(RUNTIME_TDIR)/plain/user/test_user $(RUNTIME_TDIR)/asan/user/test_user: \
		runtime/test/test_user.c $(RUNTIME_USER_SRCS) $(RUNTIME_CORE_SRCS) \
		$(RUNTIME_UTEST) $(RUNTIME_HDRS) runtime/user/user.h
	@mkdir -p $(@D)
	$(CC) $(RUNTIME_CFLAGS) $(RUNTIME_USER_DEFS) \
		$(if $(findstring /asan/,$@),-O1 $(RUNTIME_SAN),-O2) -o $@ \
		runtime/test/test_user.c $(RUNTIME_UTEST) \
		$(RUNTIME_USER_SRCS) $(RUNTIME_CORE_SRCS) -lpthread

# $(call runtime_rule,KIND,VARIANT,EXTRA CFLAGS)
define runtime_rule
$(RUNTIME_TDIR)/$(1)/$(2)/test_%: runtime/test/test_%.c $(RUNTIME_CORE_SRCS) \
		$(RUNTIME_TEST_LIB) $(RUNTIME_HDRS)
	@mkdir -p $$(@D)
	$$(CC) $$(RUNTIME_CFLAGS) $(3) $$(RUNTIME_DEFS_$(2)) -o $$@ $$< \
		$$(RUNTIME_TEST_LIB) $$(RUNTIME_CORE_SRCS)
endef
$(foreach v,$(RUNTIME_VARIANTS),$(eval $(call runtime_rule,plain,$(v),-O2)))
$(foreach v,$(RUNTIME_VARIANTS),$(eval $(call runtime_rule,asan,$(v),-O1 $(RUNTIME_SAN))))

# test_regex.c includes the VM and the translator's regex compiler.
$(filter %/test_regex,$(call runtime_bins,plain) $(call runtime_bins,asan)): \
	runtime/stp_regex.c stap/regex.c stap/stap.h

# Build the binaries $(2), then run each with the prefix $(3) into the
# summary $(1).  A build that fails, or a binary that dies or fails
# without saying so, is a FAIL line (never a missing summary).
define runtime_run
	@mkdir -p $(CHECKDIR); : > $(1)
	@$(MAKE) --no-print-directory $(2) > $(1).build.log 2>&1 || \
		{ echo "FAIL: runtime: build failed ($(1).build.log)" >> $(1); \
		  tail -20 $(1).build.log; }
	@for bin in $(2); do \
		[ -x $$bin ] || continue; \
		v=$${bin%/*}; v=$${v##*/}; [ "$$v" = std ] && v=; \
		out=$$(T_VARIANT=$$v $(RUNTIME_PEER) $(3) $$bin 2>&1); rc=$$?; \
		printf '%s\n' "$$out" >> $(1); \
		if [ $$rc -ne 0 ] && ! printf '%s\n' "$$out" | grep -q '^FAIL: '; then \
			echo "FAIL: runtime $${bin#$(RUNTIME_TDIR)/} exited with $$rc" >> $(1); \
		fi; \
	done
	@grep -c '^PASS: ' $(1) | sed 's|$$| passed in $(notdir $(1))|'
	@grep '^FAIL: ' $(1) || true
endef

check-runtime:
	@echo "check-runtime: unit tests of the runtime core"
	$(call runtime_run,$(CHECKDIR)/runtime.sum,$(call runtime_bins,plain),)

check-runtime-asan:
	@echo "check-runtime-asan: the same under ASan+UBSan"
	$(call runtime_run,$(CHECKDIR)/runtime-asan.sum,$(call runtime_bins,asan),)

RUNTIME_VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=all --errors-for-leak-kinds=all

check-runtime-valgrind:
	@echo "check-runtime-valgrind: the same under valgrind (memcheck)"
	$(call runtime_run,$(CHECKDIR)/runtime-valgrind.sum,$(call runtime_bins,plain),$(RUNTIME_VALGRIND))

# The core built into a kernel module with kbuild's flags, against the
# kernel headers installed here (the first /lib/modules/*/build), in a
# folder of /tmp: kbuild cannot take a path with a blank, which a
# checkout's may have.
RUNTIME_KDIR  ?= $(firstword $(wildcard /lib/modules/*/build))
RUNTIME_KBDIR := $(BUILD)/tests/runtime/kbuild

check-runtime-kbuild:
	@echo "check-runtime-kbuild: the core built as a kernel module"
	@mkdir -p $(CHECKDIR); sum=$(CHECKDIR)/runtime-kbuild.sum; \
	if [ -z "$(RUNTIME_KDIR)" ]; then \
		echo "UNTESTED: runtime kbuild: no kernel headers" > $$sum; exit 0; \
	fi; \
	rm -rf $(RUNTIME_KBDIR) && mkdir -p $(RUNTIME_KBDIR) && \
	kb=$$(mktemp -d /tmp/stap-kbuild.XXXXXX) && \
	cp $(RUNTIME_CORE_SRCS) runtime/stp_types.h runtime/stp_platform.h \
		runtime/stp_string.h runtime/stp_stat.h runtime/stp_map.h \
		runtime/stp_printf.h runtime/test/kbuild/kplat.c \
		runtime/test/kbuild/Kbuild $$kb/ && \
	if $(MAKE) -s -C $(RUNTIME_KDIR) M=$$kb modules \
		> $(RUNTIME_KBDIR)/build.log 2>&1; then \
		echo "PASS: runtime kbuild: the core builds as a module for $(notdir $(patsubst %/build,%,$(RUNTIME_KDIR)))" > $$sum; \
	else \
		echo "FAIL: runtime kbuild: see $(RUNTIME_KBDIR)/build.log" > $$sum; \
		tail -20 $(RUNTIME_KBDIR)/build.log; \
	fi; rm -rf "$$kb"; cat $$sum

# Differential tests against SystemTap's own runtime code, extracted at
# test time from the installed systemtap package (runtime/test/oracle/).
check-runtime-oracle:
	@echo "check-runtime-oracle: printf and statistics against SystemTap's runtime"
	@mkdir -p $(CHECKDIR)
	@CC=$(CC) runtime/test/oracle/oracle.sh $(BUILD)/tests/runtime/oracle \
		$(CHECKDIR)/runtime-oracle.sum

.PHONY: check-runtime check-runtime-asan check-runtime-valgrind \
	check-runtime-kbuild check-runtime-oracle

# make coverage: the unit tests built with --coverage, run, and lcov's
# summary of the lines of RUNTIME_CORE_SRCS (HTML in build/coverage/).
RUNTIME_COVDIR := $(BUILD)/coverage

# $(call runtime_cov_one,VARIANT,TEST): build and run one test binary.
# RUNTIME_COVDIR is quoted everywhere: stapgrid's --coverage points it
# into the run's folder, whose path may have a blank.
define runtime_cov_one
	@d="$(RUNTIME_COVDIR)/obj/$(1)/$(2)"; mkdir -p "$$d"; \
	for src in runtime/test/test_$(2).c $(RUNTIME_TEST_LIB) $(RUNTIME_CORE_SRCS); do \
		$(CC) $(RUNTIME_CFLAGS) -O0 --coverage $(RUNTIME_DEFS_$(1)) \
			-c -o "$$d/$$(basename $$src .c).o" $$src || exit 1; \
	done; \
	$(CC) --coverage -o "$$d/test" "$$d"/*.o || exit 1; \
	T_VARIANT=$(1) $(RUNTIME_PEER) "$$d/test" > "$$d/test.log" 2>&1 || \
		grep '^FAIL' "$$d/test.log" || true

endef

coverage:
	@harness/deps.sh configs/packages/runtime.list
	@rm -rf "$(RUNTIME_COVDIR)" && mkdir -p "$(RUNTIME_COVDIR)/obj"
	$(foreach v,$(RUNTIME_VARIANTS),$(foreach t,$(RUNTIME_TESTS),$(call runtime_cov_one,$(v),$(t))))
	@d="$(RUNTIME_COVDIR)/obj/user"; mkdir -p "$$d"; \
	for src in runtime/test/test_user.c $(RUNTIME_UTEST) \
		   $(RUNTIME_USER_SRCS) $(RUNTIME_CORE_SRCS); do \
		$(CC) $(RUNTIME_CFLAGS) $(RUNTIME_USER_DEFS) -O0 --coverage \
			-c -o "$$d/$$(basename $$src .c).o" $$src || exit 1; \
	done; \
	$(CC) --coverage -o "$$d/test" "$$d"/*.o -lpthread && \
	{ "$$d/test" > "$$d/test.log" 2>&1 || grep '^FAIL' "$$d/test.log"; true; }
	@lcov -q --capture --directory "$(RUNTIME_COVDIR)/obj" \
		--output-file "$(RUNTIME_COVDIR)/all.info" >/dev/null 2>&1
	@lcov -q --extract "$(RUNTIME_COVDIR)/all.info" \
		$(foreach f,$(RUNTIME_CORE_SRCS) $(RUNTIME_USER_SRCS),"$(CURDIR)/$(f)") \
		--output-file "$(RUNTIME_COVDIR)/runtime.info" >/dev/null 2>&1
	@genhtml -q --output-directory "$(RUNTIME_COVDIR)/html" \
		"$(RUNTIME_COVDIR)/runtime.info" >/dev/null 2>&1
	@echo "coverage of runtime/ (HTML: $(RUNTIME_COVDIR)/html/index.html):"
	@lcov --summary "$(RUNTIME_COVDIR)/runtime.info" 2>&1 | grep -E 'lines|functions'

.PHONY: coverage

# make bench-runtime: maps against GLib's GHashTable, the printf engine
# against glibc's snprintf, statistics per value (not a test), kept in
# results/bench/runtime-STAMP/ (perf-bench/record.sh).
RUNTIME_BENCH := $(BUILD)/bench/runtime-bench

$(RUNTIME_BENCH): perf-bench/runtime/bench.c $(RUNTIME_CORE_SRCS) \
		runtime/test/test_platform.c $(RUNTIME_HDRS)
	@harness/deps.sh configs/packages/runtime.list
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -g -DNDEBUG \
		$$(pkg-config --cflags glib-2.0) -o $@ perf-bench/runtime/bench.c \
		runtime/test/test_platform.c $(RUNTIME_CORE_SRCS) \
		$$(pkg-config --libs glib-2.0)

bench-runtime: $(RUNTIME_BENCH)
	@perf-bench/record.sh runtime $(RUNTIME_BENCH)

.PHONY: bench-runtime

VALIDATE_OBJ := $(OBJ)/staprun/validate.o
VALIDATE_LIBS := -lcapstone -lelf

# staprun: loads a kernel-runtime module, reads its transport, unloads it
# (runtime/staprun/, libelf for the module's .stap_target section, the
# shared helpers of runtime/lib/).
PROGRAMS += $(BIN)/staprun

# modsign.c checks signatures with OpenSSL's libcrypto (CMS).
$(BIN)/staprun: runtime/staprun/staprun.c runtime/staprun/usyms.c \
		runtime/staprun/modsign.c runtime/staprun/modsign.h \
		runtime/kernel/transport.h runtime/kernel/ksym.h \
		runtime/kernel/kusym.h $(VALIDATE_OBJ) $(ULIB_OBJS) $(ULIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iruntime/kernel -o $@ $(filter %.c,$^) \
		$(VALIDATE_OBJ) $(ULIB_OBJS) $(LDFLAGS) -ldw $(VALIDATE_LIBS) -lcrypto

# The module validator (runtime/staprun/validate.c, docs/safety.md): its
# own program (stap -p4 runs it) and linked into staprun (before loading).
# Capstone decodes; the audited imports are runtime/kernel/imports.list,
# compiled in as a table.
PROGRAMS += $(BIN)/stap-validate

$(OBJ)/staprun/imports.inc: runtime/kernel/imports.list
	@mkdir -p $(@D)
	sed -n 's/^\([A-Za-z_][A-Za-z_0-9]*\)[ \t][ \t]*stap\(usr\|sys\|dev\)[ \t]*$$/{ "\1", PRIV_STAP\2 },/p' $< \
		| sed 's/PRIV_STAPusr/PRIV_STAPUSR/;s/PRIV_STAPsys/PRIV_STAPSYS/;s/PRIV_STAPdev/PRIV_STAPDEV/' > $@.tmp
	@test -s $@.tmp || { echo "$<: no symbols" >&2; exit 1; }
	mv $@.tmp $@

$(VALIDATE_OBJ): runtime/staprun/validate.c runtime/staprun/validate.h \
		$(OBJ)/staprun/imports.inc $(ULIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -I$(OBJ)/staprun -c -o $@ $<

$(BIN)/stap-validate: runtime/staprun/stap-validate.c $(VALIDATE_OBJ) $(ULIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(VALIDATE_OBJ) $(ULIB_OBJS) $(LDFLAGS) $(VALIDATE_LIBS)

# staprun setuid root for the stap groups (docs/safety.md, "Installing
# staprun for users"); PREFIX and DESTDIR as usual.  Never part of check.
PREFIX ?= /usr/local
install-staprun: $(BIN)/staprun
	runtime/staprun/install-staprun.sh $(BIN)/staprun "$(DESTDIR)" "$(PREFIX)"

.PHONY: install-staprun

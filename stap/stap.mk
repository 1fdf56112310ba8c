# SPDX-License-Identifier: GPL-2.0-or-later
# The translator: build/bin/stap from stap/*.c.

STAP_SRCS := $(wildcard stap/*.c)
STAP_OBJS := $(STAP_SRCS:stap/%.c=$(OBJ)/stap/%.o)

PROGRAMS += $(BIN)/stap

$(BIN)/stap: $(STAP_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS)

$(OBJ)/stap/%.o: stap/%.c stap/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DSTAP_TAPSET_DIR='"$(abspath stap/tapset)"' -c -o $@ $<

# SPDX-License-Identifier: GPL-2.0-or-later
# The grid: build/bin/stapgrid from grid/*.c, its tests (check-grid), the
# main job (make grid) and the kernel builds of a certification run.

GRID_SRCS := $(wildcard grid/*.c)
GRID_OBJS := $(GRID_SRCS:grid/%.c=$(OBJ)/grid/%.o)
GRID_PKGS := libvirt libvirt-qemu jansson liblzma zlib libzstd liblz4

PROGRAMS  += $(BIN)/stapgrid
CHECKS    += check-grid
DEP_LISTS += configs/packages/grid.list

$(BIN)/stapgrid: $(GRID_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $$(pkg-config --libs $(GRID_PKGS)) -lpthread

$(OBJ)/grid/%.o: grid/%.c grid/grid.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $$(pkg-config --cflags $(GRID_PKGS)) \
		-DSTAPGRID_SRCDIR='"$(abspath .)"' -c -o $@ $<

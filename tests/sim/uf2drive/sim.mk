# uf2drive-sim: a UF2 bootloader drive in FUSE (needs libfuse3-dev, see
# scripts/deps/uf2.txt). Left out when libfuse3 is missing; the tests that
# need it then skip (prereq FUSE).
FUSE3_CFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null)
FUSE3_LIBS := $(shell pkg-config --libs fuse3 2>/dev/null)

# Fragments are read before "all:" is defined; keep it the default goal.
.DEFAULT_GOAL := all

ifneq ($(FUSE3_LIBS),)
SIMS += $(B)/sim/uf2drive-sim

$(B)/sim/uf2drive-sim: tests/sim/uf2drive/uf2drive-sim.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(FUSE3_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(FUSE3_LIBS)
endif

# The CMSIS-DAP probe and Cortex-M target models (tests/sim/dap/*.c), built
# position-independent into one archive: linked into unit tests directly
# and into the libusb simulator's probe device models.
DAPSIM_SRCS := $(wildcard tests/sim/dap/*.c)
DAPSIM_OBJS := $(DAPSIM_SRCS:%.c=$(B)/%.pic.o)
DAPSIM_LIB := $(B)/sim/dapsim.a

$(B)/tests/sim/dap/%.pic.o: tests/sim/dap/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(DAPSIM_LIB): $(DAPSIM_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

SIMS += $(DAPSIM_LIB)

# unit tests that drive the models in-process
$(B)/tests/unit/t-swd: $(DAPSIM_LIB)

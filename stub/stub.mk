# stub/stub.mk - our ESP flasher stub (stub/): built for each chip whose
# cross compiler is installed (scripts/deps/stub.txt) and embedded in mpf
# through a table generated from the ELF files. A chip whose compiler is
# missing gets no image and stays on its ROM loader; make says so.
#
#   stub/core/     the portable core (SLIP, inflate, MD5, command loop)
#   stub/common/   the platform on a chip: UART registers, ROM flash calls
#   stub/CHIP/     one chip's facts (chip.h) and memory layout (stub.ld)
#   stub/riscv/    the RISC-V entry code and sections
#   stub/xtensa/   the Xtensa entry code and the windowed-ABI ROM call shim
#
# The Xtensa chips are built with the ESP8266's lx106 compiler: call0
# code using only core instructions, which the ESP32's LX6 and the
# S3's LX7 run too; their ROMs' windowed functions are reached through
# romcall.S.

STUB_B := $(B)/stub
STUB_CORE := $(wildcard stub/core/*.c)
STUB_HDRS := $(wildcard stub/core/*.h)
STUB_CFLAGS := -std=c11 -Os -g -Wall -Wextra -Wno-unused-parameter -ffreestanding -nostdlib \
	-fno-common -ffunction-sections -fdata-sections -Istub/core -Wl,--gc-sections

STUB_RV := riscv64-unknown-elf-
STUB_RV_CHIPS := esp32c2 esp32c3 esp32c5 esp32c6 esp32c61 esp32h2 esp32p4
STUB_RV_FLAGS := -march=rv32imc -mabi=ilp32 -mno-relax -msmall-data-limit=0 -Wl,--no-relax
STUB_HAVE_RV := $(shell command -v $(STUB_RV)gcc 2>/dev/null)
STUB_XT := xtensa-lx106-elf-
STUB_XT_CHIPS := esp32 esp32s2 esp32s3 esp8266
STUB_XT_FLAGS := -mtext-section-literals -mlongcalls -mno-serialize-volatile
STUB_HAVE_XT := $(shell command -v $(STUB_XT)gcc 2>/dev/null)
STUB_PLAT := stub/common/plat.c

STUB_IMAGES :=
STUB_MISSING :=
ifneq ($(STUB_HAVE_RV),)
STUB_IMAGES += $(foreach c,$(STUB_RV_CHIPS),$(c):$(STUB_B)/$(c).elf:$(STUB_RV))
else
STUB_MISSING += $(STUB_RV_CHIPS) ($(STUB_RV)gcc)
endif
ifneq ($(STUB_HAVE_XT),)
STUB_IMAGES += $(foreach c,$(STUB_XT_CHIPS),$(c):$(STUB_B)/$(c).elf:$(STUB_XT))
else
STUB_MISSING += $(STUB_XT_CHIPS) ($(STUB_XT)gcc)
endif
STUB_ELFS := $(foreach i,$(STUB_IMAGES),$(word 2,$(subst :, ,$(i))))

$(STUB_RV_CHIPS:%=$(STUB_B)/%.elf): $(STUB_B)/%.elf: stub/%/chip.h stub/%/stub.ld stub/newer.h \
		stub/riscv/riscv.ld stub/riscv/uart-c6.h stub/riscv/start.S $(STUB_PLAT) $(STUB_CORE) $(STUB_HDRS)
	@mkdir -p $(@D)
	$(STUB_RV)gcc $(STUB_CFLAGS) $(STUB_RV_FLAGS) -Istub/$* -Lstub/riscv -T stub/$*/stub.ld -o $@ \
		stub/riscv/start.S $(STUB_CORE) $(STUB_PLAT) -lgcc

# the C61's chip.h is the C5's with another interrupt source
$(STUB_B)/esp32c61.elf: stub/esp32c5/chip.h

$(STUB_XT_CHIPS:%=$(STUB_B)/%.elf): $(STUB_B)/%.elf: stub/%/chip.h stub/%/stub.ld stub/newer.h stub/xtensa/xtensa.ld \
		stub/xtensa/start.S stub/xtensa/romcall.S stub/xtensa/udiv.c $(STUB_PLAT) \
		$(STUB_CORE) $(STUB_HDRS)
	@mkdir -p $(@D)
	$(STUB_XT)gcc $(STUB_CFLAGS) $(STUB_XT_FLAGS) -Istub/$* -Lstub/xtensa -T stub/$*/stub.ld -o $@ \
		stub/xtensa/start.S stub/xtensa/romcall.S stub/xtensa/udiv.c $(STUB_CORE) \
		$(STUB_PLAT) -lgcc

# Rewritten only when it changes (like the applet table).
$(B)/gen/esp_stub_images.h: $(STUB_ELFS) scripts/gen-stub-table FORCE
	@mkdir -p $(@D)
	@scripts/gen-stub-table $@ $(STUB_IMAGES)
	$(if $(STUB_MISSING),@echo "stub: no compiler for $(STUB_MISSING): those chips stay on their ROM loader")

$(B)/lib/flash/esp_stub.o: $(B)/gen/esp_stub_images.h

# The core built for the host, linked into its unit test over a fake UART
# and flash (tests/unit/t-esp-stub-core.c); mem.c is the C library's there.
STUB_HOST_OBJS := $(patsubst stub/core/%.c,$(B)/stub/host/%.o,$(filter-out stub/core/mem.c,$(STUB_CORE)))
$(B)/stub/host/%.o: stub/core/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Istub/core -c -o $@ $<
$(B)/tests/unit/t-esp-stub-core.o: ALL_CFLAGS += -Istub/core
$(B)/tests/unit/t-esp-stub-core: $(STUB_HOST_OBJS)

# The core on QEMU's lx106 over a semihosted UART and a fake flash, for
# the ESP8266 test that has no emulator of the chip (tests/t3032).
STUB_LX106_TEST := tests/stub-lx106/plat.c tests/stub-lx106/semi.S stub/xtensa/udiv.c
$(STUB_B)/lx106-core.elf: tests/stub-lx106/stub.ld stub/xtensa/xtensa.ld stub/xtensa/start.S \
		$(STUB_LX106_TEST) $(STUB_CORE) $(STUB_HDRS)
	@mkdir -p $(@D)
	$(STUB_XT)gcc $(STUB_CFLAGS) $(STUB_XT_FLAGS) -Lstub/xtensa -T tests/stub-lx106/stub.ld \
		-o $@ stub/xtensa/start.S $(STUB_LX106_TEST) $(STUB_CORE) -lgcc
ifneq ($(STUB_HAVE_XT),)
CHECK_DEPS += $(STUB_B)/lx106-core.elf
endif

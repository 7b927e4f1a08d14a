# algo/algo.mk - mpf-swd's flash routines (algo/): one image per flash
# controller family, built with Debian's gcc-arm-none-eabi for ARMv6-M
# (so the same code runs on the Cortex-M0+ parts and the M4/M7 ones),
# linked at the family's RAM base and embedded in mpf through a table
# generated from the ELF files (lib/flash/flash_algo.c). Without the
# compiler the table is empty and every family programs from the host;
# make says so.
#
#   algo/algo.h     the mailbox, read by the routines and by the host
#   algo/core.c     the mailbox loop and CRC-32, in every image
#   algo/FAMILY.c   one controller's program routine
#   algo/crc.c      no controller: the CRC-32 verify alone, for the parts
#                   the host programs

ALGO_B := $(B)/algo
ALGO_CC := arm-none-eabi-
ALGO_HAVE := $(shell command -v $(ALGO_CC)gcc 2>/dev/null)
ALGO_CFLAGS := -std=c11 -Os -g -Wall -Wextra -mcpu=cortex-m0 -mthumb -ffreestanding \
	-fno-builtin -nostdlib -fno-common -ffunction-sections -Ialgo -Wl,--gc-sections
# family:RAM base (where the routine is loaded and linked)
ALGO_FAMILIES := stm32f4:0x20000000 stm32h7:0x24000000 stm32l4:0x20000000 nrf52:0x20000000 \
	crc:0x20000000
ALGO_ELFS := $(foreach f,$(ALGO_FAMILIES),$(ALGO_B)/$(word 1,$(subst :, ,$(f))).elf)

ifneq ($(ALGO_HAVE),)
ALGO_IMAGES := $(foreach f,$(ALGO_FAMILIES),$(word 1,$(subst :, ,$(f))):$(ALGO_B)/$(word 1,$(subst :, ,$(f))).elf)
else
ALGO_IMAGES :=
ALGO_ELFS :=
endif

$(ALGO_B)/%.elf: algo/%.c algo/core.c algo/algo.h algo/family.h algo/algo.ld algo/algo.mk
	@mkdir -p $(@D)
	$(ALGO_CC)gcc $(ALGO_CFLAGS) -Wl,--defsym=ALGO_BASE=$(word 2,$(subst :, ,$(filter $*:%,$(ALGO_FAMILIES)))) \
		-T algo/algo.ld -o $@ algo/core.c $<

# Rewritten only when it changes (like the applet table).
$(B)/gen/swd_algo_images.h: $(ALGO_ELFS) scripts/gen-algo-table FORCE
	@mkdir -p $(@D)
	@scripts/gen-algo-table $@ $(ALGO_CC) $(ALGO_IMAGES)
	$(if $(ALGO_HAVE),,@echo "algo: no $(ALGO_CC)gcc: every SWD target programs from the host")

$(B)/lib/flash/flash_algo.o: $(B)/gen/swd_algo_images.h

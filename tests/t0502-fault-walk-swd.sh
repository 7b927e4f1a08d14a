#!/bin/sh
test_description='fault walk: an SWD flash with its Nth USB transfer to the probe failing

Stands for a CMSIS-DAP probe unplugged or its firmware wedging at any
point of a write (probe setup, connect, halt, erase, programming,
verify, reset): to an STM32F405 through our routine in its RAM, and to
an STM32F072 (Cortex-M0) programmed from the host and checked by the
verify-only routine, whose load, run and stop are walked too. Each run
must end with the image in flash (read back by a second process) and
flashed.ok true, or with an error record, exit 1 and flashed.ok false;
the run after the last transfer must succeed on the target the failures
left (never locked up, never left halted for good). The F405 is walked
at every transfer. The probe model sees no more commands in flight than
it takes, a failed IN transfer (whose reply the probe still holds)
included, and the target no access out of turn (such as the flash relocked under our
routine still programming it).'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/lib-faultwalk.sh"
. "$MPF_SRC/tests/lib-faultwalk-swd.sh"

walk stm32f405 0x08000000 1024 every
walk stm32f072 0x08004000 2048
test_done

#!/bin/sh
test_description='fault walk: an nRF52840 and an RP2040 flash with their Nth USB transfer failing

As t0502, for the two controllers whose cleanup after a failure has
rules of its own: the nRF52 NVMC takes no change of CONFIG while an
erase or a write runs (READY 0), so the relock after a failed status
read waits for READY; the RP2040 flash is written by boot ROM functions
the core runs, so after a failure the function is let finish (or the
core halted) before any core register is touched, and nothing reads the
flash that was not put back into XIP mode. Each second transfer is
walked past the first 20: the failures that matter sit in runs of
three.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/lib-faultwalk.sh"
. "$MPF_SRC/tests/lib-faultwalk-swd.sh"

walk nrf52840 0x00010000 4096 2
walk rp2040 0x10000000 4096 2
test_done

# env.sh - sourced by shell tests after tests/lib.sh: run programs against
# the libusb simulator (README here).
#
#   usbsim_devices "stm32dfu:serial=A:time_scale=0.01"   choose the devices
#   usbsim dfu-util -l                                   run one command on them
#
# State (flash contents) persists in $TRASH/usbsim between commands of one
# test file; the trace of every transfer goes to $TRASH/usbsim.log.
USBSIM_LIB_DIR=$MPF_BUILD/sim/libusb
MPF_USBSIM_STATE=$TRASH/usbsim
MPF_USBSIM_LOG=$TRASH/usbsim.log
export MPF_USBSIM_STATE MPF_USBSIM_LOG
mkdir -p "$MPF_USBSIM_STATE"

usbsim_devices() { MPF_USBSIM=$1; export MPF_USBSIM; }

# usbsim CMD...: CMD with the simulator in place of libusb.
usbsim() { LD_LIBRARY_PATH=$USBSIM_LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} "$@"; }

# usbsim_openocd CONFIG CMD...: Debian's openocd through the simulated
# CMSIS-DAP probe, with the stock interface configuration and
# target/CONFIG; its output in ./out
usbsim_openocd() {
	_cfg=$1 &&
	shift &&
	usbsim openocd -c "gdb_port disabled; tcl_port disabled; telnet_port disabled" \
		-f interface/cmsis-dap.cfg -f "target/$_cfg" "$@" >out 2>&1
}

# usbsim_reset: forget every device's state and the trace.
usbsim_reset() { rm -rf "$MPF_USBSIM_STATE" "$MPF_USBSIM_LOG" && mkdir -p "$MPF_USBSIM_STATE"; }

# usbsim_count PATTERN: trace lines matching the extended regex PATTERN.
usbsim_count() { grep -c -E "$1" "$MPF_USBSIM_LOG" 2>/dev/null || true; }

test_lazy_prereq DFU_UTIL 'command -v dfu-util'
test_lazy_prereq OPENOCD 'command -v openocd'
# Debian's stlink-tools: a second ST-LINK host, beside openocd
test_lazy_prereq STLINK_TOOLS 'command -v st-info && command -v st-flash'
# dfu-util's dfuse-pack, a python3 script: a second writer of DfuSe files
test_lazy_prereq DFUSE_PACK 'test -x /usr/bin/python3 && command -v dfuse-pack'
test_lazy_prereq DFU_FILE_TOOLS 'command -v dfu-prefix && command -v dfu-suffix'

# dfu_readback ADDR SIZE FILE: read flash with Debian's dfu-util, a reader
# independent of mpf.
dfu_readback() { rm -f "$3" && usbsim dfu-util -a 0 -s "$1:$2" -U "$3" >/dev/null 2>&1; }
# dfu_fill ADDR FILE: write with dfu-util (no leave), to set up contents.
dfu_fill() { usbsim dfu-util -a 0 -s "$1" -D "$2" >/dev/null 2>&1; }

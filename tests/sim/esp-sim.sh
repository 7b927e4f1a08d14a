# esp-sim.sh - shell helpers for the ESP ROM simulator (sourced by tests/t3*.sh).
#
#   esp_sim_start NAME [esp-rom options]   pty link NAME.tty, flash NAME.flash,
#                                          log NAME.log, stderr NAME.err
#   esp_sim_stop NAME                      stop it (test_when_finished)
#   esp_sim NAME [esp-rom options]         start it, stopped when the test ends
#   esp_sim_clean NAME                     no VIOLATION reported
#   esp_mkimage ARGS > FILE                deterministic firmware images

esp_sim_start() {
	_name=$1
	shift
	rm -f "$_name.tty" "$_name.log" "$_name.err"
	"$(mpf_sim esp-rom)" --flash "$PWD/$_name.flash" --log "$PWD/$_name.log" \
		--link "$PWD/$_name.tty" "$@" >"$_name.out" 2>"$_name.err" &
	echo $! >"$_name.pid"
	wait_for 10 test -e "$_name.tty"
}

esp_sim_stop() {
	[ -f "$1.pid" ] || return 0
	_pid=$(cat "$1.pid")
	kill "$_pid" 2>/dev/null
	wait_for 5 esp_sim_gone "$_pid"
	rm -f "$1.pid"
}

esp_sim() {
	esp_sim_start "$@" &&
	test_when_finished "esp_sim_stop $1"
}

# gone, or a zombie nobody reaps (the body's subshell has exited)
esp_sim_gone() {
	! [ -d "/proc/$1" ] || grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null
}

esp_sim_clean() {
	if grep VIOLATION "$1.err" "$1.log" 2>/dev/null; then
		return 1
	fi
	return 0
}

esp_mkimage() { "$(mpf_sim esp-mkimage)" "$@"; }

# bytes FILE OFFSET LEN: hex of a byte range
bytes() { od -An -tx1 -v -j "$2" -N "$3" "$1" | tr -d ' \n'; }

# flash_at NAME OFFSET LEN > FILE: a range of the simulated flash
flash_at() { tail -c +$(($2 + 1)) "$1.flash" | head -c "$3"; }

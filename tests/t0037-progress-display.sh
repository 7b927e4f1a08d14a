#!/bin/sh
test_description='progress bars on a terminal: one display for every job, log lines above it

Before, each bar redrew itself on the one line the cursor was on: with -j
two boards'"'"' bars took turns on that line, and a log line was printed
over a bar and left the rest of it on screen. The terminal output is
replayed through a small terminal model (cursor up, clear to the end of
the line or screen) and the final screen is checked.'
. "${MPF_SRC:-.}/tests/lib.sh"

tool=$(mpf_sim mpf-test-tool)

# screen FILE: the screen a terminal shows after FILE (CR, LF, ESC[nA,
# ESC[K, ESC[J; other escapes dropped)
cat >screen.py <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
rows, y, x = [""], 0, 0
for tok in re.findall(r"\x1b\[(\d*)([A-Za-z])|(\r)|(\n)|([^\x1b\r\n])", data):
    n, cmd, cr, lf, ch = tok
    if cr: x = 0
    elif lf:
        y += 1
        if y == len(rows): rows.append("")
    elif ch:
        r = rows[y].ljust(x)
        rows[y] = r[:x] + ch + r[x + 1:]
        x += 1
    elif cmd == "A": y = max(0, y - int(n or 1))
    elif cmd == "K": rows[y] = rows[y][:x]
    elif cmd == "J":
        rows[y] = rows[y][:x]
        del rows[y + 1:]
for r in rows:
    print(r.rstrip())
PY

test_expect_success SCRIPT,PYTHON 'two jobs: a line per bar, a log line above them, nothing left over' '
	printf "%s\n" "{\"serial\":\"boardA\",\"progress\":409600,\"log\":\"a log line\"}" \
		"{\"serial\":\"boardB\",\"progress\":819200}" >in &&
	script -qec "$tool filter -j 2 --progress bar -o jsonl <in >/dev/null" /dev/null >tty &&
	python3 screen.py tty >screen &&
	cat screen &&
	test $(grep -c "a log line" screen) = 1 &&
	test $(grep -c "boardA write \[#*\] 100% .* done$" screen) = 1 &&
	test $(grep -c "boardB write \[#*\] 100% .* done$" screen) = 1 &&
	test $(grep -c "write \[" screen) = 2 &&
	! grep -q "a log line." screen &&
	! grep "a log line" screen | grep -q "\[" &&
	# both bars in progress on screen at once, one line each
	python3 -c "import re, sys
d = open(\"tty\", \"rb\").read().decode(\"utf-8\", \"replace\")
bar = r\"board[AB] write \\[[# ]*\\] +[0-9]+% [^\\n]*s\\x1b\\[K\\r?\\n\"
sys.exit(0 if re.search(bar + bar, d) else 1)"
'

test_done

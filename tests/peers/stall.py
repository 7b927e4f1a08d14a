#!/usr/bin/python3
"""stall.py - hold a process still at a chosen point of a serial exchange.

    stall.py stop-on PID LOG TEXT   SIGSTOP PID as soon as LOG holds TEXT
                                    (an mpf -vv log: its trace lines show
                                    each write before it is made)
    stall.py quiet TTY              wait until the bytes waiting to be read
                                    on TTY stop growing (300 ms)

A shell loop reacts in tens of milliseconds on a busy machine, while the
steps of the raw REPL are tens of milliseconds apart; this reacts in
about one.
"""
import fcntl
import os
import signal
import struct
import sys
import termios
import time


def stop_on(pid, log, text):
    end = time.monotonic() + 10
    while time.monotonic() < end:
        with open(log, encoding="latin-1") as f:
            if text in f.read():
                os.kill(pid, signal.SIGSTOP)
                return 0
        time.sleep(0.0005)
    return 1


def quiet(tty):
    fd = os.open(tty, os.O_RDWR | os.O_NOCTTY)
    last, since, end = -1, 0.0, time.monotonic() + 10
    while time.monotonic() < end:
        n = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
        if n != last:
            last, since = n, time.monotonic()
        elif time.monotonic() - since > 0.3:
            return 0
        time.sleep(0.01)
    return 1


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "stop-on":
        sys.exit(stop_on(int(a[1]), a[2], a[3]))
    if len(a) == 2 and a[0] == "quiet":
        sys.exit(quiet(a[1]))
    sys.exit("usage: stall.py stop-on PID LOG TEXT | quiet TTY")

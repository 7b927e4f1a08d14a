#!/usr/bin/env python3
"""Drive the flasher stub's core running on QEMU's lx106 (the ESP8266's
core) over its semihosted UART, as a host drives the stub (esptool
"Serial Protocol"), and check every answer and the fake flash it leaves.

    session.py QEMU ELF

The fake flash starts as (address * 7 + 3) & 0xFF; the UART and the flash
are paced on the guest's clock (tests/stub-lx106/plat.c).
Prints one line per check; exits 1 on the first failure."""
import hashlib, os, random, signal, struct, subprocess, sys, zlib

qemu, elf = sys.argv[1], sys.argv[2]
p = subprocess.Popen([qemu, "-M", "sim", "-cpu", "lx106", "-display", "none", "-serial", "none",
                      "-monitor", "none", "-semihosting", "-icount", "shift=3", "-device",
                      "loader,file=%s,cpu-num=0" % elf],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

def fail(msg):
    print("error: " + msg)
    p.kill()
    sys.exit(1)

# a stub that lost bytes waits for the rest of a frame for ever
signal.signal(signal.SIGALRM, lambda *_: fail("no answer in 120 s"))
signal.alarm(120)

def slip(b):
    return b"\xc0" + b.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0"

def frame():
    """The next SLIP frame from the stub."""
    out = bytearray()
    while True:
        c = p.stdout.read(1)
        if not c:
            fail("the stub stopped (%d bytes of a frame)" % len(out))
        if c == b"\xc0":
            if out:
                return bytes(out).replace(b"\xdb\xdc", b"\xc0").replace(b"\xdb\xdd", b"\xdb")
            continue
        out += c

def send(raw):
    p.stdin.write(raw)
    p.stdin.flush()

def cmd(op, data=b"", chk=0, expect_error=0):
    send(slip(struct.pack("<BBHI", 0, op, len(data), chk) + data))
    f = frame()
    d, o, size, value = struct.unpack("<BBHI", f[:8])
    body = f[8:]
    if d != 1 or o != op or size != len(body):
        fail("op 0x%02x: bad reply %s" % (op, f.hex()))
    status, error = body[-2], body[-1]
    if (status, error) != ((1, expect_error) if expect_error else (0, 0)):
        fail("op 0x%02x: status %d error 0x%02x" % (op, status, error))
    return value, body[:-2]

def words(*w):
    return struct.pack("<%dI" % len(w), *w)

def pattern(a, n):
    return bytes((i * 7 + 3) & 0xFF for i in range(a, a + n))

def checksum(b):
    c = 0xEF
    for x in b:
        c ^= x
    return c

def defl_write(addr, size, z, expect_error=0):
    blocks = (len(z) + 0x3FFF) // 0x4000
    cmd(0x10, words(size, blocks, 0x4000, addr, 0))
    err = 0
    for i in range(blocks):
        blk = z[i * 0x4000:(i + 1) * 0x4000]
        send(slip(struct.pack("<BBHI", 0, 0x11, 16 + len(blk), checksum(blk)) +
                  words(len(blk), i, 0, 0) + blk))
        f = frame()
        if f[-2]:
            err = f[-1]
            break
    send(slip(struct.pack("<BBHI", 0, 0x12, 4, 0) + words(1)))
    f = frame()
    err = err or f[-1]
    if err != expect_error:
        fail("deflated write: error 0x%02x, not 0x%02x" % (err, expect_error))

def read_flash(addr, n):
    cmd(0xD2, words(addr, n, 0x1000, 4))
    data = bytearray()
    while len(data) < n:
        data += frame()
        send(slip(words(len(data))))
    if frame() != hashlib.md5(data).digest():
        fail("READ_FLASH: the MD5 frame does not match its data")
    return bytes(data)

if frame() != b"OHAI":
    fail("no greeting")
print("ok greeting")
value, _ = cmd(0x08, b"\x07\x07\x12\x20" + b"\x55" * 32)
if value != 0:
    fail("SYNC value %d" % value)
value, _ = cmd(0x0A, words(0x40001000))
if value != 0x40001000 ^ 0x5A5A5A5A:
    fail("READ_REG 0x%08x" % value)
cmd(0x55, expect_error=0xFF)
print("ok SYNC, READ_REG, unknown command")

def reg(a):
    return cmd(0x0A, words(a))[0]

def produced_before(z):
    """Bytes the blocks before each 16 KiB block of z inflate to."""
    d, out, n = zlib.decompressobj(), [], 0
    for i in range(0, len(z), 0x4000):
        out.append(n)
        n += len(d.decompress(z[i:i + 0x4000]))
    return out

cmd(0x0F, words(921600, 115200))
random.seed(1)
img = bytes(random.getrandbits(8) for _ in range(60000)) + b"esp8266 " * 12000
addr, size = 0x10123, len(img)
cmd(0x0B, words(0, 1 << 20, 0x10000, 0x1000, 0x100, 0xFFFF))
z = zlib.compress(img, 9)
defl_write(addr, size, z)
_, md = cmd(0x13, words(addr, size, 0, 0))
if md != hashlib.md5(img).digest():
    fail("SPI_FLASH_MD5 does not match the image")
print("ok FLASH_DEFL of %d bytes at 0x%x in 16 KiB blocks at 921600, MD5 matches" % (size, addr))

# Each block answered on receipt: when its reply went out, no more was
# programmed than the blocks before it inflate to (plus the first
# sector, whose bytes before the region are programmed back whole);
# the next block came in while the flash was busy, and none was lost.
acks, lost, busy_rx = reg(0xAC00), reg(0x1057), reg(0xB5B5)
before = produced_before(z)
if acks != len(before):
    fail("%d FLASH_DEFL_DATA replies for %d blocks" % (acks, len(before)))
for k, n in enumerate(before):
    at = reg(0xAC04 + 4 * k)
    if at > n + 0x1000:
        fail("block %d answered after %d bytes were programmed; the blocks before it "
             "make %d: it was programmed before it was acknowledged" % (k, at, n))
if lost or not busy_rx:
    fail("%d bytes lost to the receive FIFO, %d taken while the flash was busy" % (lost, busy_rx))
print("ok every block acknowledged before it was programmed, %d bytes received while the "
      "flash was busy, none lost" % busy_rx)
lo, hi = addr - 0x2123, addr + size + 0x1000
back = read_flash(lo, hi - lo)
if back != pattern(lo, addr - lo) + img + pattern(addr + size, hi - addr - size):
    fail("READ_FLASH: the flash around and in the region is not as it should be")
print("ok READ_FLASH: the image exact, the bytes around it unchanged")

z = bytearray(zlib.compress(img[:30000], 9))
z[len(z) // 2] ^= 0x55
defl_write(0x40000, 30000, bytes(z), expect_error=0xC7)
if read_flash(0x3F000, 0x1000) != pattern(0x3F000, 0x1000) or \
   read_flash(0x40000 + 30000, 0x1000) != pattern(0x40000 + 30000, 0x1000):
    fail("a corrupt stream changed flash outside its region")
defl_write(0x50000, 1000, zlib.compress(img[:5000]), expect_error=0xC9)
if read_flash(0x50000 + 1000, 0x800) != pattern(0x50000 + 1000, 0x800):
    fail("a stream longer than announced wrote past its region")
print("ok corrupt stream 0xC7, stream too long 0xC9, nothing outside the regions")

cmd(0xD1, words(0x60000, 0x11000))
if read_flash(0x60000, 0x11000) != b"\xff" * 0x11000 or \
   read_flash(0x71000, 0x100) != pattern(0x71000, 0x100):
    fail("ERASE_REGION")
value, _ = cmd(0x0A, words(0xBAD))
if value:
    fail("%d flash calls out of range or unaligned" % value)
print("ok ERASE_REGION; no bad flash call")
p.stdin.close()
p.wait(timeout=10)

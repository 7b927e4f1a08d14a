#!/bin/sh
test_description='mpf-uf2 flashes a UF2 bootloader drive (FUSE simulator of the RP2040 boot ROM drive)'
. "${MPF_SRC:-.}/tests/lib.sh"

test_lazy_prereq LOOP 'test "$(id -u)" = 0 && command -v losetup && losetup -f'
test_lazy_prereq NOBODY 'test "$(id -u)" = 0 && command -v setpriv && id nobody'

. "$MPF_SRC/tests/sim/uf2drive/env.sh"

mounted() { grep -q " $PWD/$1 " /proc/self/mountinfo; }

test_expect_success 'setup: images for RP2040, RP2350 and two families at once' '
	{ printf "MicroPython v1.24.1 on 2024-11-29; Raspberry Pi Pico W with RP2040\0"
	  head -c 20000 /dev/urandom; } >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin fw.uf2 &&
	mpf-uf2 convert --family RP2350_ARM_S fw.bin rp2350.uf2 &&
	mpf-uf2 convert --family SAMD21 fw.bin samd.uf2 &&
	cat samd.uf2 fw.uf2 >multi.uf2
'

test_expect_success FUSE,JQ 'copy to a drive: every block lands, the drive reboots, flashed is set' '
	test_when_finished "stop_drive d1" &&
	start_drive d1 --flash img1 &&
	mpf-uf2 --drive d1 fw.uf2 >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.family)" = RP2040 &&
	test "$(json_field out flashed.blocks)" = $(( $(wc -c <fw.uf2) / 512 )) &&
	cmp -n $(wc -c <fw.bin) img1 fw.bin &&
	grep -q "^reboot" d1.log &&
	! mounted d1
'

test_expect_success FUSE,JQ 'an RP2350 image is refused for an RP2040 drive, nothing is written' '
	test_when_finished "stop_drive d2" &&
	start_drive d2 --flash img2 &&
	test_expect_code 1 mpf-uf2 --drive d2 rp2350.uf2 >out 2>err &&
	test "$(json_field out error.code)" = mismatch &&
	json_field out error.message | grep -q "for RP2350_ARM_S but the drive is RPI-RP2" &&
	! grep -q "^block" d2.log && ! ls d2 | grep -q rp2350 &&
	mounted d2
'

test_expect_success FUSE,JQ 'a two-family file: the drive ignores the foreign blocks, as a real one does' '
	test_when_finished "stop_drive d3" &&
	start_drive d3 --flash img3 &&
	mpf-uf2 --drive d3 multi.uf2 >out &&
	test "$(json_field out flashed.ok)" = true &&
	grep -q "ignored block 0/.* family 0x68ed2b88 .*: foreign family" d3.log &&
	cmp -n $(wc -c <fw.bin) img3 fw.bin
'

test_expect_success FUSE,JQ 'the drive vanishing half way is an error, not success' '
	test_when_finished "stop_drive d4" &&
	start_drive d4 --flash img4 --vanish-after 20 &&
	test_expect_code 1 mpf-uf2 --drive d4 fw.uf2 >out 2>err &&
	test "$(json_field out error.code)" = no-device &&
	json_field out error.message | grep -q "the drive went away after [0-9]* of $(( $(wc -c <fw.uf2) / 512 )) blocks" &&
	test "$(jq -r .flashed.complete out)" = false && ! test -e img4
'

test_expect_success FUSE,JQ 'a drive that takes the copy but never resets is reported' '
	test_when_finished "stop_drive d5" &&
	start_drive d5 &&
	test_expect_code 1 mpf-uf2 --force --timeout 1 --drive d5 samd.uf2 >out 2>err &&
	grep -q "copying anyway (--force)" err &&
	test "$(json_field out error.code)" = timeout &&
	json_field out error.message | grep -q "did not take the image"
'

# A real FAT implementation as the peer (fusefat over an mkfs.vfat image):
# the copy must land byte for byte through it. A plain FAT drive never
# resets, which mpf-uf2 must report rather than call success.
test_expect_success FUSEFAT,JQ 'a real FAT drive: the file lands whole; no reset is an error' '
	mkfs.vfat -C -n RPI-RP2 fat.img 4096 >/dev/null &&
	printf "UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n" >info.txt &&
	mcopy -i fat.img info.txt ::INFO_UF2.TXT &&
	mkdir -p fat && fusefat -o rw+ fat.img fat >/dev/null 2>&1 &&
	test_when_finished "fusermount -u $TRASH/fat" &&
	test_expect_code 1 mpf-uf2 --timeout 1 --drive fat --progress json fw.uf2 >out 2>err &&
	test "$(json_field out error.code)" = timeout &&
	grep -q "\"event\":\"end\".*\"ok\":true" err &&
	fusermount -u "$TRASH/fat" &&
	mcopy -i fat.img ::FW.UF2 back.uf2 &&
	cmp back.uf2 fw.uf2
'

test_expect_success FUSE 'alone with two fitting drives mounted: name one' '
	test_when_finished "stop_drive d12; stop_drive d13" &&
	start_drive d12 && start_drive d13 &&
	test_expect_code 2 mpf-uf2 fw.uf2 >out 2>err &&
	grep -q "several UF2 drives fit, name one with --drive: .*/d12" err &&
	! grep -q "^block" d12.log && ! grep -q "^block" d13.log
'

test_expect_success FUSE,JQ 'records: flash the target, wait for the port, pass others through' '
	test_when_finished "stop_drive d6" &&
	start_drive d6 --flash img6 &&
	# the board comes back (its port link reappears) once the drive is gone
	{ wait_for 20 sh -c "! grep -q \" $PWD/d6 \" /proc/self/mountinfo" &&
	  ln -s /dev/null ttyBOARD & } &&
	cat >in <<-IN &&
	{"kind":"serial","serial":"/dev/ttyS0"}
	{"kind":"serial","serial":"$PWD/ttyBOARD","port":"rp2","method":"uf2","firmware":{"file":"fw.uf2"},"target":{"kind":"uf2","path":"$PWD/d6"}}
	{"kind":"serial","serial":"/dev/ttyX","method":"uf2","firmware":{"file":"fw.uf2"}}
	IN
	test_expect_code 1 mpf-uf2 --keep-order <in >out &&
	sed -n 1p in >expect && sed -n 1p out >actual && test_cmp expect actual &&
	test "$(json_field out flashed.ok 2)" = true &&
	test "$(json_field out serial 2)" = "$PWD/ttyBOARD" &&
	test "$(json_field out target.path 2)" = "$PWD/d6" &&
	json_field out error.message 3 | grep -q "no UF2 target" &&
	cmp -n $(wc -c <fw.bin) img6 fw.bin
'

test_expect_success FUSE,JQ 'records: the image must also fit the board s port' '
	test_when_finished "stop_drive d7" &&
	start_drive d7 &&
	echo "{\"port\":\"samd\",\"method\":\"uf2\",\"firmware\":{\"file\":\"fw.uf2\"},\"target\":{\"kind\":\"uf2\",\"path\":\"$PWD/d7\"}}" |
	test_expect_code 1 mpf-uf2 --drive d7 >out &&
	test "$(json_field out error.code)" = mismatch
'

# A disk image standing in for a bootloader's drive: FAT with INFO_UF2.TXT.
uf2_disk() {
	rm -f "$1" && mkfs.vfat -C -n RPI-RP2 "$1" $(($2 / 1024)) >/dev/null &&
	printf "UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n" >info.txt &&
	mcopy -i "$1" info.txt ::INFO_UF2.TXT
}

test_expect_success MKFS_VFAT,JQ '--device writes the blocks to a disk image from sector 0' '
	uf2_disk disk.img 1048576 &&
	mpf-uf2 --device disk.img fw.uf2 >out &&
	test "$(json_field out flashed.device)" = disk.img &&
	"$sim" --flash img8 --parse disk.img &&
	cmp -n $(wc -c <fw.bin) img8 fw.bin
'

test_expect_success LOOP,MKFS_VFAT,JQ '--device on a file-backed loop block device' '
	uf2_disk loop.img 4194304 &&
	dev=$(losetup -f --show loop.img) &&
	test_when_finished "losetup -d $dev" &&
	mpf-uf2 --device "$dev" fw.uf2 >out &&
	test "$(json_field out flashed.ok)" = true &&
	"$sim" --flash img9 --parse "$dev" &&
	cmp -n $(wc -c <fw.bin) img9 fw.bin
'

test_expect_success '--device refuses what is not there, and a corrupt image' '
	test_expect_code 1 mpf-uf2 --device /dev/nonexistent-disk fw.uf2 >out &&
	grep -q "no-device" out &&
	head -c 1000 fw.uf2 >short.uf2 && truncate -s 1M disk2.img &&
	test_expect_code 1 mpf-uf2 --device disk2.img short.uf2 >out &&
	grep -q "not a multiple of 512" out &&
	! tr -d "\0" <disk2.img | grep -q .
'

# No automounter: the bootloader is found under /sys/block by its SCSI
# vendor/model and mounted with mount(8). This kernel has no vfat, so a
# stand-in mount(8) on PATH brings the simulated drive up where asked.
test_expect_success FUSE,JQ 'no automounter: found in sysfs, mounted with mount(8), flashed' '
	mkdir -p sys/block/sdz/sdz1 sys/block/sdz/device bin &&
	printf "RPI     \n" >sys/block/sdz/device/vendor &&
	printf "RP2             \n" >sys/block/sdz/device/model &&
	cat >bin/mount <<-EOS &&
	#!/bin/sh
	echo "\$*" >>"$PWD/mount.args"
	"$sim" --log "$PWD/m.log" --flash "$PWD/img10" "\$4" </dev/null >/dev/null 2>&1 &
	i=0; while [ \$i -lt 100 ] && ! [ -f "\$4/INFO_UF2.TXT" ]; do sleep 0.05; i=\$((i+1)); done
	EOS
	chmod +x bin/mount &&
	test_when_finished "umount -l \$(cut -d\" \" -f4 mount.args)" &&
	PATH=$PWD/bin:$PATH MPF_TEST_SYSFS=$PWD/sys mpf-uf2 fw.uf2 >out &&
	grep -q "^-t vfat /dev/sdz1 /tmp/mpf-uf2\." mount.args &&
	test "$(json_field out flashed.ok)" = true &&
	cmp -n $(wc -c <fw.bin) img10 fw.bin &&
	! test -d "$(cut -d" " -f4 mount.args)"
'

test_expect_success FUSE,JQ 'no automounter: mounted with udisksctl when it is there' '
	mkdir -p media/RPI-RP2 &&
	cat >bin/udisksctl <<-EOS &&
	#!/bin/sh
	echo "\$*" >"$PWD/udisks.args"
	"$sim" --flash "$PWD/img11" "$PWD/media/RPI-RP2" </dev/null >/dev/null 2>&1 &
	i=0; while [ \$i -lt 100 ] && ! [ -f "$PWD/media/RPI-RP2/INFO_UF2.TXT" ]; do sleep 0.05; i=\$((i+1)); done
	echo "Mounted /dev/sdz1 at $PWD/media/RPI-RP2."
	EOS
	chmod +x bin/udisksctl &&
	test_when_finished "rm -f bin/udisksctl; umount -l media/RPI-RP2" &&
	PATH=$PWD/bin:$PATH MPF_TEST_SYSFS=$PWD/sys mpf-uf2 fw.uf2 >out &&
	grep -q "^mount --no-user-interaction -b /dev/sdz1" udisks.args &&
	test "$(json_field out path)" = "$PWD/media/RPI-RP2" &&
	cmp -n $(wc -c <fw.bin) img11 fw.bin
'

test_expect_success FUSE,JQ 'pipeline without an automounter: a bootloader block device is the target, mpf-uf2 mounts it' '
	echo "{\"port\":\"rp2\",\"method\":\"uf2\",\"bootloader\":[\"none\"],\"firmware\":{\"file\":\"fw.uf2\"}}" |
	MPF_TEST_SYSFS=$PWD/sys mpf-bootloader --timeout 2 >bl &&
	test "$(json_field bl target.device)" = /dev/sdz1 &&
	rm -f mount.args img10 &&
	PATH=$PWD/bin:$PATH MPF_TEST_SYSFS=$PWD/sys mpf-uf2 <bl >out &&
	test_when_finished "umount -l \$(cut -d\" \" -f4 mount.args)" &&
	grep -q "^-t vfat /dev/sdz1 /tmp/mpf-uf2\." mount.args &&
	test "$(json_field out flashed.ok)" = true &&
	cmp -n $(wc -c <fw.bin) img10 fw.bin
'

test_expect_success NOBODY 'without root or udisksctl the message names what is missing' '
	chmod 755 "$TRASH" && chmod -R a+rX sys fw.uf2 &&
	test_expect_code 77 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env PATH=/usr/bin:/bin MPF_TEST_SYSFS=$PWD/sys "$MPF_BUILD/mpf-uf2" fw.uf2 2>err >out &&
	grep -q "udisksctl is not installed (Debian package udisks2) and mount(8) needs root" err &&
	grep -q "with --device /dev/sdz1" err
'

test_expect_success 'no drive at all: a clear error after the timeout' '
	test_expect_code 69 env MPF_TEST_SYSFS=$PWD/nosys mpf-uf2 --timeout 0.3 fw.uf2 2>err &&
	grep -q "no UF2 bootloader drive found" err
'

test_done

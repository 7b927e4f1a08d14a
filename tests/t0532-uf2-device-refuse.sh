#!/bin/sh
test_description='mpf-uf2 --device writes only to a UF2 bootloader s drive unless --force

Writing UF2 blocks from sector 0 destroys whatever disk it is given.
A UF2 bootloader s drive is told by the SCSI identity of its disk in
sysfs (vendor RPI, model RP2...) or by INFO_UF2.TXT in its FAT root
folder; disk images stand in for block devices.'
. "${MPF_SRC:-.}/tests/lib.sh"


test_expect_success 'setup' '
	head -c 4096 /dev/urandom >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin fw.uf2
'

test_expect_success 'a blank disk is refused and left as it was' '
	truncate -s 1M blank.img &&
	test_expect_code 1 mpf-uf2 --device blank.img fw.uf2 >out 2>err &&
	grep "blank.img is not a UF2 bootloader drive" out &&
	grep -q mismatch out &&
	! tr -d "\0" <blank.img | grep -q .
'

test_expect_success MKFS_VFAT 'a FAT disk without INFO_UF2.TXT is refused and left as it was' '
	mkfs.vfat -C -n USBSTICK stick.img 1024 >/dev/null &&
	echo "holiday photos" >photo.txt && mcopy -i stick.img photo.txt ::PHOTO.TXT &&
	cp stick.img stick.orig &&
	test_expect_code 1 mpf-uf2 --device stick.img fw.uf2 >out 2>err &&
	grep "not a UF2 bootloader drive" out &&
	cmp stick.img stick.orig
'

test_expect_success MKFS_VFAT 'a FAT drive holding INFO_UF2.TXT is written' '
	mkfs.vfat -C -n RPI-RP2 boot.img 1024 >/dev/null &&
	printf "UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n" >info.txt &&
	mcopy -i boot.img info.txt ::INFO_UF2.TXT &&
	mpf-uf2 --device boot.img fw.uf2 >out &&
	grep -q "\"ok\":true" out &&
	cmp -n $(wc -c <fw.uf2) boot.img fw.uf2
'

test_expect_success MKFS_VFAT 'FAT32 too (INFO_UF2.TXT in the root cluster)' '
	mkfs.vfat -F 32 -C -n BOOT32 boot32.img 40000 >/dev/null &&
	mcopy -i boot32.img info.txt ::INFO_UF2.TXT &&
	mpf-uf2 --device boot32.img fw.uf2 >out &&
	grep -q "\"ok\":true" out
'

test_expect_success 'a disk whose sysfs identity is a UF2 bootloader s is written' '
	mkdir -p sys/class/block/sdz/device &&
	echo "RPI     " >sys/class/block/sdz/device/vendor &&
	echo "RP2             " >sys/class/block/sdz/device/model &&
	truncate -s 1M sdz &&
	MPF_TEST_SYSFS=$PWD/sys mpf-uf2 --device "$PWD/sdz" fw.uf2 >out &&
	grep -q "\"ok\":true" out
'

test_expect_success '--force writes a disk that is not one' '
	truncate -s 1M forced.img &&
	mpf-uf2 --force --device forced.img fw.uf2 >out 2>err &&
	cmp -n $(wc -c <fw.uf2) forced.img fw.uf2
'

test_done

/* t-ident.c - the identification line as boards print it, turned into
 * record fields (doc/boards.md 1 and 2: mpflash's rules, with its
 * build-number and UNKNOWN_BOARD mistakes fixed). The micro:bit line is recorded from QEMU
 * running Debian's firmware-microbit-micropython (1.9.2). */
#include "test-lib.h"
#include "ident.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

#define S_LIT "(\"a'b\", '\\xe9\\n', -3, None, True, False, (), (x=(1,)))"

static const char microbit[] =
	"mpf1 ((name='micropython', version=(1, 9, 2)), (sysname='microbit', nodename='microbit', "
	"release='1.0.1', version='micro:bit v1.0.1+unknown on 2023-02-24; MicroPython "
	"v1.9.2-34-gd64154c73 on 2017-09-01', machine='micro:bit with nRF51822'), 'microbit', '3.4.0', "
	"None, None, None)\r\n";

static json_t *ident(const char *line, struct mpf_buf *warn)
{
	struct mpf_buf err = MPF_BUF_INIT;
	json_t *f = mpf_ident_parse(line, strlen(line), warn, &err);

	if (!f)
		test_msg("parse failed: %s", mpf_buf_str(&err));
	mpf_buf_release(&err);
	return f;
}

/* The fields as compact JSON, sorted, for one comparison per case. */
static void check_fields(const char *line, const char *want)
{
	json_t *f = ident(line, NULL);
	char *got;

	if (!check(f != NULL))
		return;
	got = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
	check_str(got, want);
	free(got);
	json_decref(f);
}

static void t_microbit(void)
{
	/* -34-g: 34 commits after the 1.9.2 tag; no _machine: uname.machine;
	 * not in the board table (BBC's firmware, not ports/nrf): no board_id */
	check_fields(microbit, "{\"board\":\"micro:bit with nRF51822\",\"build\":34,\"cpu\":\"nRF51822\","
		     "\"family\":\"micropython\",\"port\":\"microbit\",\"preview\":true,\"version\":\"1.9.2\"}");
}

static void t_preview(void)
{
	check_fields("noise\r\nmpf1 ((name='micropython', version=(1, 28, 0, 'preview'), _machine='Raspberry Pi "
		     "Pico W with RP2040', _mpy=4870, _build='RPI_PICO_W'), (sysname='rp2', nodename='rp2', "
		     "release='1.28.0-preview', version='v1.28.0-preview.236.g2c8dab7ab on 2026-02-10 (GNU "
		     "14.2.0 MinSizeRel)', machine='Raspberry Pi Pico W with RP2040'), 'rp2', '3.4.0; "
		     "MicroPython v1.28.0-preview.236.g2c8dab7ab on 2026-02-10', None, None, None)\r\n",
		     "{\"arch\":\"armv6m\",\"board\":\"Raspberry Pi Pico W with RP2040\",\"board_id\":\"RPI_PICO_W\","
		     "\"build\":236,\"cpu\":\"RP2040\",\"family\":\"micropython\",\"mpy\":\"v6.3\",\"port\":\"rp2\","
		     "\"preview\":true,\"variant\":\"\",\"version\":\"1.28.0-preview\"}");
}

static void t_dev_build(void)
{
	/* before 1.22: "-N-gHASH", with mpy in .mpy (not ._mpy) */
	check_fields("mpf1 ((name='micropython', version=(1, 19, 1), _machine='PYBv1.1 with STM32F405RG', "
		     "mpy=7685), (sysname='pyboard', nodename='pyboard', release='1.19.1', "
		     "version='v1.19.1-123-gabcdef on 2022-08-01', machine='PYBv1.1 with STM32F405RG'), "
		     "'pyboard', '3.4.0', None, None, None)",
		     "{\"arch\":\"armv7emsp\",\"board\":\"PYBv1.1 with STM32F405RG\",\"board_id\":\"PYBV11\","
		     "\"build\":123,\"cpu\":\"STM32F405RG\",\"family\":\"micropython\",\"mpy\":\"v5.2\","
		     "\"port\":\"stm32\",\"preview\":true,\"variant\":\"\",\"version\":\"1.19.1\"}");
}

static void t_variant(void)
{
	/* _build names the variant; the description lookup could not */
	check_fields("mpf1 ((name='micropython', version=(1, 25, 0, ''), _machine='Generic ESP32 module with "
		     "SPIRAM with ESP32', _mpy=11014, _build='ESP32_GENERIC-SPIRAM'), (sysname='esp32', "
		     "nodename='esp32', release='1.25.0', version='v1.25.0 on 2025-04-15', machine='Generic ESP32 "
		     "module with SPIRAM with ESP32'), 'esp32', '3.4.0; MicroPython v1.25.0 on 2025-04-15', None, "
		     "None, None)",
		     "{\"arch\":\"xtensawin\",\"board\":\"Generic ESP32 module with SPIRAM with ESP32\","
		     "\"board_id\":\"ESP32_GENERIC\",\"cpu\":\"ESP32\",\"family\":\"micropython\",\"mpy\":\"v6.3\","
		     "\"port\":\"esp32\",\"preview\":false,\"variant\":\"SPIRAM\",\"version\":\"1.25.0\"}");
}

static void t_by_description(void)
{
	check_fields("mpf1 ((name='micropython', version=(1, 22, 2, ''), _machine='PYBv1.1 with STM32F405RG', "
		     "_mpy=7686), None, 'pyboard', '3.4.0; MicroPython v1.22.2 on 2024-02-22', None, None, None)",
		     "{\"arch\":\"armv7emsp\",\"board\":\"PYBv1.1 with STM32F405RG\",\"board_id\":\"PYBV11\","
		     "\"cpu\":\"STM32F405RG\",\"family\":\"micropython\",\"mpy\":\"v6.2\",\"port\":\"stm32\","
		     "\"preview\":false,\"variant\":\"\",\"version\":\"1.22.2\"}");
	/* a description no table row has: no board_id, never a guess */
	check_fields("mpf1 ((name='micropython', version=(1, 24, 1, ''), _machine='Homebrew thing with "
		     "RP2040', _mpy=4870), None, 'rp2', '', None, None, None)",
		     "{\"arch\":\"armv6m\",\"board\":\"Homebrew thing with RP2040\",\"cpu\":\"RP2040\","
		     "\"family\":\"micropython\",\"mpy\":\"v6.3\",\"port\":\"rp2\",\"preview\":false,"
		     "\"version\":\"1.24.1\"}");
	/* boardname.py's BOARD_ID, and Pimoroni's _16MB kept as the table names it */
	check_fields("mpf1 ((name='micropython', version=(1, 19, 1)), None, 'rp2', '', None, "
		     "'PIMORONI_PICOLIPO_16MB', None)",
		     "{\"board_id\":\"PIMORONI_PICOLIPO_16MB\",\"family\":\"micropython\",\"port\":\"rp2\","
		     "\"preview\":false,\"variant\":\"\",\"version\":\"1.19.1\"}");
}

static void t_renamed(void)
{
	/* 1.20 boards by description, written with today's names */
	check_fields("mpf1 ((name='micropython', version=(1, 20, 0), _machine='Raspberry Pi Pico with RP2040', "
		     "_mpy=4614), None, 'rp2', '', None, None, None)",
		     "{\"arch\":\"armv6m\",\"board\":\"Raspberry Pi Pico with RP2040\",\"board_id\":\"RPI_PICO\","
		     "\"cpu\":\"RP2040\",\"family\":\"micropython\",\"mpy\":\"v6.2\",\"port\":\"rp2\","
		     "\"preview\":false,\"variant\":\"\",\"version\":\"1.20.0\"}");
	check_fields("mpf1 ((name='micropython', version=(1, 20, 0), _machine='ESP32S3 module with ESP32S3'), "
		     "None, 'esp32', '', None, None, None)",
		     "{\"board\":\"ESP32S3 module with ESP32S3\",\"board_id\":\"ESP32_GENERIC_S3\",\"cpu\":"
		     "\"ESP32S3\",\"family\":\"micropython\",\"port\":\"esp32\",\"preview\":false,"
		     "\"variant\":\"\",\"version\":\"1.20.0\"}");
	/* boardname.py of an old SPIRAM build: the rename made it a variant */
	check_fields("mpf1 ((name='micropython', version=(1, 19, 1)), None, 'esp32', '', None, "
		     "'GENERIC_SPIRAM', None)",
		     "{\"board_id\":\"ESP32_GENERIC\",\"family\":\"micropython\",\"port\":\"esp32\","
		     "\"preview\":false,\"variant\":\"SPIRAM\",\"version\":\"1.19.1\"}");
}

static void t_circuitpython(void)
{
	check_fields("mpf1 ((name='circuitpython', version=(9, 0, 0), _machine='Raspberry Pi Pico with "
		     "rp2040', _mpy=517), (sysname='rp2040', nodename='rp2040', release='9.0.0', "
		     "version='9.0.0 on 2024-03-19', machine='Raspberry Pi Pico with rp2040'), 'RP2040', "
		     "'3.4.0; CircuitPython 9.0.0 on 2024-03-19', None, 'raspberry_pi_pico', None)",
		     "{\"board\":\"Raspberry Pi Pico with rp2040\",\"board_id\":\"raspberry_pi_pico\","
		     "\"cpu\":\"rp2040\",\"family\":\"circuitpython\",\"mpy\":\"v5.2\",\"port\":\"RP2040\","
		     "\"preview\":false,\"version\":\"9.0.0\"}");
	/* pycom firmware says micropython; the pycom module tells */
	check_fields("mpf1 ((name='micropython', version=(1, 20, 0)), None, 'esp32', '', 'pycom', None, None)",
		     "{\"family\":\"pycom\",\"port\":\"esp32\",\"preview\":false,\"version\":\"1.20.0\"}");
}

static void t_toml(void)
{
	struct mpf_buf warn = MPF_BUF_INIT;
	json_t *f;
	char *got;

	check_fields("mpf1 ((name='micropython', version=(1, 24, 1, ''), _build='RPI_PICO'), None, 'rp2', '', "
		     "None, None, 'description = \"Blue Norwegian actuator\" # ours\\n\\n[mpflash]\\nignore = "
		     "true\\nboard_id = \\'RPI_PICO_W\\'\\n[other]\\nboard_id = \"NOT_THIS\"\\n')",
		     "{\"board_id\":\"RPI_PICO_W\",\"description\":\"Blue Norwegian actuator\",\"family\":"
		     "\"micropython\",\"ignore\":true,\"port\":\"rp2\",\"preview\":false,\"variant\":\"\","
		     "\"version\":\"1.24.1\"}");
	check_fields("mpf1 ((name='micropython', version=(1, 24, 1, '')), None, 'rp2', '', None, None, "
		     "'[mpf]\\r\\nignore = false\\r\\n')",
		     "{\"family\":\"micropython\",\"ignore\":false,\"port\":\"rp2\",\"preview\":false,"
		     "\"version\":\"1.24.1\"}");
	/* a broken file: a warning, and nothing from it */
	f = ident("mpf1 ((name='micropython', version=(1, 24, 1, '')), None, 'rp2', '', None, None, "
		  "'description = \"ok\"\\n[mpflash\\nignore = true\\n')", &warn);
	if (check(f != NULL)) {
		got = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
		check_str(got, "{\"family\":\"micropython\",\"port\":\"rp2\",\"preview\":false,"
			  "\"version\":\"1.24.1\"}");
		free(got);
	}
	check_str(mpf_buf_str(&warn), "line 2: bad table header");
	json_decref(f);
	mpf_buf_release(&warn);
}

static void t_pylit(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	size_t end;
	json_t *v;
	char *got;

	v = mpf_pylit_parse(S_LIT, sizeof(S_LIT) - 1, &end, &err);
	if (check(v != NULL)) {
		got = json_dumps(v, JSON_ENCODE_ANY);
		check_str(got, "[\"a'b\", \"\xc3\xa9\\n\", -3, null, true, false, [], {\"x\": [1]}]");
		free(got);
		json_decref(v);
	}
	static const char *const bad[] = {
		"('abc", "(1, 2", "(x=1, 2)", "'\\q'", "nonsense", "((((((((((((((((((1))))))))))))))))))",
		"'\\x4'", "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = mpf_pylit_parse(bad[i], strlen(bad[i]), &end, &err);
		if (!check(v == NULL))
			test_msg("accepted: %s", bad[i]);
		json_decref(v);
	}
	mpf_buf_release(&err);
}

static void t_errors(void)
{
	struct mpf_buf err = MPF_BUF_INIT;

	check(mpf_ident_parse("hello\r\n", 7, NULL, &err) == NULL);
	check_str(mpf_buf_str(&err), "the board printed no identification line");
	check(mpf_ident_parse("mpf1 (1, 2)", 11, NULL, &err) == NULL);
	check(mpf_ident_parse("mpf1 ((name='micropython', version=(1, 9", 40, NULL, &err) == NULL);
	mpf_buf_release(&err);
}

static void t_port(void)
{
	static const char *const cases[][2] = {
		{ "pyboard", "stm32" }, { "linux", "unix" }, { "win32", "windows" }, { "nrf52", "nrf" },
		{ "esp32", "esp32" }, { "rp2", "rp2" }, { "microbit", "microbit" }, { "webassembly", "webassembly" },
	};
	char out[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mpf_ident_port(cases[i][0], out, sizeof(out));
		check_str(out, cases[i][1]);
	}
}

static void t_script(void)
{
	/* small enough for two plain-raw chunks; no json, no f-strings */
	check_int(strlen(mpf_ident_script), <, 512);
	check(strstr(mpf_ident_script, "json") == NULL);
	check(strstr(mpf_ident_script, "f'") == NULL);
	check(strstr(mpf_ident_script, "print('mpf1',repr((sys.implementation,u,sys.platform,"
		     "sys.version,f,b,t)))") != NULL);
}

int main(void)
{
	TEST(t_microbit(), "micro:bit 1.9.2 (recorded): version, build, board, cpu, no board_id");
	TEST(t_preview(), "preview: build from -preview.236.g, board_id from _build");
	TEST(t_dev_build(), "-N-g development build, old .mpy field, id by description");
	TEST(t_variant(), "variant from _build (1.25+)");
	TEST(t_by_description(), "board_id by description; unknown stays absent; boardname.py");
	TEST(t_renamed(), "renamed boards get their current name (PICO, GENERIC_S3, GENERIC_SPIRAM)");
	TEST(t_circuitpython(), "CircuitPython board_id, pycom family");
	TEST(t_toml(), "board_info.toml: description, [mpflash]/[mpf] ignore and board_id; bad file");
	TEST(t_pylit(), "Python literal parser: escapes, nesting, errors");
	TEST(t_errors(), "missing or broken identification line");
	TEST(t_port(), "sys.platform to port");
	TEST(t_script(), "the on-board script stays small and plain");
	return test_done();
}

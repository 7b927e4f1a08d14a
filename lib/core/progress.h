/* progress.h - progress of long operations, on stderr.
 *
 * --progress bar   a bar redrawn in place (default when stderr is a terminal)
 * --progress json  one event object per line, for programs embedding an applet:
 *   {"event":"begin","applet":"mpf-esp","id":"/dev/ttyUSB0","phase":"write","total":1555136}
 *   {"event":"progress",...,"done":524288,"total":1555136}
 *   {"event":"end",...,"done":1555136,"total":1555136,"ok":true}
 * --progress none  nothing
 * Updates are throttled (10 per second); begin and end are always shown.
 * Bars of parallel jobs (-j) draw as one display, a line per job.
 * Thread-safe: parallel jobs each hold their own struct mpf_progress.
 */
#ifndef MPF_PROGRESS_H
#define MPF_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct mpf_progress;

/* id names the board or file ("/dev/ttyACM0"), phase the step ("erase").
 * total may be 0 when unknown. Never returns NULL. */
struct mpf_progress *mpf_progress_begin(const char *id, const char *phase, uint64_t total);
void mpf_progress_update(struct mpf_progress *p, uint64_t done);
/* Ends and frees p. */
void mpf_progress_end(struct mpf_progress *p, int ok);

/* Write text (whole lines) to stderr above the bars, which are redrawn
 * below it: every log line goes through here. */
void mpf_progress_print(const char *text, size_t len);

#endif

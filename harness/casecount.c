/* casecount.c - server counts and application impact of a case; see
 * casecount.h. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "casecount.h"
#include "impact.h"
#include "servercount.h"

/* process.out, read back in pieces (it may be WN_FILE_MAX_MIB long). */
static int read_impact(struct case_result *r, FILE *out, const char *casedir)
{
	static struct impact_reader rd;   /* a 4 KiB line buffer: off the stack */
	char path[4096], buf[65536];
	if (!out || fflush(out) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/process.out", casedir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	impact_reader_init(&rd, r->switched ? r->switch_time : -1,
	                   r->window_end > 0 ? r->window_end : -1);
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			impact_reader_feed(&rd, buf, (size_t)n);
	close(fd);
	int rc = n < 0 ? -1 : impact_reader_finish(&rd, &r->impact);
	impact_reader_free(&rd);
	if (rc != 0)
		impact_init(&r->impact);
	return rc;
}

void casecount_fill(struct case_result *r, const struct serverset *set,
                    const struct wn_event *ev, size_t nev,
                    uint16_t only_qtype, FILE *out, const char *casedir)
{
	struct serverset pair;
	if (!set) {
		serverset_default(&pair);
		set = &pair;
	}
	struct sc_window w = { .switched = r->switched,
	                       .t_switch = r->switch_time,
	                       .t_switch_end = r->switch_end,
	                       .t_end = r->window_end > 0 ? r->window_end : -1,
	                       .only_qtype = only_qtype };
	int n = servercount_compute(set, ev, nev, &w, r->servers);
	r->nservers = n > 0 ? (unsigned)n : 0;
	r->impact_read = read_impact(r, out, casedir) == 0;
}

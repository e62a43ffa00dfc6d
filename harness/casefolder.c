/* casefolder.c - read a finished case back; see casefolder.h. */
#include <limits.h>
#include <stdio.h>
#include "casefolder.h"

int casefolder_finish(struct runfolder *rf, const struct job *j, int status,
                      struct case_result *r, struct wfault *f)
{
	char dir[PATH_MAX], err[PATH_MAX + 64];
	snprintf(dir, sizeof dir, "%s/%s", rf->dir, j->dir);
	if (runfolder_read_case(dir, r, err, sizeof err) != 0) {
		caseres_init(r);
		job_identity(j, r);
		snprintf(r->error, sizeof r->error, "the case process ended (wait "
		         "status %d) without a readable result: %s", status, err);
	}
	if (j->expected != V_NONE)
		r->expected = j->expected;
	else
		runfolder_expect(rf, r);
	(void)f;
	return 0;
}

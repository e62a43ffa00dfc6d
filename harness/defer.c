/* defer.c - the undo stack of a case; see defer.h. */
#include <stdio.h>
#include "defer.h"

static void run_step(struct defer *d, defer_fn fn, void *arg, const char *what)
{
	if (d->trace)
		d->trace(d->trace_ctx, what);
	fn(arg);
}

int defer_push(struct defer *d, defer_fn fn, void *arg, const char *what)
{
	if (d->n == DEFER_MAX) {
		/* Never lose an undo: if it cannot wait, do it now. */
		fprintf(stderr, "whichns: undo stack full at '%s'\n", what);
		run_step(d, fn, arg, what);
		return -1;
	}
	d->step[d->n].fn = fn;
	d->step[d->n].arg = arg;
	d->step[d->n].what = what;
	d->n++;
	return 0;
}

void defer_run(struct defer *d)
{
	while (d->n > 0) {
		d->n--;
		run_step(d, d->step[d->n].fn, d->step[d->n].arg, d->step[d->n].what);
	}
}

/* earlyexit.c - a command that failed before its first lookup; see earlyexit.h. */
#include <stdio.h>
#include <string.h>
#include "earlyexit.h"

const char *earlyexit_signal_name(int sig)
{
	static const char *const names[] = {
		[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL",
		[5] = "SIGTRAP", [6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE",
		[9] = "SIGKILL", [10] = "SIGUSR1", [11] = "SIGSEGV", [12] = "SIGUSR2",
		[13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
		[25] = "SIGXFSZ",   /* past the sandbox's file size limit */
	};
	return sig > 0 && sig < (int)(sizeof names / sizeof names[0]) ? names[sig]
	                                                               : NULL;
}

int earlyexit_check(bool ended, int code, int sig, size_t queries, bool skip,
                    char *how, size_t hsize)
{
	if (!ended || (code <= 0 && sig <= 0) || queries > 0 || skip)
		return 0;
	earlyexit_how(code, sig, how, hsize);
	return 1;
}

void earlyexit_how(int code, int sig, char *how, size_t hsize)
{
	const char *name = earlyexit_signal_name(sig);
	if (sig > 0 && name)
		snprintf(how, hsize, "killed by signal %d, %s", sig, name);
	else if (sig > 0)
		snprintf(how, hsize, "killed by signal %d", sig);
	else
		snprintf(how, hsize, "exit %d", code);
}

/* Copy the line text[s, e) into buf at *o, cut to 300 bytes, '?' for
 * control bytes. */
static void put_line(const char *text, size_t s, size_t e, char *buf,
                     size_t size, size_t *o)
{
	if (e - s > 300)
		e = s + 300;
	if (*o && *o + 1 < size)
		buf[(*o)++] = '\n';
	for (size_t i = s; i < e && *o + 1 < size; i++) {
		unsigned char c = (unsigned char)text[i];
		buf[(*o)++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[*o] = '\0';
}

static bool blank(const char *text, size_t s, size_t e)
{
	for (size_t i = s; i < e; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
			return false;
	return true;
}

void earlyexit_tail(const char *text, size_t len, unsigned lines,
                    char *buf, size_t size)
{
	size_t starts[64], ends[64], n = 0, e = len;
	if (!size)
		return;
	buf[0] = '\0';
	if (lines > 64)
		lines = 64;
	/* Walk back over lines, newest first. */
	while (e > 0 && n < lines) {
		size_t s = e;
		while (s > 0 && text[s - 1] != '\n')
			s--;
		if (!blank(text, s, e)) {
			starts[n] = s;
			ends[n] = e;
			n++;
		}
		if (s == 0)
			break;
		e = s - 1;
	}
	/* The newest lines are the ones that matter (the error is last):
	 * leave out the oldest until the rest fits whole. */
	size_t need = 0, keep = 0;
	while (keep < n) {
		size_t l = ends[keep] - starts[keep];
		l = (l > 300 ? 300 : l) + (keep > 0);
		if (need + l + 1 > size && keep > 0)
			break;
		need += l;
		keep++;
	}
	size_t o = 0;
	while (keep > 0) {
		keep--;
		put_line(text, starts[keep], ends[keep], buf, size, &o);
	}
}

void earlyexit_last_line(const char *tail, char *buf, size_t size)
{
	const char *nl = strrchr(tail, '\n');
	snprintf(buf, size, "%s", nl ? nl + 1 : tail);
}

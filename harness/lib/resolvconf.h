/*
 * resolvconf.h - the text of a case's /etc/resolv.conf.
 *
 * Owns: turning (server, options) into resolv.conf text, and checking
 * option words before they reach a file.  Never: touches a file.
 */
#ifndef WHICHNS_RESOLVCONF_H
#define WHICHNS_RESOLVCONF_H

#include <stddef.h>

/*
 * Options come as the scenario's axis value: "default" (no options line)
 * or words joined by '+', e.g. "no-reload+single-request" ->
 * "options no-reload single-request".  Returns the text length, or -1
 * when the options are not valid resolv.conf option words or the text
 * does not fit in size bytes.
 */
int resolvconf_render(char *buf, size_t size, const char *label,
                      const char *server, const char *options);

#define RESOLVCONF_OPTIONS_MAX 255 /* characters of an options value */

/* 0 when every '+'-joined word is a plausible option ("ndots:2") and the
 * whole value is at most RESOLVCONF_OPTIONS_MAX characters: what passes
 * this check always renders. */
int resolvconf_options_valid(const char *options);

#endif

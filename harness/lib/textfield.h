/*
 * textfield.h - the fields of one line of a /proc table (maps, net/udp),
 * separated by spaces.
 */
#ifndef WHICHNS_TEXTFIELD_H
#define WHICHNS_TEXTFIELD_H

/* Skip the field at *p (no spaces, up to a space, a newline or the end)
 * and the spaces after it: 0, or -1 when there is no field. */
int textfield_skip(const char **p);

#endif

/*
 * textfield.h - the fields of one line separated by spaces: a /proc table
 * (maps, net/udp), or a record's value (result.txt's pathN and serverN).
 */
#ifndef WHICHNS_TEXTFIELD_H
#define WHICHNS_TEXTFIELD_H

/* Skip the field at *p (no spaces, up to a space, a newline or the end)
 * and the spaces after it: 0, or -1 when there is no field. */
int textfield_skip(const char **p);

/* The field at *s (up to a space or the end) into buf (size bytes), and
 * *s past it and one space: 0, or -1 when there is none, it does not fit,
 * or it holds a control character (a tab would come back from result.txt
 * as a space: another field). */
int textfield_word(const char **s, char *buf, size_t size);

#endif

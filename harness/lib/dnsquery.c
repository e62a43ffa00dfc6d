/* dnsquery.c - encode a one-question query with RD set. */
#include <string.h>
#include "dnsquery.h"

int dns_build_query(uint8_t *buf, size_t size, uint16_t id, const char *name,
                    uint16_t qtype)
{
	size_t off = 12;
	if (size < 12 + 1 + 4)
		return -1;
	memset(buf, 0, 12);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = 0x01;            /* RD */
	buf[5] = 1;               /* QDCOUNT */
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		/* At most 255 bytes on the wire with the root's zero byte
		 * (RFC 1035 2.3.4), as dns_parse() reads it. */
		if (l == 0 || l > 63 || off + 1 + l + 1 > 12 + 255 ||
		    size - off < 1 + l + 1 + 4)
			return -1;
		buf[off++] = (uint8_t)l;
		memcpy(buf + off, name, l);
		off += l;
		name += l + (dot != NULL);
	}
	buf[off++] = 0;
	buf[off++] = (uint8_t)(qtype >> 8);
	buf[off++] = (uint8_t)qtype;
	buf[off++] = 0;
	buf[off++] = 1;           /* IN */
	return (int)off;
}

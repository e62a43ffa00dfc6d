/*
 * rtnl.c - rtnetlink requests, one at a time, each acknowledged; see
 * rtnl.h.  The messages are those `ip` sends for the same commands
 * (iproute2's ipaddress.c, iproute.c, ipneigh.c, iplink.c): "addr add L
 * peer P" is IFA_LOCAL L and IFA_ADDRESS P; "route add D dev X" a
 * unicast route of link scope; "via G onlink" a gateway with
 * RTNH_F_ONLINK; "link add ... type veth peer ..." an IFLA_LINKINFO
 * nest whose VETH_INFO_PEER holds the peer's ifinfomsg and attributes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include "rtnl.h"

#define MSG_MAX 1024

/* A request under construction: the header, the family's own header,
 * then attributes, in one aligned buffer. */
struct msg {
	union {
		struct nlmsghdr nh;
		char            buf[MSG_MAX];
	} u;
	bool overflow;
};

static void msg_init(struct msg *m, uint16_t type, uint16_t flags,
                     const void *hdr, size_t hlen)
{
	memset(m, 0, sizeof *m);
	m->u.nh.nlmsg_type = type;
	m->u.nh.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	m->u.nh.nlmsg_len = (uint32_t)NLMSG_LENGTH(hlen);
	memcpy(NLMSG_DATA(&m->u.nh), hdr, hlen);
}

static struct rtattr *attr(struct msg *m, uint16_t type, const void *data,
                           size_t len)
{
	size_t at = NLMSG_ALIGN(m->u.nh.nlmsg_len);
	if (sizeof m->u.buf - at < RTA_SPACE(len)) {
		m->overflow = true;
		return NULL;
	}
	struct rtattr *a = (struct rtattr *)(m->u.buf + at);
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	m->u.nh.nlmsg_len = (uint32_t)(at + RTA_ALIGN(a->rta_len));
	return a;
}

/* A nest: its length is fixed by nest_end once its content is in. */
static struct rtattr *nest(struct msg *m, uint16_t type)
{
	return attr(m, type, NULL, 0);
}

static void nest_end(struct msg *m, struct rtattr *a)
{
	if (a)
		a->rta_len = (unsigned short)(m->u.buf + m->u.nh.nlmsg_len -
		                              (char *)a);
}

/* Raw bytes in the middle of the message (the peer's ifinfomsg). */
static void raw(struct msg *m, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(m->u.nh.nlmsg_len);
	if (sizeof m->u.buf - at < NLMSG_ALIGN(len)) {
		m->overflow = true;
		return;
	}
	memcpy(m->u.buf + at, data, len);
	m->u.nh.nlmsg_len = (uint32_t)(at + NLMSG_ALIGN(len));
}

/* The longest wait for an acknowledgement. */
#define RTNL_WAIT_S 5

/* Send m and wait for its acknowledgement: 0, or -1 with errno
 * (ETIMEDOUT: none came in RTNL_WAIT_S). */
static int request(struct rtnl *nl, struct msg *m)
{
	if (m->overflow) {
		errno = EMSGSIZE;
		return -1;
	}
	m->u.nh.nlmsg_seq = ++nl->seq;
	if (send(nl->fd, m->u.buf, m->u.nh.nlmsg_len, 0) < 0)
		return -1;
	for (;;) {
		/* An error carries the request back: room for it. */
		union { struct nlmsghdr nh; char b[MSG_MAX + 256]; } in;
		ssize_t r = recv(nl->fd, in.b, sizeof in.b, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			errno = ETIMEDOUT;   /* no answer in RTNL_WAIT_S */
		if (r < 0)
			return -1;
		size_t len = (size_t)r;
		for (const struct nlmsghdr *h = &in.nh; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != nl->seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
				errno = EPROTO;
				return -1;
			}
			const struct nlmsgerr *e = NLMSG_DATA(h);
			if (e->error == 0)
				return 0;
			errno = -e->error;
			return -1;
		}
	}
}

int rtnl_open(struct rtnl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	nl->seq = 0;
	nl->what[0] = '\0';
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return -1;
	/* The kernel answers every request at once; a bound on the wait
	 * turns a kernel that does not into an error, not a hung case. */
	struct timeval wait = { .tv_sec = RTNL_WAIT_S };
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) != 0 ||
	    bind(nl->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int e = errno;
		rtnl_close(nl);
		errno = e;
		return -1;
	}
	return 0;
}

void rtnl_close(struct rtnl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

/* "02:77:6e:0a:00:02" into 6 bytes; -1 (EINVAL) when it is not one. */
static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned v[6];
	char end;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
	           &v[4], &v[5], &end) != 6) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)v[i];
	return 0;
}

/* An address in text into bytes: its family (AF_INET, AF_INET6) and
 * length, or -1 (EINVAL). */
static int parse_addr(const char *s, unsigned char out[16], int *family,
                      size_t *len)
{
	*family = strchr(s, ':') ? AF_INET6 : AF_INET;
	*len = *family == AF_INET6 ? 16 : 4;
	if (inet_pton(*family, s, out) != 1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int link_index(const char *name)
{
	int i = (int)if_nametoindex(name);
	if (i <= 0 && errno == 0)
		errno = ENODEV;
	return i;
}

int rtnl_veth(struct rtnl *nl, const char *name, const char *mac,
              const char *peer, const char *peer_mac, int ns_pid, int ns_fd)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	unsigned char a[6], pa[6];
	struct msg m;
	snprintf(nl->what, sizeof nl->what, "add veth %s (%s) with peer %s (%s)",
	         name, mac, peer, peer_mac);
	if (parse_mac(mac, a) != 0 || parse_mac(peer_mac, pa) != 0)
		return -1;
	msg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
	attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
	attr(&m, IFLA_ADDRESS, a, 6);
	struct rtattr *info = nest(&m, IFLA_LINKINFO);
	attr(&m, IFLA_INFO_KIND, "veth", 4);
	struct rtattr *data = nest(&m, IFLA_INFO_DATA);
	struct rtattr *p = nest(&m, VETH_INFO_PEER);
	raw(&m, &ifi, sizeof ifi);
	attr(&m, IFLA_IFNAME, peer, strlen(peer) + 1);
	attr(&m, IFLA_ADDRESS, pa, 6);
	uint32_t ns = (uint32_t)(ns_pid ? ns_pid : ns_fd);
	attr(&m, ns_pid ? IFLA_NET_NS_PID : IFLA_NET_NS_FD, &ns, sizeof ns);
	nest_end(&m, p);
	nest_end(&m, data);
	nest_end(&m, info);
	return request(nl, &m);
}

int rtnl_link_up(struct rtnl *nl, const char *name)
{
	snprintf(nl->what, sizeof nl->what, "set link %s up", name);
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP,
	                         .ifi_change = IFF_UP };
	if ((ifi.ifi_index = link_index(name)) <= 0)
		return -1;
	struct msg m;
	msg_init(&m, RTM_NEWLINK, 0, &ifi, sizeof ifi);
	return request(nl, &m);
}

int rtnl_addr(struct rtnl *nl, const char *name, const char *local,
              const char *peer)
{
	unsigned char l[16], p[16];
	int fam, pfam;
	size_t len, plen;
	snprintf(nl->what, sizeof nl->what, "add address %s%s%s on %s", local,
	         peer ? " peer " : "", peer ? peer : "", name);
	if (parse_addr(local, l, &fam, &len) != 0 ||
	    (peer && parse_addr(peer, p, &pfam, &plen) != 0))
		return -1;
	if (peer && pfam != fam) {
		errno = EINVAL;
		return -1;
	}
	struct ifaddrmsg ifa = {
		.ifa_family = (unsigned char)fam,
		.ifa_prefixlen = (unsigned char)(len * 8),
		.ifa_flags = fam == AF_INET6 ? IFA_F_NODAD : 0,
		.ifa_scope = RT_SCOPE_UNIVERSE,
	};
	int index = link_index(name);
	if (index <= 0)
		return -1;
	ifa.ifa_index = (unsigned)index;
	struct msg m;
	msg_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
	attr(&m, IFA_LOCAL, l, len);
	attr(&m, IFA_ADDRESS, peer ? p : l, len);
	return request(nl, &m);
}

int rtnl_neigh(struct rtnl *nl, const char *name, const char *addr,
               const char *mac)
{
	unsigned char a[16], hw[6];
	int fam;
	size_t len;
	snprintf(nl->what, sizeof nl->what, "add neighbour %s at %s on %s",
	         addr, mac, name);
	if (parse_addr(addr, a, &fam, &len) != 0 || parse_mac(mac, hw) != 0)
		return -1;
	struct ndmsg nd = { .ndm_family = (unsigned char)fam,
	                    .ndm_state = NUD_PERMANENT };
	if ((nd.ndm_ifindex = link_index(name)) <= 0)
		return -1;
	struct msg m;
	msg_init(&m, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, &nd, sizeof nd);
	attr(&m, NDA_DST, a, len);
	attr(&m, NDA_LLADDR, hw, 6);
	return request(nl, &m);
}

static void route_words(struct rtnl *nl, const struct rtnl_route *r)
{
	snprintf(nl->what, sizeof nl->what, "add route %s%s%s%s%s%s%s%s",
	         r->blackhole ? "blackhole " : "",
	         r->dst ? r->dst : r->v6 ? "default (IPv6)" : "default",
	         r->dev ? " dev " : "", r->dev ? r->dev : "",
	         r->via ? " via " : "", r->via ? r->via : "",
	         r->src ? " src " : "", r->src ? r->src : "");
}

int rtnl_route_add(struct rtnl *nl, const struct rtnl_route *r)
{
	unsigned char dst[16], via[16], src[16];
	int fam = r->v6 ? AF_INET6 : AF_INET, f2;
	size_t len = r->v6 ? 16 : 4, l2;
	route_words(nl, r);
	if ((r->dst && parse_addr(r->dst, dst, &fam, &len) != 0) ||
	    (r->via && parse_addr(r->via, via, &f2, &l2) != 0))
		return -1;
	if (r->via && f2 != fam) {   /* its bytes must be the route's family's */
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (r->src && parse_addr(r->src, src, &f2, &l2) != 0)
		return -1;
	if (r->src && f2 != fam) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	struct rtmsg rt = {
		.rtm_family = (unsigned char)fam,
		.rtm_dst_len = (unsigned char)(r->dst ? len * 8 : 0),
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_BOOT,
		.rtm_type = r->blackhole ? RTN_BLACKHOLE : RTN_UNICAST,
		/* ip's rule: a unicast route without a gateway is the link's */
		.rtm_scope = !r->blackhole && !r->via ? RT_SCOPE_LINK
		                                      : RT_SCOPE_UNIVERSE,
		.rtm_flags = r->via ? RTNH_F_ONLINK : 0,
	};
	struct msg m;
	msg_init(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof rt);
	if (r->dst)
		attr(&m, RTA_DST, dst, len);
	if (r->via)
		attr(&m, RTA_GATEWAY, via, len);
	if (r->src)
		attr(&m, RTA_PREFSRC, src, len);
	if (r->metric) {
		uint32_t prio = r->metric;
		attr(&m, RTA_PRIORITY, &prio, sizeof prio);
	}
	if (r->dev) {
		int oif = link_index(r->dev);
		if (oif <= 0)
			return -1;
		attr(&m, RTA_OIF, &oif, sizeof oif);
	}
	return request(nl, &m);
}

int rtnl_route_del(struct rtnl *nl, const struct pkt_addr *a, int ifindex)
{
	size_t alen = a->family == 6 ? 16 : 4;
	char text[INET6_ADDRSTRLEN];
	inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->a, text, sizeof text);
	snprintf(nl->what, sizeof nl->what, "remove the route to %s through "
	         "link %d", text, ifindex);
	struct rtmsg rt = {
		.rtm_family = a->family == 6 ? AF_INET6 : AF_INET,
		.rtm_dst_len = (unsigned char)(alen * 8),
		.rtm_table = RT_TABLE_MAIN,
		.rtm_scope = RT_SCOPE_NOWHERE,
	};
	struct msg m;
	msg_init(&m, RTM_DELROUTE, 0, &rt, sizeof rt);
	attr(&m, RTA_DST, a->a, alen);
	attr(&m, RTA_OIF, &ifindex, sizeof ifindex);
	return request(nl, &m);
}

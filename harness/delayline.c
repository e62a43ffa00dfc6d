/*
 * delayline.c - answers DUR late; see delayline.h.
 *
 * UDP: each query gets a slot; its ID is replaced by the slot's number
 * and the slot's generation on the way to dnsmasq and put back on the
 * answer, so two clients that picked the same ID (the process and nscd)
 * never get each other's answer, and a late answer to a slot's earlier
 * query (the slot freed and taken again) does not fill it: only an
 * answer under the slot's current ID does (the generation is 6 bits: an
 * answer 64 of the slot's queries late, slots being taken in turn, would
 * pass).  Nothing else of an answer changes.  An answer waits in its
 * slot until its due time (the query's arrival plus the delay); a slot
 * with no answer is freed after SLOT_TTL_S past its due time.
 * TCP: a child per connection, which relays each query of it over a TCP
 * connection of its own to dnsmasq and writes each answer back when it
 * is due.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "delayline.h"

#define SLOTS      1024   /* a power of two: the ID's low bits */
#define GEN_SHIFT  10      /* the ID's high 6 bits: the slot's generation */
#define SLOT_TTL_S 30.0
#define MSG_MAX    4096
#define LISTEN_MAX 2
#define TCP_IDLE_MS 10000   /* a TCP client's silence that ends its child */

struct slot {
	bool     used, answered;
	int      fd;                    /* the listening socket it came on */
	struct sockaddr_storage from;
	socklen_t fromlen;
	uint8_t  id[2];                 /* the client's own ID */
	unsigned gen;                   /* counts the slot's queries */
	double   due;
	size_t   len;
	uint8_t  msg[MSG_MAX];
};

static struct slot slots[SLOTS];
static volatile sig_atomic_t armed;

static void on_arm(int sig) { (void)sig; armed = 1; }

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int listen_on(const char *addr, int type)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int one = 1;
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(53);
		len = sizeof *a4;
	} else if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(53);
		len = sizeof *a6;
	} else {
		return -1;
	}
	int fd = socket(ss.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* dnsmasq of this namespace, at 127.0.0.1:53. */
static int upstream_socket(int type)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53) };
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC |
	                (type == SOCK_DGRAM ? SOCK_NONBLOCK : 0), 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void drop_privileges(const char *user, const char *group)
{
	struct passwd *pw = user ? getpwnam(user) : NULL;
	struct group *gr = group ? getgrnam(group) : NULL;
	if (!pw || !gr)
		return;
	if (setgroups(0, NULL) != 0 || setgid(gr->gr_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "delayline: cannot drop to %s: %s\n", user,
		        strerror(errno));
		_exit(3);
	}
}

_Static_assert(SLOTS == 1u << GEN_SHIFT && GEN_SHIFT < 16,
               "a slot's number fits the relayed ID's low bits");

/* The ID a slot's query goes to dnsmasq with: its number, and in the
 * bits above it its generation (modulo 2^(16 - GEN_SHIFT)). */
static unsigned relay_id(unsigned slot, unsigned gen)
{
	return ((gen << GEN_SHIFT) | slot) & 0xffff;
}

/* A query from a client: into a free slot, on to dnsmasq. */
static void take_query(int fd, int up, unsigned delay_ms)
{
	static unsigned next;
	struct slot tmp;
	tmp.fromlen = sizeof tmp.from;
	ssize_t n = recvfrom(fd, tmp.msg, sizeof tmp.msg, 0,
	                     (struct sockaddr *)&tmp.from, &tmp.fromlen);
	if (n < 12)
		return;   /* no DNS header: nothing to relay */
	double t = now_mono();
	for (unsigned k = 0; k < SLOTS; k++) {
		unsigned i = (next + k) % SLOTS;
		struct slot *s = &slots[i];
		if (s->used && t < s->due + SLOT_TTL_S)
			continue;
		unsigned gen = s->gen + 1;
		*s = tmp;
		s->gen = gen;
		s->used = true;
		s->answered = false;
		s->fd = fd;
		s->len = (size_t)n;
		s->due = t + (armed ? delay_ms / 1000.0 : 0);
		memcpy(s->id, s->msg, 2);
		unsigned relayed = relay_id(i, gen);
		s->msg[0] = (uint8_t)(relayed >> 8);
		s->msg[1] = (uint8_t)(relayed & 0xff);
		send(up, s->msg, s->len, 0);
		next = i + 1;
		return;
	}
	/* every slot busy: dropped, as a full queue drops */
}

static void take_answer(int up)
{
	uint8_t msg[MSG_MAX];
	ssize_t n = recv(up, msg, sizeof msg, 0);
	if (n < 12)
		return;
	unsigned relayed = (unsigned)msg[0] << 8 | msg[1];
	unsigned i = relayed & (SLOTS - 1);
	struct slot *s = &slots[i];
	if (!s->used || s->answered || relay_id(i, s->gen) != relayed)
		return;   /* no query waits for it: a late or stray answer */
	memcpy(s->msg, msg, (size_t)n);
	memcpy(s->msg, s->id, 2);
	s->len = (size_t)n;
	s->answered = true;
}

/* Send what is due; the wait until the next due answer, in ms (-1:
 * none). */
static int send_due(void)
{
	double t = now_mono(), next = -1;
	for (unsigned i = 0; i < SLOTS; i++) {
		struct slot *s = &slots[i];
		if (!s->used || !s->answered)
			continue;
		if (s->due <= t) {
			sendto(s->fd, s->msg, s->len, 0, (struct sockaddr *)&s->from,
			       s->fromlen);
			s->used = false;
		} else if (next < 0 || s->due < next) {
			next = s->due;
		}
	}
	return next < 0 ? -1 : (int)((next - t) * 1000) + 1;
}

/* Exactly n bytes of fd, waiting at most TCP_IDLE_MS for each part: 0,
 * or -1 at its end, an error or the wait's end. */
static int read_full(int fd, uint8_t *buf, size_t n)
{
	for (size_t got = 0; got < n; ) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ready = poll(&p, 1, TCP_IDLE_MS);
		if (ready < 0 && errno == EINTR)
			continue;
		ssize_t r = ready > 0 ? read(fd, buf + got, n - got) : -1;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int write_full(int fd, const uint8_t *buf, size_t n)
{
	for (size_t done = 0; done < n; ) {
		ssize_t w = write(fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* One TCP client, in a child of its own: each query (two bytes of
 * length, then the message) on to dnsmasq over a connection of the
 * child's own, each answer back when it is due.  Never returns. */
static void tcp_client(int fd, unsigned delay_ms)
{
	static uint8_t msg[2 + 65535];
	int up = upstream_socket(SOCK_STREAM);
	for (;;) {
		if (up < 0 || read_full(fd, msg, 2) != 0)
			_exit(0);
		size_t len = (size_t)msg[0] << 8 | msg[1];
		if (len < 12 || read_full(fd, msg + 2, len) != 0)
			_exit(0);
		double due = now_mono() + (armed ? delay_ms / 1000.0 : 0);
		if (write_full(up, msg, len + 2) != 0 || read_full(up, msg, 2) != 0)
			_exit(0);
		len = (size_t)msg[0] << 8 | msg[1];
		if (read_full(up, msg + 2, len) != 0)
			_exit(0);
		double wait = due - now_mono();
		if (wait > 0) {
			struct timespec ts = { (time_t)wait,
			                       (long)((wait - (double)(time_t)wait) * 1e9) };
			while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
				;
		}
		if (write_full(fd, msg, len + 2) != 0)
			_exit(0);
	}
}

/* A TCP connection to the server: a child of its own, reaped by the
 * kernel (SA_NOCLDWAIT). */
static void take_connection(int lfd, unsigned delay_ms)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	pid_t pid = fork();
	if (pid == 0)
		tcp_client(fd, delay_ms);
	close(fd);
}

void delayline_run(const char *const *addrs, size_t naddrs,
                   unsigned delay_ms, const char *user, const char *group)
{
	/* UDP listeners, then TCP ones, then the socket to dnsmasq */
	struct pollfd pfd[2 * LISTEN_MAX + 1];
	size_t n = 0, nudp;
	struct sigaction sa = { .sa_handler = on_arm };
	struct sigaction sc = { .sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT };
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGCHLD, &sc, NULL);
	if (naddrs > LISTEN_MAX)
		naddrs = LISTEN_MAX;
	for (size_t i = 0; i < 2 * naddrs; i++) {
		int type = i < naddrs ? SOCK_DGRAM : SOCK_STREAM;
		pfd[n].fd = listen_on(addrs[i % naddrs], type);
		if (pfd[n].fd < 0) {
			fprintf(stderr, "delayline: cannot listen on %s port 53 (%s): "
			        "%s\n", addrs[i % naddrs], type == SOCK_DGRAM ? "UDP" :
			        "TCP", strerror(errno));
			_exit(3);
		}
		pfd[n++].events = POLLIN;
	}
	nudp = naddrs;
	pfd[n].fd = upstream_socket(SOCK_DGRAM);
	pfd[n].events = POLLIN;
	if (pfd[n].fd < 0) {
		fprintf(stderr, "delayline: no socket to dnsmasq: %s\n", strerror(errno));
		_exit(3);
	}
	drop_privileges(user, group);
	for (;;) {
		int wait = send_due();
		if (poll(pfd, n + 1, wait) < 0 && errno != EINTR)
			_exit(3);
		for (size_t i = 0; i < n; i++)
			if ((pfd[i].revents & POLLIN) && i < nudp)
				take_query(pfd[i].fd, pfd[n].fd, delay_ms);
			else if (pfd[i].revents & POLLIN)
				take_connection(pfd[i].fd, delay_ms);
		if (pfd[n].revents & POLLIN)
			take_answer(pfd[n].fd);
	}
}

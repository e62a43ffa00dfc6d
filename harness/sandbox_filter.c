/*
 * sandbox_filter.c - the sandbox's seccomp filter; see sandbox_filter.h.
 *
 * What it stops, each for 64-bit, x32 and 32-bit callers alike:
 * - the kernel keyrings (uid 0's keyring belongs to the host and outlives
 *   any case): keyctl, add_key and request_key fail with EPERM;
 * - module loads the kernel makes on the process's behalf when it asks
 *   for a socket whose family or protocol is not loaded yet ("net-pf-N",
 *   "net-pf-2-proto-132" for SCTP, DCCP, AF_ALG...): socket() and
 *   socketpair() pass only for the families, types and protocols below,
 *   the ones the kernel serves without asking modprobe; the others fail
 *   with the errno a kernel without them gives (EAFNOSUPPORT,
 *   ESOCKTNOSUPPORT, EPROTONOSUPPORT);
 * - the same for tty line disciplines ("tty-ldisc-N", on a pty of the
 *   case's devpts): ioctl(TIOCSETD) fails with EPERM;
 * - user namespaces, in which the process would hold every capability
 *   and could mount file system types (the kernel asks for "fs-TYPE"
 *   before it checks that the type may be mounted there): unshare() and
 *   clone() with CLONE_NEWUSER fail with EPERM, and clone3(), whose flags
 *   are in memory that seccomp cannot read, fails with ENOSYS, so that
 *   the C library falls back to clone() (glibc's pthread_create and
 *   posix_spawn do; container runtimes' filters do the same);
 * - io_uring, whose requests make the calls above without going through
 *   this filter (IORING_OP_SOCKET creates any socket, an audit netlink
 *   one included): io_uring_setup, io_uring_enter and io_uring_register
 *   fail with ENOSYS, as on a kernel built without io_uring (Docker's
 *   default profile does the same).
 * Socket, clone and ioctl arguments are plain integers, compared in the
 * low 32 bits the kernel uses (it takes family, type, protocol and the
 * ioctl command as int; CLONE_NEWUSER is a low bit).  A 32-bit program's
 * socketcall(2) passes its arguments in memory, out of a filter's reach,
 * and is let through: 32-bit glibc and musl create every socket with it.
 *
 * The program is a table of instructions with symbolic jumps (labels),
 * resolved once it is complete, so that no offset is counted by hand.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <asm/ioctls.h>
#include "sandbox_filter.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_io_uring_setup   /* the same numbers on every architecture */
#define SYS_io_uring_setup 425
#define SYS_io_uring_enter 426
#define SYS_io_uring_register 427
#endif

/* Where a jump goes: on (J0: the next instruction), or a label. */
enum label {
	J0, ALLOW, R_EPERM, R_ENOSYS, R_EPROTONOSUPPORT, NR64, NR32, SOCK,
	NETLINK, INET4, INET6, RAW, TCP, UDP4, UDP6, NEWUSER, IOCTL, NLABELS
};

#define PROG_MAX 128

struct prog {
	struct sock_filter f[PROG_MAX];
	unsigned char jt[PROG_MAX], jf[PROG_MAX];   /* labels, resolved last */
	int at[NLABELS];                            /* -1: not placed */
	unsigned n;
	bool full;
};

static void emit(struct prog *p, uint16_t code, uint32_t k, enum label jt,
                 enum label jf)
{
	if (p->n == PROG_MAX) {
		p->full = true;
		return;
	}
	p->f[p->n] = (struct sock_filter)BPF_JUMP(code, k, 0, 0);
	p->jt[p->n] = (unsigned char)jt;
	p->jf[p->n] = (unsigned char)jf;
	p->n++;
}

static void place(struct prog *p, enum label l) { p->at[l] = (int)p->n; }

/* A = the system call's argument i, its low 32 bits (little-endian). */
static void load_arg(struct prog *p, unsigned i)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS,
	     (uint32_t)offsetof(struct seccomp_data, args[0]) + 8 * i, J0, J0);
}

static void load(struct prog *p, uint32_t offset)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS, offset, J0, J0);
}

/* if (A == k) goto to; */
static void if_eq(struct prog *p, uint32_t k, enum label to)
{
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, k, to, J0);
}

static void ret(struct prog *p, uint32_t action)
{
	emit(p, BPF_RET | BPF_K, action, J0, J0);
}

static void ret_errno(struct prog *p, int e)
{
	ret(p, SECCOMP_RET_ERRNO | ((uint32_t)e & SECCOMP_RET_DATA));
}

/* Turn labels into offsets; -1 for a label never placed, one behind the
 * jump, or too far for BPF's 8-bit offsets. */
static int resolve(struct prog *p)
{
	for (unsigned i = 0; i < p->n; i++) {
		unsigned char *jt = &p->f[i].jt, *jf = &p->f[i].jf;
		enum label l[2] = { p->jt[i], p->jf[i] };
		unsigned char *off[2] = { jt, jf };
		for (int k = 0; k < 2; k++) {
			if (l[k] == J0)
				continue;
			int d = p->at[l[k]] - (int)i - 1;
			if (p->at[l[k]] < 0 || d < 0 || d > 255)
				return -1;
			*off[k] = (unsigned char)d;
		}
	}
	return p->full ? -1 : 0;
}

/* One ABI's system call numbers. */
struct abi {
	uint32_t keyctl, add_key, request_key, socket, socketpair, clone,
	         unshare, clone3, ioctl, uring_setup, uring_enter, uring_register;
};

static const struct abi abi_native = {
	SYS_keyctl, SYS_add_key, SYS_request_key, SYS_socket, SYS_socketpair,
	SYS_clone, SYS_unshare, SYS_clone3, SYS_ioctl, SYS_io_uring_setup,
	SYS_io_uring_enter, SYS_io_uring_register,
};

#if defined(__x86_64__)
/* i386's numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
static const struct abi abi_i386 = {
	288, 286, 287, 359, 360, 120, 310, 435, 54, 425, 426, 427,
};
#endif

/* A holds the call's number. */
static void dispatch(struct prog *p, const struct abi *a)
{
	if_eq(p, a->keyctl, R_EPERM);
	if_eq(p, a->add_key, R_EPERM);
	if_eq(p, a->request_key, R_EPERM);
	if_eq(p, a->socket, SOCK);
	if_eq(p, a->socketpair, SOCK);
	if_eq(p, a->clone, NEWUSER);     /* flags: the first argument */
	if_eq(p, a->unshare, NEWUSER);
	if_eq(p, a->clone3, R_ENOSYS);
	if_eq(p, a->uring_setup, R_ENOSYS);
	if_eq(p, a->uring_enter, R_ENOSYS);
	if_eq(p, a->uring_register, R_ENOSYS);
	if_eq(p, a->ioctl, IOCTL);
	ret(p, SECCOMP_RET_ALLOW);
}

/* socket(family, type, protocol) and socketpair(), same arguments. */
static void socket_rules(struct prog *p)
{
	place(p, SOCK);
	load_arg(p, 0);
	if_eq(p, AF_UNIX, ALLOW);
	if_eq(p, AF_PACKET, ALLOW);      /* its protocol is an EtherType */
	if_eq(p, AF_NETLINK, NETLINK);
	if_eq(p, AF_INET, INET4);
	if_eq(p, AF_INET6, INET6);
	ret_errno(p, EAFNOSUPPORT);

	/* Routing (getaddrinfo, getifaddrs) and uevents; the others
	 * (generic netlink, netfilter, sock_diag, audit...) load modules or
	 * reach the audit log. */
	place(p, NETLINK);
	load_arg(p, 2);
	if_eq(p, NETLINK_ROUTE, ALLOW);
	if_eq(p, NETLINK_KOBJECT_UEVENT, ALLOW);
	ret_errno(p, EPROTONOSUPPORT);

	/* The type without SOCK_NONBLOCK and SOCK_CLOEXEC (any other flag
	 * is EINVAL before the family is looked at). */
	enum label inet[2] = { INET4, INET6 }, dgram[2] = { UDP4, UDP6 };
	for (int i = 0; i < 2; i++) {
		place(p, inet[i]);
		load_arg(p, 1);
		emit(p, BPF_ALU | BPF_AND | BPF_K, 0xf, J0, J0);
		if_eq(p, SOCK_STREAM, TCP);
		if_eq(p, SOCK_DGRAM, dgram[i]);
		if_eq(p, SOCK_RAW, RAW);
		ret_errno(p, ESOCKTNOSUPPORT);
	}
	/* Raw sockets take any protocol but 0 without asking for a module. */
	place(p, RAW);
	load_arg(p, 2);
	if_eq(p, 0, R_EPROTONOSUPPORT);
	ret(p, SECCOMP_RET_ALLOW);
	place(p, TCP);
	load_arg(p, 2);
	if_eq(p, 0, ALLOW);
	if_eq(p, IPPROTO_TCP, ALLOW);
	ret_errno(p, EPROTONOSUPPORT);
	/* UDP, and ICMP's datagram ("ping") sockets. */
	static const uint32_t icmp[2] = { IPPROTO_ICMP, IPPROTO_ICMPV6 };
	for (int i = 0; i < 2; i++) {
		place(p, dgram[i]);
		load_arg(p, 2);
		if_eq(p, 0, ALLOW);
		if_eq(p, IPPROTO_UDP, ALLOW);
		if_eq(p, icmp[i], ALLOW);
		ret_errno(p, EPROTONOSUPPORT);
	}
}

static void build(struct prog *p)
{
	memset(p, 0, sizeof *p);
	for (int i = 0; i < NLABELS; i++)
		p->at[i] = -1;
	load(p, offsetof(struct seccomp_data, arch));
#if defined(__x86_64__)
	if_eq(p, AUDIT_ARCH_X86_64, NR64);
	if_eq(p, AUDIT_ARCH_I386, NR32);
	ret_errno(p, ENOSYS);   /* no other ABI on this kernel */
	place(p, NR32);
	load(p, offsetof(struct seccomp_data, nr));
	dispatch(p, &abi_i386);
	place(p, NR64);
	load(p, offsetof(struct seccomp_data, nr));
	emit(p, BPF_ALU | BPF_AND | BPF_K, ~0x40000000u, J0, J0);   /* x32 */
#else
	place(p, NR64);
	place(p, NR32);
	load(p, offsetof(struct seccomp_data, nr));
#endif
	dispatch(p, &abi_native);
	socket_rules(p);
	place(p, NEWUSER);
	load_arg(p, 0);
	emit(p, BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, R_EPERM, ALLOW);
	place(p, IOCTL);
	load_arg(p, 1);
	if_eq(p, TIOCSETD, R_EPERM);
	place(p, ALLOW);
	ret(p, SECCOMP_RET_ALLOW);
	place(p, R_EPERM);
	ret_errno(p, EPERM);
	place(p, R_ENOSYS);
	ret_errno(p, ENOSYS);
	place(p, R_EPROTONOSUPPORT);
	ret_errno(p, EPROTONOSUPPORT);
}

int sandbox_filter_install(char *err, size_t errsize)
{
	static struct prog p;
	build(&p);
	if (resolve(&p) != 0) {
		snprintf(err, errsize, "the seccomp filter does not assemble "
		         "(%u instructions)", p.n);
		return -1;
	}
	struct sock_fprog prog = { .len = (unsigned short)p.n, .filter = p.f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
		snprintf(err, errsize, "cannot install the seccomp filter: %s",
		         strerror(errno));
		return -1;
	}
	return 0;
}

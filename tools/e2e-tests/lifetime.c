// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifetime of a no-IOMMU cdev against its driver and its users:
 *
 *  - unbinding the device from vfio-pci while its cdev is open and bound,
 *    attached and mapping a buffer blocks until the file is closed; the
 *    holder's ioctls keep working meanwhile; the device comes back with
 *    its cdev when probed again;
 *  - closing the iommufd before the device file, and the reverse;
 *  - SIGKILL of a process in the middle of bind/attach/map/unmap;
 *  - unbind/rebind cycles while a holder process keeps the iommufd, its IOAS
 *    and a mapping, and keeps calling ioctls through every cycle: it sees
 *    errors while the device is away, the right physical addresses again
 *    once it re-attached, and never a crash.
 *
 * After every scenario the outstanding FOLL_PIN pins (/proc/vmstat
 * nr_foll_pin_acquired - nr_foll_pin_released, machine wide) and this
 * process's VmPin (mm->pinned_vm, which iommufd raises in every accounting
 * mode) are back at their start values.  One scenario drops CAP_IPC_LOCK so
 * iommufd accounts locked memory at all: in the default user mode
 * (user->locked_vm, seen through RLIMIT_MEMLOCK refusing a map beyond the
 * limit, and accepting it again after the unmap) and in the per-process mode
 * IOMMU_OPTION_RLIMIT_MODE=1 (mm->locked_vm, seen as VmLck).
 *
 * usage: lifetime PCI-BDF   (bound to vfio-pci, driver_override vfio-pci)
 * The scenarios are bounded by count (40 kills, 20 PCI remove and 100 unbind
 * cycles); E2E_LIFETIME_SECONDS (default 120) is only each one's safety
 * limit, and a scenario that hits it fails.
 */
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>

#include "noiommu_lib.h"

#define BUF_LEN (1UL << 20)

static const char *bdf;
static long long pins0, vmpin0;

static void check_counters(const char *scenario)
{
	long long pins = settle_pins(pins0), vmpin = self_kb("VmPin");

	check(pins == pins0 && vmpin == vmpin0,
	      "%s: pins back to %lld (now %lld), VmPin back to %lld kB (now %lld)",
	      scenario, pins0, pins, vmpin0, vmpin);
}

static void check_bound(const char *scenario)
{
	check(restore_binding(bdf), "%s: device bound to vfio-pci, cdev present",
	      scenario);
}

/* Wait up to @ms for @pid; its wait status, or -1 if it is still running */
static int wait_ms(pid_t pid, unsigned int ms)
{
	double end = now_s() + ms / 1000.0;
	int status;

	do {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		sleep_ms(10);
	} while (now_s() < end);
	return -1;
}

/*
 * How the device goes away and comes back: the driver unbound and probed
 * again, or the PCI device removed (hot unplug) and found by a rescan
 */
struct away {
	const char *name;
	int (*leave)(const char *bdf);
	int (*come_back)(const char *bdf);
};
static const struct away unbind = { "unbind", unbind_vfio, rebind_vfio };
static const struct away unplug = { "PCI remove", remove_pci, rescan_vfio };

/* Unbound (or gone), not just without the sysfs link */
static int device_away(const struct away *how)
{
	char drv[64];

	if (how == &unplug)
		return !pci_present(bdf);
	bound_driver(bdf, drv, sizeof(drv));
	return !drv[0];
}

/* A child that makes the device go away and exits 0, or 10 + errno */
static pid_t spawn_leave(const struct away *how)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd, rc;

		/* Not holding the files the unbind waits for */
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		rc = how->leave(bdf);

		_exit(rc ? 10 + (-rc & 0x7f) : 0);
	}
	return pid;
}

static int child_state(pid_t pid)
{
	char path[64], buf[256], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : '?';
}

/* The PCI vendor ID read through the device's config region, or -errno */
static int config_vendor(int dev)
{
	struct vfio_region_info reg = {
		.argsz = sizeof(reg), .index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	uint16_t vendor;
	int rc = io(dev, VFIO_DEVICE_GET_REGION_INFO, &reg);

	if (rc)
		return rc;
	if (pread(dev, &vendor, 2, reg.offset) != 2)
		return -errno;
	return vendor;
}

/* A session that maps a new 1M buffer and pins it; 0 or -errno */
static int open_and_map(const char *sc, struct session *s, uint8_t **buf,
			uint64_t *iova)
{
	const char *what;
	int rc;

	*buf = buf_alloc(BUF_LEN, 0);
	if (!*buf)
		fatal("mmap");
	rc = session_open(s, bdf, &what);
	if (!check(!rc, "%s: open, bind, attach (%s: %s)", sc, what, errname(rc)))
		return rc;
	rc = ioas_map(s->ifd, s->ioas, *buf, BUF_LEN, iova, 0);
	check(!rc && foll_pins() == pins0 + PINS(BUF_LEN),
	      "%s: map 1M pins 256 pages (%s, %lld pinned)", sc, errname(rc),
	      foll_pins() - pins0);
	return rc;
}

/*
 * Scenario 1: issue #5, unbind (and hot unplug) waits for the last user of
 * the cdev
 */
static void leave_while_open(const struct away *how)
{
	char sc[64];
	struct session s;
	uint64_t iova, len = BUF_LEN, pa;
	int status, rc;
	uint8_t *buf;
	pid_t pid;

	snprintf(sc, sizeof(sc), "%s while open", how->name);
	if (open_and_map(sc, &s, &buf, &iova))
		return;

	pid = spawn_leave(how);
	status = wait_ms(pid, 1500);
	check(status == -1, "%s: %s still blocked after 1.5 s (state %c)",
	      sc, how->name, child_state(pid));
	/*
	 * The driver core drops the sysfs "driver" link before it calls
	 * remove(), so "still bound" shows as a device that still works.
	 */
	rc = config_vendor(s.dev);
	check(rc == 0x1234, "%s: the open device still reads its config space (vendor %#x)",
	      sc, rc);
	check(!cdev_present(bdf), "%s: the cdev is gone while %s waits", sc,
	      how->name);
	rc = get_pa(s.ifd, s.ioas, iova, &len, &pa);
	check(!rc && pa == va_to_pa(buf),
	      "%s: GET_PA still answers from the open file (%s)", sc,
	      errname(rc));

	session_close(&s);
	if (status == -1)
		status = wait_ms(pid, 10000);
	check(status == 0 && device_away(how),
	      "%s: %s completes once the file is closed (status %#x)", sc,
	      how->name, status);
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	rc = how->come_back(bdf);
	check(!rc && restore_binding(bdf),
	      "%s: %s binds vfio-pci again and the cdev comes back (%s)", sc,
	      how == &unplug ? "rescan" : "drivers_probe", errname(rc));
	check_counters(sc);
	munmap(buf, BUF_LEN);
}

/* Scenarios 2 and 3: the two files closed in either order */
static void close_order(int iommufd_first)
{
	const char *sc = iommufd_first ? "close iommufd first" :
					 "close device first";
	struct session s;
	uint64_t iova, len = BUF_LEN, pa = 0;
	uint32_t pt;
	uint8_t *buf;
	int rc;

	if (open_and_map(sc, &s, &buf, &iova))
		return;

	if (iommufd_first) {
		close(s.ifd);
		s.ifd = -1;
		/* The bound device holds the context: it works on */
		rc = dev_detach(s.dev);
		pt = s.ioas;
		if (!rc)
			rc = dev_attach(s.dev, &pt);
		check(!rc && pt != s.ioas,
		      "%s: detach and attach again without the fd (%s)", sc,
		      errname(rc));
		check(foll_pins() == pins0 + PINS(BUF_LEN),
		      "%s: mapping still pinned while the device holds the context",
		      sc);
	} else {
		close(s.dev);
		s.dev = -1;
		rc = get_pa(s.ifd, s.ioas, iova, &len, &pa);
		check(rc == -EOPNOTSUPP,
		      "%s: GET_PA without a no-IOMMU device: EOPNOTSUPP (got %s)",
		      sc, errname(rc));
		/*
		 * With no domain left iommufd keeps the mapping but not the
		 * pins; GET_PA has nothing to answer from, so no stale
		 * physical address can be learnt.
		 */
		check(settle_pins(pins0) == pins0,
		      "%s: the IOAS with no domain left holds no pins", sc);
		pt = s.ioas;
		s.dev = cdev_open(bdf);
		rc = s.dev < 0 ? s.dev : dev_bind(s.dev, s.ifd, &s.devid);
		if (!rc)
			rc = dev_attach(s.dev, &pt);
		len = BUF_LEN;
		if (!rc)
			rc = get_pa(s.ifd, s.ioas, iova, &len, &pa);
		check(!rc && pa == va_to_pa(buf) &&
		      foll_pins() == pins0 + PINS(BUF_LEN),
		      "%s: a new bind and attach pins the kept mapping again, GET_PA right (%s)",
		      sc, errname(rc));
		close(s.dev);
		s.dev = -1;
		rc = ioas_unmap(s.ifd, s.ioas, iova, BUF_LEN);
		check(!rc, "%s: unmap after the device left (%s)", sc,
		      errname(rc));
	}
	session_close(&s);
	check_counters(sc);
	check_bound(sc);
	munmap(buf, BUF_LEN);
}

/*
 * Scenario 4: a child cycles through whole sessions (open, bind, attach,
 * map 8M, GET_PA, unmap, detach, close) and is killed at a random moment.
 */
static void sigkill_mid_map(double budget, uint64_t *seed)
{
	const char *sc = "SIGKILL mid-map";
	int i, n = 0, bad_pins = 0, reopen_bad = 0, limit = 40;
	double end = now_s() + budget;
	struct session s;
	const char *what;

	for (i = 0; i < limit && now_s() < end; i++) {
		pid_t pid = fork();
		int rc;

		if (pid == 0) {
			size_t len = 8UL << 20;
			uint8_t *buf = buf_alloc(len, 0);

			for (;;) {
				uint64_t iova, l = len, pa;

				if (session_open(&s, bdf, &what))
					_exit(2);
				ioas_map(s.ifd, s.ioas, buf, len, &iova, 0);
				get_pa(s.ifd, s.ioas, iova, &l, &pa);
				ioas_unmap(s.ifd, s.ioas, iova, len);
				ioas_map(s.ifd, s.ioas, buf, len, &iova, 0);
				session_close(&s);
			}
		}
		sleep_ms(20 + rnd(seed) % 400);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		n++;
		if (settle_pins(pins0) != pins0)
			bad_pins++;
		/* The cdev can be opened and bound again at once */
		rc = session_open(&s, bdf, &what);
		if (rc) {
			reopen_bad++;
			note("%s #%d: reopen fails at %s: %s", sc, i, what,
			     errname(rc));
		}
		session_close(&s);
	}
	note("%s: %d kills", sc, n);
	check(n == limit && !bad_pins,
	      "%s: all %d kills done, pins back after each (%d done, %d not)",
	      sc, limit, n, bad_pins);
	check(!reopen_bad, "%s: the cdev binds again after each kill (%d not)",
	      sc, reopen_bad);
	check_counters(sc);
	check_bound(sc);
}

/* Counts the holder reports back, one slot per outcome */
struct holder_stats {
	long ops, ok, eopnotsupp, enoent, enodev, enxio, eagain, other;
	long reattach, bad_pa, req_seen, first_other;
	char first_other_op[16];
};

static void count(struct holder_stats *st, int rc, const char *op)
{
	st->ops++;
	if (!rc)
		st->ok++;
	else if (rc == -EOPNOTSUPP)
		st->eopnotsupp++;
	else if (rc == -ENOENT)
		st->enoent++;
	else if (rc == -ENODEV)
		st->enodev++;
	else if (rc == -ENXIO)
		st->enxio++;
	else if (rc == -EAGAIN && !strcmp(op, "bind/attach"))
		/* vfio-pci's open resets: EAGAIN while probe holds the lock */
		st->eagain++;
	else if (!st->other++) {
		st->first_other = rc;
		snprintf(st->first_other_op, sizeof(st->first_other_op), "%s", op);
	}
}

/* Register an eventfd for vfio-pci's device request (unbind) */
static int req_eventfd(int dev)
{
	char b[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (void *)b;
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	set->argsz = sizeof(b);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_REQ_IRQ_INDEX;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &efd, sizeof(efd));
	if (efd < 0 || io(dev, VFIO_DEVICE_SET_IRQS, set)) {
		if (efd >= 0)
			close(efd);
		return -1;
	}
	return efd;
}

/*
 * Open the cdev, bind it to @ifd, attach it to @ioas and register for
 * device requests: the device fd, or -1 with the failure counted
 */
static int holder_open(struct holder_stats *st, int ifd, uint32_t ioas,
		       int *efd)
{
	uint32_t devid, pt = ioas;
	int dev = cdev_open(bdf), rc;

	if (dev < 0) {
		count(st, dev, "open");
		return -1;
	}
	rc = dev_bind(dev, ifd, &devid);
	if (!rc)
		rc = dev_attach(dev, &pt);
	if (rc) {
		count(st, rc, "bind/attach");
		close(dev);
		return -1;
	}
	*efd = req_eventfd(dev);
	if (*efd < 0) {
		count(st, -EIO, "SET_IRQS(REQ)");
		close(dev);
		return -1;
	}
	st->reattach++;
	return dev;
}

/*
 * The holder: one iommufd and IOAS with a 1M mapping for its whole life;
 * whenever the cdev is there it opens it, binds, attaches to that IOAS and
 * registers for device requests; when the request comes it closes the
 * device; it calls GET_PA (checked against pagemap) and the device's
 * GET_INFO all the time, and counts what it sees, until the parent is done
 * with its cycles (the int after *sp) or, at the latest, until end.
 */
static void holder(struct holder_stats *sp, double end)
{
	volatile int *done = (volatile int *)(sp + 1);
	struct holder_stats st = {};
	uint64_t iova, len, pa, off;
	int ifd, dev = -1, efd = -1, rc;
	uint32_t ioas;
	uint8_t *buf = buf_alloc(BUF_LEN, 0);

	ifd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (ifd < 0 || ioas_new(ifd, &ioas) ||
	    ioas_map(ifd, ioas, buf, BUF_LEN, &iova, 0))
		_exit(3);
	while (now_s() < end + 1) {
		uint64_t v;

		if (dev < 0)
			dev = holder_open(&st, ifd, ioas, &efd);
		if (dev >= 0) {
			struct vfio_device_info info = { .argsz = sizeof(info) };

			count(&st, io(dev, VFIO_DEVICE_GET_INFO, &info),
			      "GET_INFO");
		}
		off = SZ_4K * (st.ops % (BUF_LEN / SZ_4K));
		len = BUF_LEN;
		rc = get_pa(ifd, ioas, iova + off, &len, &pa);
		count(&st, rc, "GET_PA");
		if (!rc && pa != va_to_pa(buf + off))
			st.bad_pa++;
		if (efd >= 0 && read(efd, &v, sizeof(v)) == sizeof(v)) {
			st.req_seen++;
			close(efd);
			efd = -1;
			close(dev);
			dev = -1;
		}
		*sp = st;
		if (*done || (now_s() > end && dev < 0))
			break;
		if (dev < 0)
			sleep_ms(2);
	}
	if (dev >= 0)
		close(dev);
	ioas_unmap(ifd, ioas, iova, BUF_LEN);
	close(ifd);
	*sp = st;
	_exit(0);
}

/* Scenario 5: unbind/rebind cycles under a holder that keeps going */
static void cycles_under_holder(const struct away *how, int limit,
				double budget, uint64_t *seed)
{
	double end = now_s() + budget, t0, slowest = 0;
	int cycles = 0, bad = 0, status;
	char sc[64];
	volatile struct holder_stats *sp;
	struct holder_stats st;
	pid_t pid;

	/* The holder's counts, then the parent's "done" */
	sp = mmap(NULL, sizeof(*sp) + sizeof(int), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sp == MAP_FAILED)
		fatal("mmap shared");
	memset((void *)sp, 0, sizeof(*sp) + sizeof(int));
	snprintf(sc, sizeof(sc), "%s cycles under a holder", how->name);
	pid = fork();
	if (pid == 0)
		holder((struct holder_stats *)sp, end);
	while (cycles < limit && now_s() < end) {
		int rc;

		/* Leave only once the holder holds the device again */
		for (t0 = now_s(); sp->reattach <= cycles && now_s() < t0 + 2;)
			sleep_ms(5);

		t0 = now_s();
		rc = how->leave(bdf);
		if (rc || !device_away(how)) {
			bad++;
			note("%s #%d: %s: %s", sc, cycles, how->name,
			     errname(rc));
		}
		sleep_ms(rnd(seed) % 20);
		rc = how->come_back(bdf);
		if (rc || !restore_binding(bdf)) {
			bad++;
			note("%s #%d: back: %s", sc, cycles, errname(rc));
		}
		if (now_s() - t0 > slowest)
			slowest = now_s() - t0;
		cycles++;
	}
	*(volatile int *)(sp + 1) = 1;
	waitpid(pid, &status, 0);
	st = *(struct holder_stats *)sp;
	munmap((void *)sp, sizeof(*sp) + sizeof(int));
	note("%s: %d cycles, slowest %.0f ms; holder: %ld ops, %ld ok, "
	     "%ld EOPNOTSUPP, %ld ENOENT, %ld ENODEV, %ld ENXIO, %ld EAGAIN, %ld other (first %s from %s), "
	     "%ld re-attaches, %ld device requests", sc, cycles, slowest * 1e3,
	     st.ops, st.ok, st.eopnotsupp, st.enoent, st.enodev, st.enxio, st.eagain, st.other,
	     errname(st.first_other), st.first_other_op, st.reattach, st.req_seen);
	check(cycles == limit && !bad, "%s: all %d cycles done (%d done, %d failed)",
	      sc, limit, cycles, bad);
	check(WIFEXITED(status) && !WEXITSTATUS(status) && st.ops,
	      "%s: the holder ran to its end (status %#x)", sc, status);
	check(!st.bad_pa && st.reattach >= cycles,
	      "%s: holder re-attached %ld times, every GET_PA answer right (%ld wrong)",
	      sc, st.reattach, st.bad_pa);
	check(!st.other,
	      "%s: holder errors only EOPNOTSUPP/ENOENT/ENODEV/ENXIO, EAGAIN at bind (%ld other, first %s)",
	      sc, st.other, errname(st.first_other));
	check_counters(sc);
	check_bound(sc);
}

/*
 * Scenario 6, in a child without CAP_IPC_LOCK (with it iommufd charges no
 * locked memory at all): the user mode charges user->locked_vm against
 * RLIMIT_MEMLOCK, the mm mode (IOMMU_OPTION_RLIMIT_MODE=1) mm->locked_vm,
 * seen as VmLck; both go back on unmap and on close.
 */
static void locked_memory_child(void *arg)
{
	const char *sc = arg, *what;
	struct rlimit rl = { 4UL << 20, 4UL << 20 };
	uint8_t *a = buf_alloc(3UL << 20, 0), *b = buf_alloc(2UL << 20, 0);
	struct iommu_option opt = {
		.size = sizeof(opt), .option_id = IOMMU_OPTION_RLIMIT_MODE,
		.op = IOMMU_OPTION_OP_SET, .val64 = 1,
	};
	long long lck0 = self_kb("VmLck"), lck;
	uint64_t ia = 0, ib = 0;
	struct session s;
	int rc, rc2;

	if (!a || !b || drop_cap(CAP_IPC_LOCK) || setrlimit(RLIMIT_MEMLOCK, &rl))
		fatal("drop CAP_IPC_LOCK, RLIMIT_MEMLOCK 4M");
	/* User mode (default): user->locked_vm */
	rc = session_open(&s, bdf, &what);
	if (rc)
		fatal("%s: %s", what, errname(rc));
	rc = ioas_map(s.ifd, s.ioas, a, 3UL << 20, &ia, 0);
	rc2 = ioas_map(s.ifd, s.ioas, b, 2UL << 20, &ib, 0);
	check(!rc && rc2 == -ENOMEM,
	      "%s: user mode: 3M of a 4M RLIMIT_MEMLOCK maps, 2M more is ENOMEM (%s, %s)",
	      sc, errname(rc), errname(rc2));
	rc = ioas_unmap(s.ifd, s.ioas, ia, 3UL << 20);
	rc2 = ioas_map(s.ifd, s.ioas, b, 2UL << 20, &ib, 0);
	check(!rc && !rc2, "%s: user mode: after the unmap 2M maps (%s, %s)", sc,
	      errname(rc), errname(rc2));
	session_close(&s);
	rc = session_open(&s, bdf, &what);
	rc2 = rc ? rc : ioas_map(s.ifd, s.ioas, a, 3UL << 20, &ia, 0);
	check(!rc2, "%s: user mode: closing returned the charge, 3M maps (%s)",
	      sc, errname(rc2));
	session_close(&s);

	/* mm mode, chosen before the context has any object */
	s.dev = cdev_open(bdf);
	s.ifd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	rc = io(s.ifd, IOMMU_OPTION, &opt);
	if (!rc)
		rc = dev_bind(s.dev, s.ifd, &s.devid);
	if (!rc)
		rc = ioas_new(s.ifd, &s.ioas);
	s.hwpt = s.ioas;
	if (!rc)
		rc = dev_attach(s.dev, &s.hwpt);
	if (!rc)
		rc = ioas_map(s.ifd, s.ioas, a, 3UL << 20, &ia, 0);
	lck = self_kb("VmLck");
	check(!rc && lck == lck0 + 3072,
	      "%s: mm mode: map 3M raises VmLck by 3072 kB (%s, %lld -> %lld)",
	      sc, errname(rc), lck0, lck);
	rc = ioas_unmap(s.ifd, s.ioas, ia, 3UL << 20);
	lck = self_kb("VmLck");
	check(!rc && lck == lck0,
	      "%s: mm mode: unmap returns VmLck to %lld kB (%lld)", sc, lck0, lck);
	rc = ioas_map(s.ifd, s.ioas, a, 3UL << 20, &ia, 0);
	session_close(&s);
	lck = self_kb("VmLck");
	check(!rc && lck == lck0,
	      "%s: mm mode: close with a mapping returns VmLck to %lld kB (%lld)",
	      sc, lck0, lck);
}

static void locked_memory(void)
{
	const char *sc = "locked memory";
	int status = tap_child(locked_memory_child, (void *)sc);

	check(WIFEXITED(status) && !WEXITSTATUS(status),
	      "%s: the child without CAP_IPC_LOCK finished (status %#x)", sc,
	      status);
	check_counters(sc);
	check_bound(sc);
}

int main(int argc, char **argv)
{
	double budget = budget_s("E2E_LIFETIME_SECONDS", 120), t0 = now_s();
	uint64_t seed = seed_from(NULL);

	bdf = tap_start(argc, argv, 2);
	if (!restore_binding(bdf))
		fatal("%s is not bound to vfio-pci with a cdev", bdf);
	pins0 = foll_pins();
	vmpin0 = self_kb("VmPin");
	note("start: %lld pins outstanding, VmPin %lld kB, seed %llu (E2E_SEED to repeat)",
	     pins0, vmpin0, (unsigned long long)seed);

	leave_while_open(&unbind);
	leave_while_open(&unplug);
	close_order(1);
	close_order(0);
	locked_memory();
	note("single scenarios took %.1f s", now_s() - t0);
	/* Bounded by count; the budget is each scenario's safety limit */
	sigkill_mid_map(budget, &seed);
	note("SIGKILL scenario done at %.1f s", now_s() - t0);
	cycles_under_holder(&unplug, 20, budget, &seed);
	cycles_under_holder(&unbind, 100, budget, &seed);
	note("lifetime took %.1f s", now_s() - t0);
	return tap_end();
}

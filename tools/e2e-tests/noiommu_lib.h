/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the reliability tests of tools/e2e-tests/ (lifetime,
 * stress, fuzz, privilege).  tools/e2e builds every *.c there as
 * its own static program, so this is included, not linked: everything is
 * static inline.
 *
 * TAP output; the ioctls of a no-IOMMU cdev session as wrappers that return
 * 0 or -errno; the counters a test compares before and after: outstanding
 * FOLL_PIN pins (global, /proc/vmstat) and a process's VmPin and VmLck
 * (/proc/PID/status).
 */
#ifndef NOIOMMU_LIB_H
#define NOIOMMU_LIB_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "kselftest.h"

#define SZ_4K 4096UL
#define SZ_2M (2UL << 20)
/* FOLL_PIN pins that mapping @len bytes of 4K pages takes */
#define PINS(len) ((long long)((len) / SZ_4K))

/* ---- TAP, through the kselftest framework's kselftest.h --------------- */

/* One result; returns @pass so a caller can stop on a failure */
static inline int __attribute__((format(printf, 2, 3)))
check(int pass, const char *fmt, ...)
{
	char desc[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	ksft_test_result(pass, "%s\n", desc);
	return pass;
}

/* A skipped result carries its reason, and is never counted as a pass */
static inline void __attribute__((format(printf, 2, 3)))
skip(const char *reason, const char *fmt, ...)
{
	char desc[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	ksft_test_result_skip("%s: %s\n", desc, reason);
}

static inline void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ksft_print_msg("%s\n", msg);
}

/* "Bail out!" with the errno of the failed call, and exit 1 */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	int e = errno;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ksft_exit_fail_msg("%s (errno %d %s)\n", msg, e, strerror(e));
}

/* Check the usage, start the TAP output; returns the PCI BDF */
static inline const char *tap_start(int argc, char **argv, int max_args)
{
	if (argc < 2 || argc > max_args) {
		fprintf(stderr, "usage: %s PCI-BDF%s\n", argv[0],
			max_args > 2 ? " [SEED]" : "");
		exit(2);
	}
	ksft_print_header();
	return argv[1];
}

/* The plan comes last: how many results a run has depends on the run */
static inline int tap_end(void)
{
	printf("1..%u\n", ksft_test_num());
	return ksft_get_fail_cnt() ? 1 : 0;
}

/*
 * Run @fn in a child process whose TAP results continue this one's
 * numbering and count towards its failures.  Returns the wait status.
 */
static inline int tap_child(void (*fn)(void *), void *arg)
{
	struct ksft_count cnt;
	int p[2], status;
	pid_t pid;

	fflush(stdout);
	if (pipe(p))
		fatal("pipe");
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		fn(arg);
		fflush(stdout);
		_exit(write(p[1], &ksft_cnt, sizeof(ksft_cnt)) ==
		      sizeof(ksft_cnt) ? 0 : 1);
	}
	close(p[1]);
	waitpid(pid, &status, 0);
	if (read(p[0], &cnt, sizeof(cnt)) == sizeof(cnt))
		ksft_cnt = cnt;
	close(p[0]);
	return status;
}

static inline const char *errname(int err)
{
	static const struct { int e; const char *n; } names[] = {
		{ 0, "0" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EBADF, "EBADF" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
		{ ENOSPC, "ENOSPC" }, { ENOMEM, "ENOMEM" }, { ENOTTY, "ENOTTY" },
		{ E2BIG, "E2BIG" }, { EOVERFLOW, "EOVERFLOW" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EBADFD, "EBADFD" },
		{ EMSGSIZE, "EMSGSIZE" }, { ENXIO, "ENXIO" }, { EACCES, "EACCES" },
		{ EDEADLK, "EDEADLK" }, { EINTR, "EINTR" }, { EIO, "EIO" },
		{ EADDRINUSE, "EADDRINUSE" }, { EAGAIN, "EAGAIN" },
	};
	static char other[16];
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			return names[i].n;
	snprintf(other, sizeof(other), "errno%d", err);
	return other;
}

/* ---- time ---------------------------------------------------------------- */

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * A budget in seconds from the environment (E2E_<NAME>_SECONDS) or the
 * default: every loop is bounded by iterations and by time.
 */
static inline double budget_s(const char *env, double dflt)
{
	const char *v = getenv(env);

	return v && *v ? atof(v) : dflt;
}

/* ---- files, sysfs, counters ---------------------------------------------- */

/* Write @text to @path in one write(); 0 or -errno */
static inline int put_text(const char *path, const char *text)
{
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Sum of the "KEY value" (vmstat) or "KEY:\tvalue kB" (status) lines */
static inline long long proc_field(const char *path, const char *key)
{
	size_t klen = strlen(key);
	long long val = -1;
	char line[256];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) &&
		    (line[klen] == ' ' || line[klen] == ':')) {
			val = strtoll(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return val;
}

/*
 * Pages pinned with FOLL_PIN and not yet released, machine wide.  The
 * counters live per CPU until folded: stat_refresh folds them first.
 */
static inline long long foll_pins(void)
{
	put_text("/proc/sys/vm/stat_refresh", "1");
	return proc_field("/proc/vmstat", "nr_foll_pin_acquired") -
	       proc_field("/proc/vmstat", "nr_foll_pin_released");
}

/* A kB field of /proc/self/status: VmPin (mm->pinned_vm), VmLck */
static inline long long self_kb(const char *key)
{
	return proc_field("/proc/self/status", key);
}

/* Outstanding pins settle as soon as the last file is released; wait a bit */
static inline long long settle_pins(long long want)
{
	long long pins = foll_pins();
	int i;

	for (i = 0; i < 100 && pins != want; i++) {
		sleep_ms(20);
		pins = foll_pins();
	}
	return pins;
}

/* The name of BDF's cdev (noiommu-vfioN) into @name; 0 or -ENOENT */
static inline int cdev_name(const char *bdf, char *name, size_t len)
{
	char path[128];
	struct dirent *de;
	int rc = -ENOENT;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		return -ENOENT;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.') {
			snprintf(name, len, "%s", de->d_name);
			rc = 0;
			break;
		}
	closedir(dir);
	return rc;
}

/* Open BDF's cdev; fd or -errno */
static inline int cdev_open(const char *bdf)
{
	char name[256], path[300];
	int fd;

	if (cdev_name(bdf, name, sizeof(name)))
		return -ENOENT;
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The last component of what the symlink BDF/@link points to, or "" */
static inline void pci_link_name(const char *bdf, const char *link, char *out,
				 size_t len)
{
	char path[128], target[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, link);
	n = readlink(path, target, sizeof(target) - 1);
	out[0] = 0;
	if (n > 0) {
		target[n] = 0;
		snprintf(out, len, "%s", strrchr(target, '/') + 1);
	}
}

/* /dev/vfio/noiommu-N of BDF's legacy no-IOMMU group into @path, "" if none */
static inline void noiommu_group_path(const char *bdf, char *path, size_t len)
{
	char group[64];

	pci_link_name(bdf, "iommu_group", group, sizeof(group));
	path[0] = 0;
	if (group[0])
		snprintf(path, len, "/dev/vfio/noiommu-%s", group);
}

/* The driver BDF is bound to into @drv ("" if none) */
static inline void bound_driver(const char *bdf, char *drv, size_t len)
{
	pci_link_name(bdf, "driver", drv, len);
}

static inline int unbind_vfio(const char *bdf)
{
	return put_text("/sys/bus/pci/drivers/vfio-pci/unbind", bdf);
}

/* driver_override is vfio-pci already: probing binds it again */
static inline int rebind_vfio(const char *bdf)
{
	char drv[64];
	int rc;

	rc = put_text("/sys/bus/pci/drivers_probe", bdf);
	bound_driver(bdf, drv, sizeof(drv));
	return rc ? rc : strcmp(drv, "vfio-pci") ? -ENODEV : 0;
}

static inline int pci_present(const char *bdf)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	return !access(path, F_OK);
}

/* Hot unplug from inside the guest: the PCI core removes the device */
static inline int remove_pci(const char *bdf)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
	return put_text(path, "1");
}

/* Bring a removed device back and bind it to vfio-pci */
static inline int rescan_vfio(const char *bdf)
{
	char path[128];
	int rc, i;

	rc = put_text("/sys/bus/pci/rescan", "1");
	for (i = 0; i < 100 && !pci_present(bdf); i++)
		sleep_ms(10);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	/* A new pci_dev: its driver_override is empty again */
	if (!rc)
		rc = put_text(path, "vfio-pci");
	return rc ? rc : rebind_vfio(bdf);
}

/* The cdev is usable: its sysfs entry and its device node both exist */
static inline int cdev_present(const char *bdf)
{
	char name[256], path[300];
	struct stat st;

	if (cdev_name(bdf, name, sizeof(name)))
		return 0;
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", name);
	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

/* Make sure BDF is bound to vfio-pci with its cdev, as every test must */
static inline int restore_binding(const char *bdf)
{
	char drv[64];
	int i;

	if (!pci_present(bdf))
		rescan_vfio(bdf);
	bound_driver(bdf, drv, sizeof(drv));
	if (!drv[0])
		rebind_vfio(bdf);
	for (i = 0; i < 100 && !cdev_present(bdf); i++)
		sleep_ms(10);
	return cdev_present(bdf);
}

/*
 * The physical address behind @va from /proc/self/pagemap (root: the PFN is
 * shown with CAP_SYS_ADMIN), or 0 if the page is not present or hidden.
 */
static inline uint64_t va_to_pa(const void *va)
{
	static pid_t owner;
	static int fd = -1;
	uint64_t ent;

	/* /proc/self is resolved at open: a forked child needs its own */
	if (owner != getpid()) {
		if (fd >= 0)
			close(fd);
		fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
		owner = getpid();
	}
	if (fd < 0 || pread(fd, &ent, sizeof(ent),
			    (uintptr_t)va / SZ_4K * sizeof(ent)) != sizeof(ent))
		return 0;
	if (!(ent >> 63) || !(ent & ((1ULL << 55) - 1)))
		return 0;
	return (ent & ((1ULL << 55) - 1)) * SZ_4K + (uintptr_t)va % SZ_4K;
}

/* Drop @cap from the effective and permitted sets; 0 or -errno */
static inline int drop_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[cap / 32].effective &= ~(1U << (cap % 32));
	d[cap / 32].permitted &= ~(1U << (cap % 32));
	d[cap / 32].inheritable &= ~(1U << (cap % 32));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* Is @cap in the effective set? */
static inline int have_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	return !syscall(SYS_capget, &h, d) &&
	       (d[cap / 32].effective >> (cap % 32) & 1);
}

/* ---- ioctls: 0 or -errno -------------------------------------------------- */

static inline int io(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static inline int ioas_new(int ifd, uint32_t *ioas)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int rc = io(ifd, IOMMU_IOAS_ALLOC, &a);

	if (!rc)
		*ioas = a.out_ioas_id;
	return rc;
}

static inline int obj_destroy(int ifd, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return io(ifd, IOMMU_DESTROY, &d);
}

/* Map @len bytes at @va; *iova is the fixed IOVA in, or the chosen one out */
static inline int ioas_map(int ifd, uint32_t ioas, void *va, uint64_t len,
			   uint64_t *iova, int fixed)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
			 (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = fixed ? *iova : 0,
	};
	int rc = io(ifd, IOMMU_IOAS_MAP, &m);

	if (!rc)
		*iova = m.iova;
	return rc;
}

static inline int ioas_unmap(int ifd, uint32_t ioas, uint64_t iova,
			     uint64_t len)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len,
	};

	return io(ifd, IOMMU_IOAS_UNMAP, &u);
}

/* *len: the most bytes in, the contiguous bytes out */
static inline int get_pa(int ifd, uint32_t ioas, uint64_t iova, uint64_t *len,
			 uint64_t *pa)
{
	struct iommu_ioas_noiommu_get_pa g = {
		.size = sizeof(g), .ioas_id = ioas, .iova = iova, .length = *len,
	};
	int rc = io(ifd, IOMMU_IOAS_NOIOMMU_GET_PA, &g);

	if (!rc) {
		*len = g.length;
		*pa = g.out_phys;
	}
	return rc;
}

static inline int dev_bind(int dfd, int ifd, uint32_t *devid)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = ifd };
	int rc = io(dfd, VFIO_DEVICE_BIND_IOMMUFD, &b);

	if (!rc)
		*devid = b.out_devid;
	return rc;
}

/* *pt: the IOAS in, the HWPT the device was attached to out */
static inline int dev_attach(int dfd, uint32_t *pt)
{
	struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = *pt };
	int rc = io(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);

	if (!rc)
		*pt = a.pt_id;
	return rc;
}

static inline int dev_detach(int dfd)
{
	struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };

	return io(dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

/* ---- a session: cdev bound to a new iommufd, attached to a new IOAS ------- */

struct session {
	int dev, ifd;
	uint32_t devid, ioas, hwpt;
};

/* 0, or -errno of the first step that failed (*what names it) */
static inline int session_open(struct session *s, const char *bdf,
			       const char **what)
{
	int rc;

	s->dev = s->ifd = -1;
	*what = "open cdev";
	s->dev = cdev_open(bdf);
	if (s->dev < 0)
		return s->dev;
	*what = "open /dev/iommu";
	s->ifd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (s->ifd < 0)
		return -errno;
	*what = "VFIO_DEVICE_BIND_IOMMUFD";
	rc = dev_bind(s->dev, s->ifd, &s->devid);
	if (rc)
		return rc;
	*what = "IOMMU_IOAS_ALLOC";
	rc = ioas_new(s->ifd, &s->ioas);
	if (rc)
		return rc;
	*what = "VFIO_DEVICE_ATTACH_IOMMUFD_PT";
	s->hwpt = s->ioas;
	return dev_attach(s->dev, &s->hwpt);
}

static inline void session_close(struct session *s)
{
	if (s->dev >= 0)
		close(s->dev);
	if (s->ifd >= 0)
		close(s->ifd);
	s->dev = s->ifd = -1;
}

/* Anonymous memory, populated; @huge for 2M hugetlb pages */
static inline void *buf_alloc(size_t len, int huge)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE |
		       (huge ? MAP_HUGETLB : 0), -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * @n buffers of @each bytes of 4K pages into v[0..n-1] and one 2M huge
 * page into v[n] (NULL if the guest has none left), their sizes into @len
 */
static inline void bufs_alloc(uint8_t **v, size_t *len, int n, size_t each)
{
	int i;

	for (i = 0; i <= n; i++) {
		len[i] = i < n ? each : SZ_2M;
		v[i] = buf_alloc(len[i], i == n);
		if (!v[i] && i < n)
			fatal("mmap %zu bytes", each);
	}
}

/*
 * The seed of a randomized program: @arg if given, else $E2E_SEED, else
 * from the time and the PID; never 0, which would stick rnd() at 0.
 * Print it, so that E2E_SEED repeats the run.
 */
static inline uint64_t seed_from(const char *arg)
{
	const char *v = arg && *arg ? arg : getenv("E2E_SEED");
	uint64_t seed = v && *v ? strtoull(v, NULL, 0) :
		((uint64_t)time(NULL) * 2654435761ULL) ^ (uint64_t)getpid();

	return seed ? seed : 1;
}

/* Seeded xorshift64*, so a run can be repeated */
static inline uint64_t rnd(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif /* NOIOMMU_LIB_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Without CAP_SYS_RAWIO no path yields a physical address or the device:
 *
 *  - the no-IOMMU cdev open is EPERM;
 *  - GET_PA is EPERM, on an iommufd opened earlier with the capability
 *    whose IOAS has the device attached and a buffer mapped, and on one
 *    opened afterwards;
 *  - the legacy no-IOMMU group /dev/vfio/noiommu-N open is EPERM;
 *  - /dev/mem, where the kernel has it (not in the e2e guest), is EPERM;
 *  - with CAP_SYS_ADMIN dropped too, /proc/self/pagemap shows no PFN.
 *
 * The capabilities are dropped in a child with the capset syscall; the
 * parent keeps them, checks the same paths work with them (the group open
 * is EBUSY while the cdev is bound: the two exclude each other), and
 * cleans up.
 *
 * usage: privilege PCI-BDF
 */
#include "noiommu_lib.h"

#define BUF_LEN (64UL << 10)

static const char *bdf;
static struct session s;
static uint8_t *buf;
static uint64_t iova;
static char group_path[300];

static int open_rc(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static uint64_t pagemap_entry(const void *va)
{
	uint64_t ent = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && pread(fd, &ent, sizeof(ent),
			     (uintptr_t)va / SZ_4K * sizeof(ent)) != sizeof(ent))
		ent = 0;
	if (fd >= 0)
		close(fd);
	return ent;
}

/* Everything that could lead to a physical address or the device */
static void no_way_in(const char *who, int expect_admin)
{
	uint64_t len = BUF_LEN, pa = 0xdeadbeef, ent;
	uint32_t ioas2 = 0;
	int rc, ifd2;

	rc = get_pa(s.ifd, s.ioas, iova, &len, &pa);
	check(rc == -EPERM && pa == 0xdeadbeef,
	      "%s: GET_PA on the iommufd opened with the capability: EPERM (%s)",
	      who, errname(rc));
	rc = cdev_open(bdf);
	if (rc >= 0)
		close(rc);
	check(rc == -EPERM, "%s: cdev open: EPERM (%s)", who, errname(rc));

	ifd2 = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	rc = ifd2 < 0 ? -errno : ioas_new(ifd2, &ioas2);
	len = 1;
	if (!rc)
		rc = get_pa(ifd2, ioas2, 0, &len, &pa);
	check(rc == -EPERM,
	      "%s: GET_PA on an iommufd opened without it: EPERM (%s)", who,
	      errname(rc));
	if (ifd2 >= 0)
		close(ifd2);

	if (group_path[0]) {
		rc = open_rc(group_path);
		check(rc == -EPERM, "%s: legacy group %s open: EPERM (%s)", who,
		      group_path, errname(rc));
	} else {
		skip("the device has no no-IOMMU group (VFIO_GROUP=n)",
		     "%s: legacy group open", who);
	}
	if (!access("/dev/mem", F_OK)) {
		rc = open_rc("/dev/mem");
		check(rc == -EPERM, "%s: /dev/mem open: EPERM (%s)", who,
		      errname(rc));
	}

	ent = pagemap_entry(buf);
	if (expect_admin)
		check((ent >> 63) && (ent & ((1ULL << 55) - 1)),
		      "%s: pagemap still shows the PFN with CAP_SYS_ADMIN", who);
	else
		check((ent >> 63) && !(ent & ((1ULL << 55) - 1)),
		      "%s: pagemap shows the page present and no PFN (entry %#llx)",
		      who, (unsigned long long)ent);
}

static void unprivileged(void *arg)
{
	(void)arg;
	if (drop_cap(CAP_SYS_RAWIO) || have_cap(CAP_SYS_RAWIO))
		fatal("drop CAP_SYS_RAWIO");
	check(have_cap(CAP_SYS_ADMIN), "CAP_SYS_RAWIO dropped, CAP_SYS_ADMIN kept");
	no_way_in("without CAP_SYS_RAWIO", 1);

	if (drop_cap(CAP_SYS_ADMIN) || have_cap(CAP_SYS_ADMIN))
		fatal("drop CAP_SYS_ADMIN");
	no_way_in("without CAP_SYS_RAWIO and CAP_SYS_ADMIN", 0);
}

int main(int argc, char **argv)
{
	uint64_t len = BUF_LEN, pa = 0;
	long long pins0;
	const char *what;
	int rc, status;

	bdf = tap_start(argc, argv, 2);
	pins0 = foll_pins();
	noiommu_group_path(bdf, group_path, sizeof(group_path));
	note("legacy group: %s", group_path[0] ? group_path : "none");

	/* With every capability: the group opens while the cdev is unused */
	if (group_path[0]) {
		rc = open_rc(group_path);
		check(!rc, "with the capabilities: legacy group opens while the cdev is unbound (%s)",
		      errname(rc));
	}
	buf = buf_alloc(BUF_LEN, 0);
	if (!buf)
		fatal("mmap");
	rc = session_open(&s, bdf, &what);
	if (rc)
		fatal("%s: %s", what, errname(rc));
	rc = ioas_map(s.ifd, s.ioas, buf, BUF_LEN, &iova, 0);
	if (!rc)
		rc = get_pa(s.ifd, s.ioas, iova, &len, &pa);
	check(!rc && pa == va_to_pa(buf),
	      "with the capabilities: GET_PA answers what pagemap shows (%s)",
	      errname(rc));
	if (group_path[0]) {
		rc = open_rc(group_path);
		check(rc == -EBUSY,
		      "with the capabilities: legacy group open while the cdev is bound: EBUSY (%s)",
		      errname(rc));
	}

	status = tap_child(unprivileged, NULL);
	check(WIFEXITED(status) && !WEXITSTATUS(status),
	      "the child without the capabilities finished (status %#x)", status);

	session_close(&s);
	check(settle_pins(pins0) == pins0, "pins back to %lld (%lld)", pins0,
	      foll_pins());
	check(restore_binding(bdf), "device bound to vfio-pci, cdev present");
	return tap_end();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The legacy no-IOMMU path keeps working next to the cdev: open the
 * /dev/vfio/noiommu-N group of QEMU's edu device, put it in a container
 * with the VFIO_NOIOMMU_IOMMU backend, get the device fd, and do what a
 * driver on that path does: pin memory itself, read its physical address
 * from /proc/self/pagemap and have the edu DMA engine copy through it.
 * While the group holds the device, binding its cdev is refused.  Prints
 * TAP.
 *
 * usage: legacy_group PCI-BDF   (the device must be bound to vfio-pci)
 */
#include <limits.h>

#include "noiommu_lib.h"
/* The edu register layout of the VFIO selftest library's edu driver */
#ifndef BIT
#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#endif
#include "vfio/lib/drivers/edu/hw.h"

/* QEMU 7.2's edu aborts on a DMA that ends on the last byte of its buffer */
#define EDU_CHUNK 2048

struct edu {
	int fd;			/* the VFIO device fd */
	volatile uint8_t *bar0;
	uint64_t cfg_offset;
};

/* Find the config space, map BAR0, check the identification register */
static void edu_setup(struct edu *e, int fd)
{
	struct vfio_region_info reg = {
		.argsz = sizeof(reg),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};

	e->fd = fd;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &reg))
		fatal("config region info");
	e->cfg_offset = reg.offset;
	reg = (struct vfio_region_info){ .argsz = sizeof(reg),
					 .index = VFIO_PCI_BAR0_REGION_INDEX };
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &reg))
		fatal("BAR0 region info");
	e->bar0 = mmap(NULL, reg.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       reg.offset);
	if (e->bar0 == MAP_FAILED)
		fatal("mmap BAR0");
	/* The identification register reads 0xRRrr00ed */
	check((*(volatile uint32_t *)e->bar0 & EDU_ID_MAGIC_MASK) == EDU_ID_MAGIC,
	       "BAR0 mapped, edu identification %#x",
	       *(volatile uint32_t *)e->bar0);
}

static void edu_wr64(struct edu *e, unsigned int reg, uint64_t val)
{
	*(volatile uint64_t *)(e->bar0 + reg) = val;
}

static uint64_t edu_rd64(struct edu *e, unsigned int reg)
{
	return *(volatile uint64_t *)(e->bar0 + reg);
}

/* One DMA of the edu engine, polled to completion; -1 after 5 s */
static int edu_dma(struct edu *e, uint64_t src, uint64_t dst,
			  uint64_t count, uint64_t cmd)
{
	struct timespec start, now;

	edu_wr64(e, EDU_DMA_SRC_OFFSET, src);
	edu_wr64(e, EDU_DMA_DST_OFFSET, dst);
	edu_wr64(e, EDU_DMA_COUNT_OFFSET, count);
	edu_wr64(e, EDU_DMA_CMD_OFFSET, cmd | EDU_DMA_CMD_START);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (edu_rd64(e, EDU_DMA_CMD_OFFSET) & EDU_DMA_CMD_START) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 5)
			return -1;
	}
	return 0;
}

static void edu_enable_bus_master(struct edu *e)
{
	uint16_t cmd;

	if (pread(e->fd, &cmd, 2, e->cfg_offset + 4) != 2)
		fatal("read PCI command");
	cmd |= 1 << 2;
	if (pwrite(e->fd, &cmd, 2, e->cfg_offset + 4) != 2)
		fatal("write PCI command");
}

/* Fill src with a pattern of len bytes and clear dst */
static void fill_pattern(uint8_t *src, uint8_t *dst, size_t len)
{
	size_t off;

	for (off = 0; off < len; off++) {
		src[off] = (uint8_t)(off * 7 + len);
		dst[off] = 0;
	}
}

static size_t count_differences(const uint8_t *a, const uint8_t *b,
				       size_t len)
{
	size_t off, bad = 0;

	for (off = 0; off < len; off++)
		bad += a[off] != b[off];
	return bad;
}

#define BUF_LEN (64 * 1024)

/* Copy a pattern RAM -> edu -> RAM through pagemap's addresses */
static void dma_round_trip(struct edu *e)
{
	uint8_t *src, *dst;
	size_t off;
	int dma_ok = 1;

	src = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
	dst = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
	if (src == MAP_FAILED || dst == MAP_FAILED)
		fatal("mmap locked buffers");
	fill_pattern(src, dst, BUF_LEN);

	for (off = 0; off < BUF_LEN; off += EDU_CHUNK) {
		uint64_t spa = va_to_pa(src + off);
		uint64_t dpa = va_to_pa(dst + off);

		if (!spa || !dpa) {
			check(0, "pagemap gives the buffers' physical addresses");
			return;
		}
		if (edu_dma(e, spa, EDU_DMA_BUF, EDU_CHUNK, 0) ||
		    edu_dma(e, EDU_DMA_BUF, dpa, EDU_CHUNK, EDU_DMA_CMD_TO_RAM)) {
			dma_ok = 0;
			break;
		}
	}
	check(dma_ok, "edu DMA of %d bytes through pagemap's addresses completes",
	       BUF_LEN);
	off = count_differences(src, dst, BUF_LEN);
	check(dma_ok && !off, "every byte arrived (%zu wrong)", off);
	munmap(src, BUF_LEN);
	munmap(dst, BUF_LEN);
}

/* While the group holds the device, its cdev cannot be bound */
static void cdev_bind_refused(const char *bdf)
{
	int fd = cdev_open(bdf), iommufd = open("/dev/iommu", O_RDWR);
	uint32_t devid;
	int rc;

	if (fd < 0 || iommufd < 0)
		fatal("open the cdev and /dev/iommu");
	rc = dev_bind(fd, iommufd, &devid);
	check(rc == -EBUSY,
	      "VFIO_DEVICE_BIND_IOMMUFD of the cdev while the group is in use: EBUSY (%s)",
	      rc ? strerror(-rc) : "it succeeded");
	close(fd);
	close(iommufd);
}

int main(int argc, char **argv)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int container, group, device, iommu = VFIO_NOIOMMU_IOMMU;
	char path[PATH_MAX];
	struct edu e;
	int rc;

	tap_start(argc, argv, 2);

	noiommu_group_path(argv[1], path, sizeof(path));
	if (!path[0])
		fatal("%s has no iommu_group", argv[1]);

	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		fatal("open /dev/vfio/vfio");
	check(ioctl(container, VFIO_GET_API_VERSION) == VFIO_API_VERSION,
	       "VFIO_GET_API_VERSION");
	check(ioctl(container, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU) == 1,
	       "the container offers VFIO_NOIOMMU_IOMMU");

	group = open(path, O_RDWR);
	check(group >= 0, "open %s", path);
	if (group < 0)
		fatal("open %s", path);
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status))
		fatal("VFIO_GROUP_GET_STATUS");
	check(status.flags & VFIO_GROUP_FLAGS_VIABLE, "the group is viable");
	check(!ioctl(group, VFIO_GROUP_SET_CONTAINER, &container),
	       "VFIO_GROUP_SET_CONTAINER");
	check(!ioctl(container, VFIO_SET_IOMMU, iommu),
	       "VFIO_SET_IOMMU(VFIO_NOIOMMU_IOMMU)");
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[1]);
	check(device >= 0, "VFIO_GROUP_GET_DEVICE_FD(%s)", argv[1]);
	if (device < 0)
		fatal("VFIO_GROUP_GET_DEVICE_FD");
	rc = ioctl(device, VFIO_DEVICE_GET_INFO, &info);
	check(!rc && (info.flags & VFIO_DEVICE_FLAGS_PCI) && info.num_regions,
	       "VFIO_DEVICE_GET_INFO: a PCI device with %u regions",
	       info.num_regions);

	cdev_bind_refused(argv[1]);

	edu_setup(&e, device);
	edu_enable_bus_master(&e);
	dma_round_trip(&e);

	close(device);
	close(group);
	close(container);
	return tap_end();
}

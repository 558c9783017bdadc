// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user space driver's view of the no-IOMMU cdev: open
 * /dev/vfio/devices/noiommu-vfioN of QEMU's edu device, bind it to an
 * iommufd, map buffers through an IOAS, ask IOMMU_IOAS_NOIOMMU_GET_PA for
 * their physical addresses and have the edu DMA engine copy a pattern from
 * one buffer into the device and back out into another.  Prints TAP.
 *
 * usage: noiommu_dma PCI-BDF   (the device must be bound to vfio-pci)
 */
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
#include <time.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>

#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_CNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2
#define EDU_BUF 0x40000
/* QEMU 7.2's edu aborts on a DMA that ends on the last byte of its buffer */
#define EDU_CHUNK 2048
#define SZ_2M (2UL << 20)

static int tests, failures;

static void __attribute__((format(printf, 2, 3))) result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static void __attribute__((noreturn, format(printf, 1, 2))) bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (errno %d: %s)\n", errno, strerror(errno));
	exit(1);
}

struct dev {
	int fd;
	int iommufd;
	uint32_t ioas_id;
	volatile uint8_t *bar0;
	uint64_t cfg_offset;
};

/* /sys/bus/pci/devices/BDF/vfio-dev/ holds the cdev's name */
static int open_cdev(const char *bdf, char *name, size_t len)
{
	char path[256];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		bail("no %s: is the device bound to vfio-pci?", path);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, len, "%s", de->d_name);
		break;
	}
	closedir(dir);
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", name);
	return open(path, O_RDWR);
}

static uint64_t get_pa(struct dev *d, uint64_t iova, uint64_t *length)
{
	struct iommu_ioas_noiommu_get_pa cmd = {
		.size = sizeof(cmd),
		.ioas_id = d->ioas_id,
		.iova = iova,
		.length = *length,
	};

	if (ioctl(d->iommufd, IOMMU_IOAS_NOIOMMU_GET_PA, &cmd))
		bail("IOMMU_IOAS_NOIOMMU_GET_PA(%#llx)", (unsigned long long)iova);
	*length = cmd.length;
	return cmd.out_phys;
}

/* The physical address /proc/self/pagemap reports for a virtual address */
static uint64_t pagemap_pa(void *va)
{
	long psize = sysconf(_SC_PAGESIZE);
	uint64_t entry;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		bail("open /proc/self/pagemap");
	if (pread(fd, &entry, sizeof(entry),
		  (uintptr_t)va / psize * sizeof(entry)) != sizeof(entry))
		bail("read /proc/self/pagemap");
	close(fd);
	if (!(entry & (1ULL << 63)))
		return 0;
	return (entry & ((1ULL << 55) - 1)) * psize + (uintptr_t)va % psize;
}

static uint64_t ioas_map(struct dev *d, void *buf, size_t len)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = d->ioas_id,
		.user_va = (uintptr_t)buf,
		.length = len,
	};

	if (ioctl(d->iommufd, IOMMU_IOAS_MAP, &map))
		bail("IOMMU_IOAS_MAP");
	return map.iova;
}

static void ioas_unmap(struct dev *d, uint64_t iova, size_t len)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = d->ioas_id,
		.iova = iova,
		.length = len,
	};

	if (ioctl(d->iommufd, IOMMU_IOAS_UNMAP, &unmap))
		bail("IOMMU_IOAS_UNMAP");
}

static void wr64(struct dev *d, unsigned int reg, uint64_t val)
{
	*(volatile uint64_t *)(d->bar0 + reg) = val;
}

static uint64_t rd64(struct dev *d, unsigned int reg)
{
	return *(volatile uint64_t *)(d->bar0 + reg);
}

static int edu_dma(struct dev *d, uint64_t src, uint64_t dst, uint64_t count,
		   uint64_t cmd)
{
	struct timespec start, now;

	wr64(d, EDU_DMA_SRC, src);
	wr64(d, EDU_DMA_DST, dst);
	wr64(d, EDU_DMA_CNT, count);
	wr64(d, EDU_DMA_CMD, cmd | EDU_CMD_START);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (rd64(d, EDU_DMA_CMD) & EDU_CMD_START) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 5)
			return -1;
	}
	return 0;
}

static void enable_bus_master(struct dev *d)
{
	uint16_t cmd;

	if (pread(d->fd, &cmd, 2, d->cfg_offset + 4) != 2)
		bail("read PCI command");
	cmd |= 1 << 2;
	if (pwrite(d->fd, &cmd, 2, d->cfg_offset + 4) != 2)
		bail("write PCI command");
}

/*
 * Copy a pattern RAM -> edu -> RAM through the physical addresses GET_PA
 * gave for two buffers, in chunks the edu can take, and check every byte.
 */
static void dma_round_trip(struct dev *d, const char *what, uint8_t *src,
			   uint8_t *dst, size_t len)
{
	uint64_t src_iova = ioas_map(d, src, len);
	uint64_t dst_iova = ioas_map(d, dst, len);
	size_t off, bad = 0;
	int dma_ok = 1;

	for (off = 0; off < len; off++) {
		src[off] = (uint8_t)(off * 7 + len);
		dst[off] = 0;
	}

	for (off = 0; off < len; off += EDU_CHUNK) {
		uint64_t l1 = EDU_CHUNK, l2 = EDU_CHUNK;
		uint64_t spa = get_pa(d, src_iova + off, &l1);
		uint64_t dpa = get_pa(d, dst_iova + off, &l2);

		if (l1 < EDU_CHUNK || l2 < EDU_CHUNK ||
		    spa != pagemap_pa(src + off) ||
		    dpa != pagemap_pa(dst + off)) {
			result(0, "%s: GET_PA at offset %zu agrees with pagemap",
			       what, off);
			return;
		}
		if (edu_dma(d, spa, EDU_BUF, EDU_CHUNK, 0) ||
		    edu_dma(d, EDU_BUF, dpa, EDU_CHUNK, EDU_CMD_TO_RAM)) {
			dma_ok = 0;
			break;
		}
	}
	result(dma_ok, "%s: edu DMA of %zu bytes completes", what, len);
	for (off = 0; off < len; off++)
		bad += src[off] != dst[off];
	result(dma_ok && !bad, "%s: every byte arrived (%zu wrong)", what, bad);

	ioas_unmap(d, src_iova, len);
	ioas_unmap(d, dst_iova, len);
}

int main(int argc, char **argv)
{
	struct vfio_region_info reg = { .argsz = sizeof(reg) };
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct dev d = {};
	char name[256] = "";
	uint8_t *src, *dst;
	uint64_t len, pa;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PCI-BDF\n", argv[0]);
		return 2;
	}
	printf("TAP version 13\n");

	d.fd = open_cdev(argv[1], name, sizeof(name));
	result(d.fd >= 0 && !strncmp(name, "noiommu-vfio", 12),
	       "open /dev/vfio/devices/%s", name);
	if (d.fd < 0)
		bail("open the cdev");

	d.iommufd = open("/dev/iommu", O_RDWR);
	if (d.iommufd < 0)
		bail("open /dev/iommu");
	bind.iommufd = d.iommufd;
	rc = ioctl(d.fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	result(!rc && bind.out_devid, "VFIO_DEVICE_BIND_IOMMUFD (devid %u)",
	       bind.out_devid);
	if (ioctl(d.iommufd, IOMMU_IOAS_ALLOC, &alloc))
		bail("IOMMU_IOAS_ALLOC");
	d.ioas_id = alloc.out_ioas_id;
	attach.pt_id = d.ioas_id;
	rc = ioctl(d.fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
	result(!rc && attach.pt_id != d.ioas_id,
	       "VFIO_DEVICE_ATTACH_IOMMUFD_PT to IOAS %u (hwpt %u)", d.ioas_id,
	       attach.pt_id);

	reg.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(d.fd, VFIO_DEVICE_GET_REGION_INFO, &reg))
		bail("config region info");
	d.cfg_offset = reg.offset;
	reg = (struct vfio_region_info){ .argsz = sizeof(reg),
					 .index = VFIO_PCI_BAR0_REGION_INDEX };
	if (ioctl(d.fd, VFIO_DEVICE_GET_REGION_INFO, &reg))
		bail("BAR0 region info");
	d.bar0 = mmap(NULL, reg.size, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd,
		      reg.offset);
	if (d.bar0 == MAP_FAILED)
		bail("mmap BAR0");
	/* The identification register reads 0xRRrr00ed */
	result((*(volatile uint32_t *)d.bar0 & 0xffff) == 0x00ed,
	       "BAR0 mapped, edu identification %#x",
	       *(volatile uint32_t *)d.bar0);
	enable_bus_master(&d);

	/* 4K pages */
	src = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	dst = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (src == MAP_FAILED || dst == MAP_FAILED)
		bail("mmap buffers");
	dma_round_trip(&d, "4K pages", src, dst, 64 * 1024);

	/* 2M huge pages: one GET_PA describes the whole page */
	src = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE, -1,
		   0);
	dst = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE, -1,
		   0);
	if (src == MAP_FAILED || dst == MAP_FAILED)
		bail("mmap 2M huge pages (is vm.nr_hugepages set?)");
	{
		uint64_t iova = ioas_map(&d, src, SZ_2M);

		len = ~0ULL;
		pa = get_pa(&d, iova, &len);
		result(len == SZ_2M && pa == pagemap_pa(src) && !(pa % SZ_2M),
		       "GET_PA over a 2M huge page: %#llx, %llu bytes contiguous",
		       (unsigned long long)pa, (unsigned long long)len);
		ioas_unmap(&d, iova, SZ_2M);
	}
	dma_round_trip(&d, "2M huge pages", src, dst, 256 * 1024);

	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}

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
#include <linux/iommufd.h>

#include "edu.h"

struct dev {
	int fd;
	int iommufd;
	uint32_t ioas_id;
	struct edu edu;
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

/*
 * Copy a pattern RAM -> edu -> RAM through the physical addresses GET_PA
 * gave for two buffers, in chunks the edu can take, and check every byte.
 */
static void dma_round_trip(struct dev *d, const char *what, uint8_t *src,
			   uint8_t *dst, size_t len)
{
	uint64_t src_iova = ioas_map(d, src, len);
	uint64_t dst_iova = ioas_map(d, dst, len);
	size_t off, bad;
	int dma_ok = 1;

	fill_pattern(src, dst, len);

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
		if (edu_dma(&d->edu, spa, EDU_BUF, EDU_CHUNK, 0) ||
		    edu_dma(&d->edu, EDU_BUF, dpa, EDU_CHUNK, EDU_CMD_TO_RAM)) {
			dma_ok = 0;
			break;
		}
	}
	result(dma_ok, "%s: edu DMA of %zu bytes completes", what, len);
	bad = count_differences(src, dst, len);
	result(dma_ok && !bad, "%s: every byte arrived (%zu wrong)", what, bad);

	ioas_unmap(d, src_iova, len);
	ioas_unmap(d, dst_iova, len);
}

int main(int argc, char **argv)
{
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

	edu_setup(&d.edu, d.fd);
	edu_enable_bus_master(&d.edu);

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

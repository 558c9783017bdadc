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
#include "edu.h"

struct dev {
	int fd;
	int iommufd;
	uint32_t ioas_id;
	struct edu edu;
};

/* Map @len bytes at @buf at an IOVA iommufd picks */
static uint64_t map(struct dev *d, void *buf, size_t len)
{
	uint64_t iova;

	if (ioas_map(d->iommufd, d->ioas_id, buf, len, &iova, 0))
		fatal("IOMMU_IOAS_MAP");
	return iova;
}

static void unmap(struct dev *d, uint64_t iova, size_t len)
{
	if (ioas_unmap(d->iommufd, d->ioas_id, iova, len))
		fatal("IOMMU_IOAS_UNMAP");
}

/* The physical address of @iova; *len: the most bytes in, contiguous out */
static uint64_t phys(struct dev *d, uint64_t iova, uint64_t *len)
{
	uint64_t pa;

	if (get_pa(d->iommufd, d->ioas_id, iova, len, &pa))
		fatal("IOMMU_IOAS_NOIOMMU_GET_PA(%#llx)", (unsigned long long)iova);
	return pa;
}

/*
 * Copy a pattern RAM -> edu -> RAM through the physical addresses GET_PA
 * gave for two buffers, in chunks the edu can take, and check every byte.
 */
static void dma_round_trip(struct dev *d, const char *what, uint8_t *src,
			   uint8_t *dst, size_t len)
{
	uint64_t src_iova = map(d, src, len);
	uint64_t dst_iova = map(d, dst, len);
	size_t off, bad;
	int dma_ok = 1;

	fill_pattern(src, dst, len);

	for (off = 0; off < len; off += EDU_CHUNK) {
		uint64_t l1 = EDU_CHUNK, l2 = EDU_CHUNK;
		uint64_t spa = phys(d, src_iova + off, &l1);
		uint64_t dpa = phys(d, dst_iova + off, &l2);

		if (l1 < EDU_CHUNK || l2 < EDU_CHUNK ||
		    spa != va_to_pa(src + off) ||
		    dpa != va_to_pa(dst + off)) {
			check(0, "%s: GET_PA at offset %zu agrees with pagemap",
			       what, off);
			return;
		}
		if (edu_dma(&d->edu, spa, EDU_BUF, EDU_CHUNK, 0) ||
		    edu_dma(&d->edu, EDU_BUF, dpa, EDU_CHUNK, EDU_CMD_TO_RAM)) {
			dma_ok = 0;
			break;
		}
	}
	check(dma_ok, "%s: edu DMA of %zu bytes completes", what, len);
	bad = count_differences(src, dst, len);
	check(dma_ok && !bad, "%s: every byte arrived (%zu wrong)", what, bad);

	unmap(d, src_iova, len);
	unmap(d, dst_iova, len);
}

int main(int argc, char **argv)
{
	const char *bdf = tap_start(argc, argv, 2);
	struct dev d = {};
	char name[256] = "";
	uint8_t *src, *dst;
	uint64_t len, pa, iova;
	uint32_t devid = 0;
	int rc;

	if (cdev_name(bdf, name, sizeof(name)))
		fatal("no vfio-dev for %s: is it bound to vfio-pci?", bdf);
	d.fd = cdev_open(bdf);
	check(d.fd >= 0 && !strncmp(name, "noiommu-vfio", 12),
	      "open /dev/vfio/devices/%s", name);
	if (d.fd < 0)
		fatal("open the cdev");

	d.iommufd = open("/dev/iommu", O_RDWR);
	if (d.iommufd < 0)
		fatal("open /dev/iommu");
	rc = dev_bind(d.fd, d.iommufd, &devid);
	check(!rc && devid, "VFIO_DEVICE_BIND_IOMMUFD (devid %u)", devid);
	if (ioas_new(d.iommufd, &d.ioas_id))
		fatal("IOMMU_IOAS_ALLOC");
	{
		uint32_t hwpt = d.ioas_id;

		rc = dev_attach(d.fd, &hwpt);
		check(!rc && hwpt != d.ioas_id,
		      "VFIO_DEVICE_ATTACH_IOMMUFD_PT to IOAS %u (hwpt %u)",
		      d.ioas_id, hwpt);
	}

	edu_setup(&d.edu, d.fd);
	edu_enable_bus_master(&d.edu);

	/* 4K pages */
	src = buf_alloc(64 * 1024, 0);
	dst = buf_alloc(64 * 1024, 0);
	if (!src || !dst)
		fatal("mmap buffers");
	dma_round_trip(&d, "4K pages", src, dst, 64 * 1024);

	/* 2M huge pages: one GET_PA describes the whole page */
	src = buf_alloc(SZ_2M, 1);
	dst = buf_alloc(SZ_2M, 1);
	if (!src || !dst)
		fatal("mmap 2M huge pages (is vm.nr_hugepages set?)");
	iova = map(&d, src, SZ_2M);
	len = ~0ULL;
	pa = phys(&d, iova, &len);
	check(len == SZ_2M && pa == va_to_pa(src) && !(pa % SZ_2M),
	      "GET_PA over a 2M huge page: %#llx, %llu bytes contiguous",
	      (unsigned long long)pa, (unsigned long long)len);
	unmap(&d, iova, SZ_2M);
	dma_round_trip(&d, "2M huge pages", src, dst, 256 * 1024);

	return tap_end();
}

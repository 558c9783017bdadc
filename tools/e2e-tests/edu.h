/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Driving QEMU's edu device through a VFIO device fd (cdev or legacy group,
 * the regions are the same), for the end-to-end programs that DMA.  On top
 * of noiommu_lib.h; included, not linked: tools/e2e builds each *.c on its
 * own.
 */
#ifndef E2E_EDU_H
#define E2E_EDU_H

#include "noiommu_lib.h"

#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_CNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2
#define EDU_BUF 0x40000
/* QEMU 7.2's edu aborts on a DMA that ends on the last byte of its buffer */
#define EDU_CHUNK 2048

struct edu {
	int fd;			/* the VFIO device fd */
	volatile uint8_t *bar0;
	uint64_t cfg_offset;
};

/* Find the config space, map BAR0, check the identification register */
static inline void edu_setup(struct edu *e, int fd)
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
	check((*(volatile uint32_t *)e->bar0 & 0xffff) == 0x00ed,
	       "BAR0 mapped, edu identification %#x",
	       *(volatile uint32_t *)e->bar0);
}

static inline void edu_wr64(struct edu *e, unsigned int reg, uint64_t val)
{
	*(volatile uint64_t *)(e->bar0 + reg) = val;
}

static inline uint64_t edu_rd64(struct edu *e, unsigned int reg)
{
	return *(volatile uint64_t *)(e->bar0 + reg);
}

/* One DMA of the edu engine, polled to completion; -1 after 5 s */
static inline int edu_dma(struct edu *e, uint64_t src, uint64_t dst,
			  uint64_t count, uint64_t cmd)
{
	struct timespec start, now;

	edu_wr64(e, EDU_DMA_SRC, src);
	edu_wr64(e, EDU_DMA_DST, dst);
	edu_wr64(e, EDU_DMA_CNT, count);
	edu_wr64(e, EDU_DMA_CMD, cmd | EDU_CMD_START);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (edu_rd64(e, EDU_DMA_CMD) & EDU_CMD_START) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 5)
			return -1;
	}
	return 0;
}

static inline void edu_enable_bus_master(struct edu *e)
{
	uint16_t cmd;

	if (pread(e->fd, &cmd, 2, e->cfg_offset + 4) != 2)
		fatal("read PCI command");
	cmd |= 1 << 2;
	if (pwrite(e->fd, &cmd, 2, e->cfg_offset + 4) != 2)
		fatal("write PCI command");
}

/* Fill src with a pattern of len bytes and clear dst */
static inline void fill_pattern(uint8_t *src, uint8_t *dst, size_t len)
{
	size_t off;

	for (off = 0; off < len; off++) {
		src[off] = (uint8_t)(off * 7 + len);
		dst[off] = 0;
	}
}

static inline size_t count_differences(const uint8_t *a, const uint8_t *b,
				       size_t len)
{
	size_t off, bad = 0;

	for (off = 0; off < len; off++)
		bad += a[off] != b[off];
	return bad;
}

#endif /* E2E_EDU_H */

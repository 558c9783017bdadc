// SPDX-License-Identifier: GPL-2.0-only
/*
 * The answers a user-space driver gets from a no-IOMMU VFIO cdev and the
 * iommufd calls it can make with it, one line per probe: "NAME ANSWER".
 * tools/conformance builds this once, against the series' uAPI, and runs
 * the same binary on the series' kernel and on Linux 7.3; any line that
 * differs is a difference a driver would see.
 *
 * An answer holds only what must not depend on the kernel's memory
 * layout: the errno name (or 0), the output fields a caller reads, and
 * for a physical address whether it is the one /proc/self/pagemap gives
 * ("pa=pagemap").  A failed call whose struct came back changed says
 * "wrote".
 *
 * usage: probe PCI-BDF   (the device bound to vfio-pci in no-IOMMU mode)
 */
#define _GNU_SOURCE
#include "../e2e-tests/noiommu_lib.h"

/* A probe states the fields it changes after the defaults it overrides */
#pragma GCC diagnostic ignored "-Woverride-init"

#define HIOVA 0x40000000ULL		/* the 2M huge page, fixed IOVA */
#define SIOVA 0x80000000ULL		/* four 4K pages, fixed IOVA */
#define SMALL (4 * SZ_4K)

static const char *bdf;
static int nprobes;

static void __attribute__((format(printf, 2, 3)))
answer(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("PROBE %s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	nprobes++;
}

/* A session with its memory: the huge page at HIOVA, 4K pages at SIOVA */
struct fix {
	struct session s;
	uint8_t *huge, *small;
	int attached, mapped;
};

/* @attach: attach the device to the IOAS; @map: map both buffers */
static int fix_open(struct fix *f, int attach, int map)
{
	const char *what = "";
	uint64_t iova;
	int rc;

	memset(f, 0, sizeof(*f));
	f->huge = buf_alloc(SZ_2M, 1);
	f->small = buf_alloc(SMALL, 0);
	if (!f->huge || !f->small)
		fatal("mmap");
	if (attach) {
		rc = session_open(&f->s, bdf, &what);
	} else {
		f->s.dev = cdev_open(bdf);
		f->s.ifd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
		rc = f->s.dev < 0 ? f->s.dev : f->s.ifd < 0 ? -errno : 0;
		what = "open";
		if (!rc)
			rc = dev_bind(f->s.dev, f->s.ifd, &f->s.devid);
		if (!rc)
			rc = ioas_new(f->s.ifd, &f->s.ioas);
	}
	if (rc) {
		errno = -rc;
		fatal("fixture: %s", what);
	}
	f->attached = attach;
	if (map) {
		iova = HIOVA;
		rc = ioas_map(f->s.ifd, f->s.ioas, f->huge, SZ_2M, &iova, 1);
		iova = SIOVA;
		if (!rc)
			rc = ioas_map(f->s.ifd, f->s.ioas, f->small, SMALL, &iova, 1);
		if (rc) {
			errno = -rc;
			fatal("fixture: IOMMU_IOAS_MAP");
		}
		f->mapped = 1;
	}
	return 0;
}

static void fix_close(struct fix *f)
{
	session_close(&f->s);
	munmap(f->huge, SZ_2M);
	munmap(f->small, SMALL);
}

/* ---- GET_PA ---------------------------------------------------------------- */

/* One GET_PA call as a driver makes it; every field can be set */
struct gp {
	uint32_t size, flags, ioas, reserved;
	uint64_t iova, length;
	uint8_t tail;		/* a non-zero byte after the struct */
	uint8_t size0;		/* size 0, not sizeof */
};

/* What @va's physical address is, as a word of an answer */
static const char *pa_word(uint64_t pa, const void *va)
{
	uint64_t want = va ? va_to_pa(va) : 0;

	if (!want)
		return "unknown";
	return pa == want ? "pagemap" : "other";
}

/*
 * Make the call; the answer into @buf.  @va is the user address the IOVA
 * stands for, to compare the physical address with pagemap's.
 */
static void gp_call(int ifd, const struct gp *g, const void *va, char *buf,
		    size_t len)
{
	union {
		struct iommu_ioas_noiommu_get_pa s;
		uint8_t b[128];
	} u, before;
	int rc;

	memset(&u, 0, sizeof(u));
	u.s.size = g->size0 ? 0 : g->size ? g->size : sizeof(u.s);
	u.s.flags = g->flags;
	u.s.ioas_id = g->ioas;
	u.s.__reserved = g->reserved;
	u.s.iova = g->iova;
	u.s.length = g->length;
	u.s.out_phys = 0x5a5a5a5a5a5a5a5aULL;
	if (g->tail)
		u.b[sizeof(u.s)] = g->tail;
	before = u;
	rc = io(ifd, IOMMU_IOAS_NOIOMMU_GET_PA, &u);
	if (rc)
		snprintf(buf, len, "%s%s", errname(rc),
			 memcmp(&u, &before, sizeof(u)) ? " wrote" : "");
	else
		snprintf(buf, len, "0 length=%llu pa=%s",
			 (unsigned long long)u.s.length, pa_word(u.s.out_phys, va));
}

/* In a child without CAP_SYS_RAWIO */
struct nocap_call {
	int ifd;
	const struct gp *g;
	const void *va;
	char *shared;
};

static void gp_nocap_child(void *arg)
{
	struct nocap_call *c = arg;

	if (drop_cap(CAP_SYS_RAWIO)) {
		snprintf(c->shared, 128, "capset-failed");
		return;
	}
	gp_call(c->ifd, c->g, c->va, c->shared, 128);
}

/* Run @fn(@arg) in a child; its answer comes back in @shared (128 bytes) */
static void in_child(void (*fn)(void *), void *arg, char *shared)
{
	pid_t pid;

	snprintf(shared, 128, "child-died");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

static char *shared_page(void)
{
	void *p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fatal("mmap shared");
	return p;
}

/* The answer with CAP_SYS_RAWIO, and without it as "NAME.nocap" */
static void gp_probe(const char *name, int ifd, const struct gp *g,
		     const void *va, int nocap_too)
{
	char buf[128], nm[96];

	gp_call(ifd, g, va, buf, sizeof(buf));
	answer(name, "%s", buf);
	if (nocap_too) {
		static char *shared;
		struct nocap_call c = { ifd, g, va, NULL };

		if (!shared)
			shared = shared_page();
		c.shared = shared;
		in_child(gp_nocap_child, &c, shared);
		snprintf(nm, sizeof(nm), "%s.nocap", name);
		answer(nm, "%s", shared);
	}
}

static void probe_get_pa(void)
{
	struct fix f, u;
	uint32_t ioas2;
	const uint8_t *h, *s;
	struct gp g;

	fix_open(&f, 1, 1);
	h = f.huge;
	s = f.small;
#define GP(name, nocap, va, ...) do {					\
		g = (struct gp){ .ioas = f.s.ioas, .iova = HIOVA,	\
				 .length = SZ_2M, __VA_ARGS__ };	\
		gp_probe(name, f.s.ifd, &g, va, nocap);			\
	} while (0)

	/* The answers of a good call */
	GP("getpa.huge", 1, h);
	GP("getpa.huge.mid", 0, h + 0x1234, .iova = HIOVA + 0x1234, .length = 0x100);
	GP("getpa.huge.longer", 0, h, .length = 2 * SZ_2M);
	GP("getpa.huge.last_byte", 0, h + SZ_2M - 1, .iova = HIOVA + SZ_2M - 1, .length = 1);
	GP("getpa.huge.last_byte_longer", 0, h + SZ_2M - 1, .iova = HIOVA + SZ_2M - 1, .length = 100);
	GP("getpa.huge.length_max", 0, h, .length = ~0ULL);
	GP("getpa.huge.length_max_mid", 0, h + 0x10, .iova = HIOVA + 0x10, .length = ~0ULL);
	GP("getpa.small.page", 0, s, .iova = SIOVA, .length = SZ_4K);
	GP("getpa.small.part", 0, s + 100, .iova = SIOVA + 100, .length = 100);
	GP("getpa.small.last_byte", 0, s + SMALL - 1, .iova = SIOVA + SMALL - 1, .length = 1);

	/* Each field wrong on its own */
	GP("getpa.flags1", 1, h, .flags = 1);
	GP("getpa.flags_top", 0, h, .flags = 1U << 31);
	GP("getpa.reserved", 1, h, .reserved = 1);
	GP("getpa.length0", 1, h, .length = 0);
	GP("getpa.ioas.0", 1, h, .ioas = 0);
	GP("getpa.ioas.unused", 1, h, .ioas = 9999);
	GP("getpa.ioas.device", 1, h, .ioas = f.s.devid);
	GP("getpa.ioas.hwpt", 1, h, .ioas = f.s.hwpt);
	GP("getpa.iova.0", 1, NULL, .iova = 0, .length = SZ_4K);
	GP("getpa.iova.ulong_max", 0, NULL, .iova = ~0ULL, .length = 1);
	GP("getpa.iova.2e63", 0, NULL, .iova = 1ULL << 63, .length = SZ_4K);
	GP("getpa.iova.past_area", 1, NULL, .iova = HIOVA + SZ_2M, .length = 1);
	GP("getpa.iova.before_area", 0, NULL, .iova = HIOVA - 1, .length = 2);
	GP("getpa.iova.past_small", 0, NULL, .iova = SIOVA + SMALL, .length = SZ_4K);

	/* The top of the IOVA space, unmapped */
	GP("getpa.top.last.length0", 0, NULL, .iova = ~0ULL, .length = 0);
	GP("getpa.top.last.length2", 0, NULL, .iova = ~0ULL, .length = 2);
	GP("getpa.top.last.nocap", 1, NULL, .iova = ~0ULL, .length = 1);
	GP("getpa.top.last.ioas.unused", 0, NULL, .iova = ~0ULL, .length = 1, .ioas = 9999);
	GP("getpa.top.last.flags1", 0, NULL, .iova = ~0ULL, .length = 1, .flags = 1);
	GP("getpa.top.last_but_one.length1", 0, NULL, .iova = ~1ULL, .length = 1);
	GP("getpa.top.last_but_one.length2", 0, NULL, .iova = ~1ULL, .length = 2);
	GP("getpa.top.last_but_one.length3", 0, NULL, .iova = ~1ULL, .length = 3);
	GP("getpa.top.page.length1", 0, NULL, .iova = -4096ULL, .length = 1);
	GP("getpa.top.page.length4096", 0, NULL, .iova = -4096ULL, .length = 4096);
	GP("getpa.top.page.length_max", 0, NULL, .iova = -4096ULL, .length = ~0ULL);
	GP("getpa.iova.1.length_max", 0, NULL, .iova = 1, .length = ~0ULL);
	GP("getpa.iova.2e63.length_max", 0, NULL, .iova = 1ULL << 63, .length = ~0ULL);

	/* Struct size */
	GP("getpa.size.0", 0, h, .size0 = 1);
	GP("getpa.size.4", 0, h, .size = 4);
	GP("getpa.size.16", 0, h, .size = 16);
	GP("getpa.size.24", 1, h, .size = 24);
	GP("getpa.size.32", 0, h, .size = 32);
	GP("getpa.size.39", 0, h, .size = 39);
	GP("getpa.size.48_zero_tail", 0, h, .size = 48);
	GP("getpa.size.48_tail", 1, h, .size = 48, .tail = 1);
	GP("getpa.size.40_tail_after", 0, h, .size = 40, .tail = 1);

	/* Two wrong fields: which error wins */
	GP("getpa.flags1+length0", 1, h, .flags = 1, .length = 0);
	GP("getpa.flags1+ioas.unused", 1, h, .flags = 1, .ioas = 9999);
	GP("getpa.reserved+length0", 0, h, .reserved = 1, .length = 0);
	GP("getpa.length0+ioas.unused", 1, h, .length = 0, .ioas = 9999);
	GP("getpa.length0+iova.unmapped", 0, h, .length = 0, .iova = 0);
	GP("getpa.size.4+flags1", 0, h, .size = 4, .flags = 1);
	GP("getpa.size.48_tail+flags1", 0, h, .size = 48, .tail = 1, .flags = 1);
	GP("getpa.ioas.device+iova.unmapped", 0, h, .ioas = f.s.devid, .iova = 0);

	/* An IOAS with no device at all, mapped and not */
	if (ioas_new(f.s.ifd, &ioas2))
		fatal("IOMMU_IOAS_ALLOC");
	{
		uint64_t iova = HIOVA;
		uint8_t *b = buf_alloc(SZ_2M, 1);
		int rc = b ? ioas_map(f.s.ifd, ioas2, b, SZ_2M, &iova, 1) : -ENOMEM;

		answer("ioas.nodevice.map", "%s", errname(rc));
		GP("getpa.nodevice.mapped", 1, b, .ioas = ioas2);
		GP("getpa.nodevice.unmapped", 1, NULL, .ioas = ioas2, .iova = 0);
		GP("getpa.nodevice.length0", 1, b, .ioas = ioas2, .length = 0);
		GP("getpa.nodevice.flags1", 0, b, .ioas = ioas2, .flags = 1);
		GP("getpa.nodevice.top.last", 0, NULL, .ioas = ioas2, .iova = ~0ULL, .length = 1);
		obj_destroy(f.s.ifd, ioas2);
		if (b)
			munmap(b, SZ_2M);
	}
	fix_close(&f);

	/* A device bound but not attached: its IOAS has no device */
	fix_open(&u, 0, 1);
	g = (struct gp){ .ioas = u.s.ioas, .iova = HIOVA, .length = SZ_2M };
	gp_probe("getpa.unattached.mapped", u.s.ifd, &g, u.huge, 1);
	fix_close(&u);
#undef GP
}

/* ---- map, unmap, copy, map_file with the device attached ------------------ */

static void probe_ioas_ops(void)
{
	struct iommu_ioas_iova_ranges r = { .size = sizeof(r) };
	struct iommu_iova_range ranges[8];
	struct fix f;
	struct gp g;
	uint64_t iova;
	uint32_t src;
	uint8_t *b;
	int rc, mfd;

	fix_open(&f, 1, 1);

	r.ioas_id = f.s.ioas;
	r.num_iovas = 8;
	r.allowed_iovas = (uintptr_t)ranges;
	rc = io(f.s.ifd, IOMMU_IOAS_IOVA_RANGES, &r);
	if (rc)
		answer("ioas.iova_ranges", "%s", errname(rc));
	else
		answer("ioas.iova_ranges", "0 num=%u first=[%#llx,%#llx] alignment=%#llx",
		       r.num_iovas, (unsigned long long)ranges[0].start,
		       (unsigned long long)ranges[0].last,
		       (unsigned long long)r.out_iova_alignment);

	/* The IOVA iommufd picks for a huge page */
	b = buf_alloc(SZ_2M, 1);
	iova = 0;
	rc = b ? ioas_map(f.s.ifd, f.s.ioas, b, SZ_2M, &iova, 0) : -ENOMEM;
	answer("ioas.map.picked_iova", "%s aligned_2M=%d", errname(rc),
	       !rc && !(iova % SZ_2M));
	g = (struct gp){ .ioas = f.s.ioas, .iova = iova, .length = SZ_2M };
	gp_probe("getpa.picked_iova", f.s.ifd, &g, b, 0);

	/* A map at an unaligned user address and IOVA */
	iova = SIOVA + 0x100000 + 0x10;
	rc = ioas_map(f.s.ifd, f.s.ioas, f.small + 0x10, 0x100, &iova, 1);
	answer("ioas.map.unaligned", "%s", errname(rc));

	/* Overlapping the huge page's area */
	iova = HIOVA + SZ_4K;
	rc = ioas_map(f.s.ifd, f.s.ioas, f.small, SZ_4K, &iova, 1);
	answer("ioas.map.overlap", "%s", errname(rc));

	/* Unmap half of the huge page: an area cannot be split */
	rc = ioas_unmap(f.s.ifd, f.s.ioas, HIOVA, SZ_4K);
	answer("ioas.unmap.part_of_area", "%s", errname(rc));

	/* Copy the huge page from another IOAS */
	if (ioas_new(f.s.ifd, &src))
		fatal("IOMMU_IOAS_ALLOC");
	iova = HIOVA;
	rc = ioas_map(f.s.ifd, src, b, SZ_2M, &iova, 1);
	{
		struct iommu_ioas_copy c = {
			.size = sizeof(c),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
			.dst_ioas_id = f.s.ioas, .src_ioas_id = src,
			.length = SZ_2M, .dst_iova = 0x100000000ULL,
			.src_iova = HIOVA,
		};

		if (!rc)
			rc = io(f.s.ifd, IOMMU_IOAS_COPY, &c);
		answer("ioas.copy", "%s", errname(rc));
		g = (struct gp){ .ioas = f.s.ioas, .iova = 0x100000000ULL,
				 .length = SZ_2M };
		gp_probe("getpa.copied", f.s.ifd, &g, b, 0);
	}
	obj_destroy(f.s.ifd, src);

	/* A memfd mapped by file */
	mfd = memfd_create("probe", 0);
	rc = mfd < 0 ? -errno : ftruncate(mfd, SZ_2M) ? -errno : 0;
	{
		struct iommu_ioas_map_file m = {
			.size = sizeof(m),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = f.s.ioas, .fd = mfd, .start = 0,
			.length = SZ_4K, .iova = 0x200000000ULL,
		};
		uint8_t *mv = NULL;

		if (!rc)
			rc = io(f.s.ifd, IOMMU_IOAS_MAP_FILE, &m);
		answer("ioas.map_file", "%s", errname(rc));
		if (mfd >= 0) {
			mv = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED,
				  mfd, 0);
			if (mv == MAP_FAILED)
				mv = NULL;
			else
				*(volatile uint8_t *)mv = 1;
		}
		g = (struct gp){ .ioas = f.s.ioas, .iova = 0x200000000ULL,
				 .length = SZ_4K };
		gp_probe("getpa.map_file", f.s.ifd, &g, mv, 0);
		if (mv)
			munmap(mv, SZ_4K);
	}
	if (mfd >= 0)
		close(mfd);

	/* Unmap everything: nothing is left to translate */
	{
		struct iommu_ioas_unmap un = { .size = sizeof(un),
			.ioas_id = f.s.ioas, .iova = 0, .length = ~0ULL };

		rc = io(f.s.ifd, IOMMU_IOAS_UNMAP, &un);
		answer("ioas.unmap.all", "%s", errname(rc));
		g = (struct gp){ .ioas = f.s.ioas, .iova = HIOVA, .length = SZ_2M };
		gp_probe("getpa.after_unmap_all", f.s.ifd, &g, NULL, 0);
	}

	/* A page at the very top of the IOVA space */
	iova = -4096ULL;
	rc = ioas_map(f.s.ifd, f.s.ioas, f.small, SZ_4K, &iova, 1);
	answer("ioas.map.top_page", "%s", errname(rc));
	g = (struct gp){ .ioas = f.s.ioas, .iova = -4096ULL, .length = SZ_4K };
	gp_probe("getpa.top_mapped.page", f.s.ifd, &g, f.small, 0);
	g.length = 1;
	gp_probe("getpa.top_mapped.page.length1", f.s.ifd, &g, f.small, 0);
	g.length = ~0ULL;
	gp_probe("getpa.top_mapped.page.length_max", f.s.ifd, &g, f.small, 0);
	g = (struct gp){ .ioas = f.s.ioas, .iova = -2048ULL, .length = 2048 };
	gp_probe("getpa.top_mapped.half", f.s.ifd, &g, f.small + 2048, 0);
	g = (struct gp){ .ioas = f.s.ioas, .iova = ~0ULL, .length = 1 };
	gp_probe("getpa.top_mapped.last", f.s.ifd, &g, f.small + 4095, 0);
	rc = ioas_unmap(f.s.ifd, f.s.ioas, -4096ULL, SZ_4K);
	answer("ioas.unmap.top_page", "%s", errname(rc));

	/* Huge pages off while the device is attached */
	{
		struct iommu_option o = { .size = sizeof(o),
			.option_id = IOMMU_OPTION_HUGE_PAGES,
			.op = IOMMU_OPTION_OP_SET, .object_id = f.s.ioas,
			.val64 = 0 };

		rc = io(f.s.ifd, IOMMU_OPTION, &o);
		answer("ioas.option.huge_pages_off", "%s", errname(rc));
	}
	munmap(b, SZ_2M);
	fix_close(&f);
}

/* ---- the other iommufd calls a device ID reaches ---------------------------- */

/* IOMMU_VIOMMU_ALLOC for the device on @hwpt_id; what is made is destroyed */
static void viommu_probe(const char *name, struct fix *f, uint32_t hwpt_id)
{
	struct iommu_viommu_alloc v = { .size = sizeof(v),
		.type = IOMMU_VIOMMU_TYPE_DEFAULT, .dev_id = f->s.devid,
		.hwpt_id = hwpt_id };
	int rc = io(f->s.ifd, IOMMU_VIOMMU_ALLOC, &v);

	answer(name, "%s", errname(rc));
	if (!rc)
		obj_destroy(f->s.ifd, v.out_viommu_id);
}

static void probe_iommufd_dev(void)
{
	struct fix f;
	uint32_t ioas2, hwpt = 0;
	int rc;

	fix_open(&f, 1, 1);
	{
		struct iommu_hw_info h = { .size = sizeof(h), .dev_id = f.s.devid };

		rc = io(f.s.ifd, IOMMU_GET_HW_INFO, &h);
		answer("hw_info", rc ? "%s" : "%s type=%u caps=%#llx max_pasid_log2=%u",
		       errname(rc), h.out_data_type,
		       (unsigned long long)h.out_capabilities, h.out_max_pasid_log2);
		h = (struct iommu_hw_info){ .size = sizeof(h), .dev_id = f.s.devid,
					    .flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE,
					    .in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD };
		rc = io(f.s.ifd, IOMMU_GET_HW_INFO, &h);
		answer("hw_info.input_type_vtd", "%s", errname(rc));
		h = (struct iommu_hw_info){ .size = sizeof(h), .dev_id = f.s.ioas };
		rc = io(f.s.ifd, IOMMU_GET_HW_INFO, &h);
		answer("hw_info.ioas_id", "%s", errname(rc));
	}
	{
		static const struct { const char *name; uint32_t flags; } fl[] = {
			{ "hwpt_alloc", 0 },
			{ "hwpt_alloc.nest_parent", IOMMU_HWPT_ALLOC_NEST_PARENT },
			{ "hwpt_alloc.dirty_tracking", IOMMU_HWPT_ALLOC_DIRTY_TRACKING },
			{ "hwpt_alloc.pasid", IOMMU_HWPT_ALLOC_PASID },
			{ "hwpt_alloc.fault_id", IOMMU_HWPT_FAULT_ID_VALID },
			{ "hwpt_alloc.flags_unknown", 1U << 31 },
		};
		size_t i;

		for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
			struct iommu_hwpt_alloc a = { .size = sizeof(a),
				.flags = fl[i].flags, .dev_id = f.s.devid,
				.pt_id = f.s.ioas };

			rc = io(f.s.ifd, IOMMU_HWPT_ALLOC, &a);
			answer(fl[i].name, "%s", errname(rc));
			if (!rc && !fl[i].flags)
				hwpt = a.out_hwpt_id;
			else if (!rc)
				obj_destroy(f.s.ifd, a.out_hwpt_id);
		}
	}
	viommu_probe("viommu_alloc.auto_hwpt", &f, f.s.hwpt);
	viommu_probe("viommu_alloc.ioas", &f, f.s.ioas);
	{
		struct iommu_vdevice_alloc v = { .size = sizeof(v),
			.viommu_id = f.s.ioas, .dev_id = f.s.devid, .virt_id = 1 };

		rc = io(f.s.ifd, IOMMU_VDEVICE_ALLOC, &v);
		answer("vdevice_alloc.no_viommu", "%s", errname(rc));
	}
	{
		struct iommu_hwpt_set_dirty_tracking d = { .size = sizeof(d),
			.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
			.hwpt_id = f.s.hwpt };
		uint64_t bitmap[8] = { 0 };
		struct iommu_hwpt_get_dirty_bitmap b = { .size = sizeof(b),
			.hwpt_id = f.s.hwpt, .iova = HIOVA, .length = SZ_2M,
			.page_size = SZ_4K, .data = (uintptr_t)bitmap };
		struct iommu_hwpt_invalidate inv = { .size = sizeof(inv),
			.hwpt_id = f.s.hwpt };

		rc = io(f.s.ifd, IOMMU_HWPT_SET_DIRTY_TRACKING, &d);
		answer("hwpt.set_dirty_tracking", "%s", errname(rc));
		rc = io(f.s.ifd, IOMMU_HWPT_GET_DIRTY_BITMAP, &b);
		answer("hwpt.get_dirty_bitmap", "%s", errname(rc));
		rc = io(f.s.ifd, IOMMU_HWPT_INVALIDATE, &inv);
		answer("hwpt.invalidate", "%s", errname(rc));
	}
	answer("destroy.attached_hwpt", "%s", errname(obj_destroy(f.s.ifd, f.s.hwpt)));
	answer("destroy.device", "%s", errname(obj_destroy(f.s.ifd, f.s.devid)));
	answer("destroy.attached_ioas", "%s", errname(obj_destroy(f.s.ifd, f.s.ioas)));

	/* Attach: again, with a PASID, to a second IOAS (replace), detach twice */
	{
		uint32_t pt = f.s.ioas;
		struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a),
			.flags = VFIO_DEVICE_ATTACH_PASID, .pt_id = f.s.ioas,
			.pasid = 1 };
		struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d),
			.flags = VFIO_DEVICE_DETACH_PASID, .pasid = 1 };
		struct gp g;

		rc = dev_attach(f.s.dev, &pt);
		answer("attach.same_ioas_again", "%s same_hwpt=%d", errname(rc),
		       !rc && pt == f.s.hwpt);
		rc = io(f.s.dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
		answer("attach.pasid", "%s", errname(rc));
		a.pt_id = 9999;
		rc = io(f.s.dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
		answer("attach.pasid.bad_pt_id", "%s", errname(rc));
		a.pt_id = f.s.ioas;
		a.pasid = 0;
		rc = io(f.s.dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
		answer("attach.pasid.0", "%s", errname(rc));
		rc = io(f.s.dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
		answer("detach.pasid", "%s", errname(rc));

		if (ioas_new(f.s.ifd, &ioas2))
			fatal("IOMMU_IOAS_ALLOC");
		pt = ioas2;
		rc = dev_attach(f.s.dev, &pt);
		answer("attach.replace_ioas", "%s", errname(rc));
		g = (struct gp){ .ioas = f.s.ioas, .iova = HIOVA, .length = SZ_2M };
		gp_probe("getpa.replaced.old_ioas", f.s.ifd, &g, f.huge, 0);
		g.ioas = ioas2;
		gp_probe("getpa.replaced.new_ioas", f.s.ifd, &g, NULL, 0);

		if (hwpt) {
			pt = hwpt;
			rc = dev_attach(f.s.dev, &pt);
			answer("attach.replace_user_hwpt", "%s", errname(rc));
			g = (struct gp){ .ioas = f.s.ioas, .iova = HIOVA,
					 .length = SZ_2M };
			gp_probe("getpa.user_hwpt", f.s.ifd, &g, f.huge, 0);
		} else {
			answer("attach.replace_user_hwpt", "no-hwpt");
		}
		rc = dev_detach(f.s.dev);
		answer("detach", "%s", errname(rc));
		rc = dev_detach(f.s.dev);
		answer("detach.again", "%s", errname(rc));
		g = (struct gp){ .ioas = f.s.ioas, .iova = HIOVA, .length = SZ_2M };
		gp_probe("getpa.detached", f.s.ifd, &g, f.huge, 0);
		if (hwpt)
			answer("destroy.user_hwpt_detached", "%s",
			       errname(obj_destroy(f.s.ifd, hwpt)));
	}
	fix_close(&f);
}

/* ---- HWPTs a user allocates for the device ------------------------------------ */

static int hwpt_alloc(struct fix *f, uint32_t pt, uint32_t flags,
		      uint32_t data_type, uint32_t data_len, uint32_t fault_id,
		      uint32_t *out)
{
	static uint8_t data[64];
	struct iommu_hwpt_alloc a = { .size = sizeof(a), .flags = flags,
		.dev_id = f->s.devid, .pt_id = pt, .data_type = data_type,
		.data_len = data_len, .data_uptr = (uintptr_t)data,
		.fault_id = fault_id };
	int rc = io(f->s.ifd, IOMMU_HWPT_ALLOC, &a);

	if (!rc)
		*out = a.out_hwpt_id;
	return rc;
}

static void probe_hwpt(void)
{
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	uint32_t hwpt = 0, h2, pt;
	struct fix f;
	struct gp g;
	int rc;

	fix_open(&f, 0, 1);
	rc = hwpt_alloc(&f, f.s.ioas, 0, 0, 0, 0, &hwpt);
	answer("hwpt.alloc.unattached_device", "%s", errname(rc));
	g = (struct gp){ .ioas = f.s.ioas, .iova = HIOVA, .length = SZ_2M };
	gp_probe("getpa.hwpt.not_attached", f.s.ifd, &g, f.huge, 0);
	rc = hwpt_alloc(&f, f.s.ioas, 0, 0, 8, 0, &h2);
	answer("hwpt.alloc.data_none_with_len", "%s", errname(rc));
	rc = hwpt_alloc(&f, f.s.ioas, 0, IOMMU_HWPT_DATA_VTD_S1, 0, 0, &h2);
	answer("hwpt.alloc.data_type_no_len", "%s", errname(rc));
	rc = hwpt_alloc(&f, f.s.ioas, 0, IOMMU_HWPT_DATA_VTD_S1,
			sizeof(struct iommu_hwpt_vtd_s1), 0, &h2);
	answer("hwpt.alloc.user_data", "%s", errname(rc));
	rc = hwpt_alloc(&f, f.s.devid, 0, 0, 0, 0, &h2);
	answer("hwpt.alloc.pt_device", "%s", errname(rc));
	rc = hwpt_alloc(&f, 9999, 0, 0, 0, 0, &h2);
	answer("hwpt.alloc.pt_unused", "%s", errname(rc));
	if (hwpt) {
		rc = hwpt_alloc(&f, hwpt, 0, IOMMU_HWPT_DATA_VTD_S1,
				sizeof(struct iommu_hwpt_vtd_s1), 0, &h2);
		answer("hwpt.alloc.nested_on_user_hwpt", "%s", errname(rc));
		rc = hwpt_alloc(&f, hwpt, 0, 0, 0, 0, &h2);
		answer("hwpt.alloc.nested_no_data", "%s", errname(rc));
		viommu_probe("hwpt.viommu_on_user_hwpt", &f, hwpt);
		{
			struct iommu_hwpt_set_dirty_tracking d = { .size = sizeof(d),
				.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
				.hwpt_id = hwpt };
			struct iommu_hwpt_invalidate inv = { .size = sizeof(inv),
				.hwpt_id = hwpt };

			rc = io(f.s.ifd, IOMMU_HWPT_SET_DIRTY_TRACKING, &d);
			answer("hwpt.user.set_dirty_tracking", "%s", errname(rc));
			rc = io(f.s.ifd, IOMMU_HWPT_INVALIDATE, &inv);
			answer("hwpt.user.invalidate", "%s", errname(rc));
		}
		pt = hwpt;
		rc = dev_attach(f.s.dev, &pt);
		answer("hwpt.attach_user_hwpt", "%s same_id=%d", errname(rc),
		       !rc && pt == hwpt);
		answer("hwpt.destroy_attached", "%s",
		       errname(obj_destroy(f.s.ifd, hwpt)));
		/* Mapped after the HWPT was made: it gets the new mapping too */
		{
			uint64_t iova = 0x300000000ULL;

			rc = ioas_map(f.s.ifd, f.s.ioas, f.small, SZ_4K, &iova, 1);
			answer("hwpt.map_after_alloc", "%s", errname(rc));
			g = (struct gp){ .ioas = f.s.ioas, .iova = iova,
					 .length = SZ_4K };
			gp_probe("getpa.hwpt.map_after_alloc", f.s.ifd, &g,
				 f.small, 0);
		}
		rc = dev_detach(f.s.dev);
		answer("hwpt.detach", "%s", errname(rc));
		/* To the IOAS: an automatic domain, not the user's HWPT */
		pt = f.s.ioas;
		rc = dev_attach(f.s.dev, &pt);
		answer("hwpt.attach_ioas_beside_user_hwpt", "%s user_hwpt=%d",
		       errname(rc), !rc && pt == hwpt);
		if (!rc)
			dev_detach(f.s.dev);
		/* The device goes away, the HWPT stays */
		close(f.s.dev);
		f.s.dev = -1;
		g = (struct gp){ .ioas = f.s.ioas, .iova = HIOVA, .length = SZ_2M };
		gp_probe("getpa.hwpt.device_closed", f.s.ifd, &g, f.huge, 1);
		answer("hwpt.destroy_after_close", "%s",
		       errname(obj_destroy(f.s.ifd, hwpt)));
		gp_probe("getpa.hwpt.destroyed", f.s.ifd, &g, f.huge, 0);
	}
	fix_close(&f);

	/* A fault queue for the HWPT */
	fix_open(&f, 0, 1);
	rc = io(f.s.ifd, IOMMU_FAULT_QUEUE_ALLOC, &fa);
	answer("fault_queue.alloc", "%s", errname(rc));
	if (!rc) {
		rc = hwpt_alloc(&f, f.s.ioas, IOMMU_HWPT_FAULT_ID_VALID, 0, 0,
				fa.out_fault_id, &h2);
		answer("hwpt.alloc.fault_queue", "%s", errname(rc));
		if (!rc) {
			pt = h2;
			rc = dev_attach(f.s.dev, &pt);
			answer("hwpt.attach.fault_queue", "%s", errname(rc));
			if (!rc)
				dev_detach(f.s.dev);
			obj_destroy(f.s.ifd, h2);
		}
		rc = hwpt_alloc(&f, f.s.ioas, IOMMU_HWPT_FAULT_ID_VALID, 0, 0,
				f.s.ioas, &h2);
		answer("hwpt.alloc.fault_id_ioas", "%s", errname(rc));
		close(fa.out_fault_fd);
	}
	/* Auto domain and user HWPT in one IOAS */
	pt = f.s.ioas;
	rc = dev_attach(f.s.dev, &pt);
	answer("hwpt.auto_attach", "%s", errname(rc));
	rc = hwpt_alloc(&f, f.s.ioas, 0, 0, 0, 0, &h2);
	answer("hwpt.alloc.beside_auto", "%s new_id=%d", errname(rc),
	       !rc && h2 != pt);
	if (!rc) {
		uint32_t p2 = f.s.ioas;

		rc = dev_attach(f.s.dev, &p2);
		answer("hwpt.auto_attach_again", "%s same_as_first=%d",
		       errname(rc), !rc && p2 == pt);
	}
	fix_close(&f);
}

/* ---- pins: what stays pinned when ---------------------------------------------- */

static void probe_pins(void)
{
	long long base;
	struct fix f;
	uint32_t pt, hwpt;
	int rc;

	base = settle_pins(foll_pins());
	fix_open(&f, 0, 1);
	answer("pins.mapped_unattached", "%lld", foll_pins() - base);
	pt = f.s.ioas;
	rc = dev_attach(f.s.dev, &pt);
	answer("pins.attached", "%s %lld", errname(rc), foll_pins() - base);
	rc = dev_detach(f.s.dev);
	answer("pins.detached", "%s %lld", errname(rc), foll_pins() - base);
	pt = f.s.ioas;
	rc = dev_attach(f.s.dev, &pt);
	answer("pins.reattached", "%s %lld", errname(rc), foll_pins() - base);
	{
		uint64_t iova = 0x300000000ULL;
		uint8_t *b = buf_alloc(SMALL, 0);

		rc = b ? ioas_map(f.s.ifd, f.s.ioas, b, SMALL, &iova, 1) : -ENOMEM;
		answer("pins.map_while_attached", "%s %lld", errname(rc),
		       foll_pins() - base);
		rc = ioas_unmap(f.s.ifd, f.s.ioas, iova, SMALL);
		answer("pins.unmap_while_attached", "%s %lld", errname(rc),
		       foll_pins() - base);
		munmap(b, SMALL);
	}
	fix_close(&f);
	answer("pins.closed", "%lld", settle_pins(base) - base);

	/* A user HWPT outlives the attachment */
	fix_open(&f, 0, 1);
	{
		struct iommu_hwpt_alloc a = { .size = sizeof(a),
			.dev_id = f.s.devid, .pt_id = f.s.ioas };

		rc = io(f.s.ifd, IOMMU_HWPT_ALLOC, &a);
		hwpt = a.out_hwpt_id;
		answer("pins.hwpt_alloc", "%s %lld", errname(rc), foll_pins() - base);
		if (!rc) {
			pt = hwpt;
			rc = dev_attach(f.s.dev, &pt);
			answer("pins.hwpt_attached", "%s %lld", errname(rc),
			       foll_pins() - base);
			rc = dev_detach(f.s.dev);
			answer("pins.hwpt_detached_kept", "%s %lld", errname(rc),
			       foll_pins() - base);
			{
				struct gp g = { .ioas = f.s.ioas, .iova = HIOVA,
						.length = SZ_2M };

				gp_probe("getpa.hwpt_kept_detached", f.s.ifd, &g,
					 f.huge, 0);
			}
			rc = obj_destroy(f.s.ifd, hwpt);
			answer("pins.hwpt_destroyed", "%s %lld", errname(rc),
			       foll_pins() - base);
		}
	}
	fix_close(&f);
	answer("pins.hwpt_closed", "%lld", settle_pins(base) - base);
}

/* ---- the VFIO side ------------------------------------------------------------- */

static void open_nocap_child(void *arg)
{
	char *shared = arg;
	int fd;

	if (drop_cap(CAP_SYS_RAWIO)) {
		snprintf(shared, 128, "capset-failed");
		return;
	}
	fd = cdev_open(bdf);
	snprintf(shared, 128, "%s", errname(fd < 0 ? fd : 0));
}

struct bind_nocap { int dev, ifd; char *shared; };

static void bind_nocap_child(void *arg)
{
	struct bind_nocap *b = arg;
	uint32_t devid;
	int rc;

	if (drop_cap(CAP_SYS_RAWIO)) {
		snprintf(b->shared, 128, "capset-failed");
		return;
	}
	rc = dev_bind(b->dev, b->ifd, &devid);
	snprintf(b->shared, 128, "%s", errname(rc));
}

static void probe_vfio(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	char *shared = shared_page();
	int dev, dev2, ifd, ifd2, nul, rc;
	uint32_t devid, pt;

	in_child(open_nocap_child, shared, shared);
	answer("vfio.open_without_rawio", "%s", shared);

	dev = cdev_open(bdf);
	ifd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	ifd2 = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (dev < 0 || ifd < 0 || ifd2 < 0 || nul < 0)
		fatal("open");

	rc = io(dev, VFIO_DEVICE_GET_INFO, &info);
	answer("vfio.get_info_before_bind", "%s", errname(rc));
	pt = 1;
	rc = dev_attach(dev, &pt);
	answer("vfio.attach_before_bind", "%s", errname(rc));
	rc = dev_detach(dev);
	answer("vfio.detach_before_bind", "%s", errname(rc));
	rc = io(dev, VFIO_DEVICE_RESET, NULL);
	answer("vfio.reset_before_bind", "%s", errname(rc));
	{
		struct vfio_device_bind_iommufd b = { .argsz = sizeof(b),
						      .iommufd = -1 };

		rc = io(dev, VFIO_DEVICE_BIND_IOMMUFD, &b);
		answer("vfio.bind.fd_minus1", "%s", errname(rc));
		b.iommufd = nul;
		rc = io(dev, VFIO_DEVICE_BIND_IOMMUFD, &b);
		answer("vfio.bind.not_iommufd", "%s", errname(rc));
		b.iommufd = ifd;
		b.flags = 1U << 31;
		rc = io(dev, VFIO_DEVICE_BIND_IOMMUFD, &b);
		answer("vfio.bind.flags_unknown", "%s", errname(rc));
		b.flags = 0;
		b.argsz = 8;
		rc = io(dev, VFIO_DEVICE_BIND_IOMMUFD, &b);
		answer("vfio.bind.argsz_short", "%s", errname(rc));
	}
	rc = dev_bind(dev, ifd, &devid);
	answer("vfio.bind", "%s", errname(rc));
	rc = dev_bind(dev, ifd, &devid);
	answer("vfio.bind.again_same_iommufd", "%s", errname(rc));
	rc = dev_bind(dev, ifd2, &devid);
	answer("vfio.bind.again_other_iommufd", "%s", errname(rc));

	dev2 = cdev_open(bdf);
	answer("vfio.open_second_fd", "%s", errname(dev2 < 0 ? dev2 : 0));
	if (dev2 >= 0) {
		rc = dev_bind(dev2, ifd2, &pt);
		answer("vfio.bind.second_fd", "%s", errname(rc));
		close(dev2);
	}
	{
		char grp[128];
		int gfd;

		noiommu_group_path(bdf, grp, sizeof(grp));
		gfd = grp[0] ? open(grp, O_RDWR | O_CLOEXEC) : -ENOENT;
		if (gfd < 0 && grp[0])
			gfd = -errno;
		if (gfd >= 0) {
			struct vfio_group_status st = { .argsz = sizeof(st) };

			rc = io(gfd, VFIO_GROUP_GET_STATUS, &st);
			answer("vfio.group_while_cdev_bound", "%s flags=%#x",
			       errname(rc), st.flags);
			close(gfd);
		} else {
			answer("vfio.group_while_cdev_bound", "%s", errname(gfd));
		}
	}

	info = (struct vfio_device_info){ .argsz = sizeof(info) };
	rc = io(dev, VFIO_DEVICE_GET_INFO, &info);
	answer("vfio.get_info", rc ? "%s" : "%s flags=%#x regions=%u irqs=%u",
	       errname(rc), info.flags, info.num_regions, info.num_irqs);
	{
		struct vfio_region_info ri = { .argsz = sizeof(ri),
					       .index = VFIO_PCI_BAR0_REGION_INDEX };

		rc = io(dev, VFIO_DEVICE_GET_REGION_INFO, &ri);
		answer("vfio.region_info.bar0", rc ? "%s" : "%s size=%#llx flags=%#x",
		       errname(rc), (unsigned long long)ri.size, ri.flags);
	}
	rc = io(dev, VFIO_DEVICE_RESET, NULL);
	answer("vfio.reset", "%s", errname(rc));
	{
		struct vfio_pci_hot_reset_info *hr = calloc(1, 4096);

		hr->argsz = 4096;
		rc = io(dev, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, hr);
		answer("vfio.hot_reset_info", rc ? "%s" : "%s flags=%#x count=%u",
		       errname(rc), hr->flags, hr->count);
		free(hr);
	}
	rc = dev_detach(dev);
	answer("vfio.detach_not_attached", "%s", errname(rc));
	{
		uint32_t ioas;

		rc = ioas_new(ifd, &ioas);
		pt = ioas;
		if (!rc)
			rc = dev_attach(dev, &pt);
		answer("vfio.attach", "%s hwpt_is_new_id=%d", errname(rc),
		       !rc && pt != ioas);
		pt = 9999;
		rc = dev_attach(dev, &pt);
		answer("vfio.attach.bad_pt_id", "%s", errname(rc));
		pt = devid;
		rc = dev_attach(dev, &pt);
		answer("vfio.attach.device_id", "%s", errname(rc));
	}
	close(dev);
	dev = cdev_open(bdf);
	{
		struct bind_nocap bn = { dev, ifd2, shared };

		in_child(bind_nocap_child, &bn, shared);
		answer("vfio.bind_without_rawio", "%s", shared);
	}
	close(dev);
	/* The device's ID is gone with its fd */
	{
		struct iommu_hw_info h = { .size = sizeof(h), .dev_id = devid };

		rc = io(ifd, IOMMU_GET_HW_INFO, &h);
		answer("hw_info.after_close", "%s", errname(rc));
	}
	close(ifd);
	close(ifd2);
	close(nul);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PCI-BDF\n", argv[0]);
		return 2;
	}
	bdf = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!restore_binding(bdf))
		fatal("%s has no no-IOMMU cdev", bdf);
	probe_get_pa();
	probe_ioas_ops();
	probe_iommufd_dev();
	probe_hwpt();
	probe_pins();
	probe_vfio();
	printf("PROBES %d\n", nprobes);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * A bounded random-sequence fuzzer over the no-IOMMU cdev path: GET_PA,
 * IOAS_ALLOC, DESTROY, MAP, UNMAP, COPY, IOVA_RANGES, ATTACH, DETACH,
 * BIND through a freshly opened cdev, and now and then a new iommufd.
 * Each call is built valid from what the fuzzer knows (its IOASes, its
 * mappings, the device's IDs) and then, half of the time, one field is
 * replaced by an interesting value: 0, ~0, 2^63, an unaligned or top-of-
 * the-space IOVA, another object's ID, a stale ID, a bad fd.
 *
 * Every GET_PA answer for an IOVA the fuzzer knows to be mapped is checked
 * against /proc/self/pagemap.  Prints the seed (repeat a run with
 * "fuzz BDF SEED" or E2E_SEED), the count of every operation by result,
 * and checks at the end, with everything closed, that the outstanding
 * FOLL_PIN pins are back where they started.
 *
 * It runs as a user without CAP_IPC_LOCK whose locked memory is limited
 * (E2E_FUZZ_MEMLOCK_KB, default 256; 0 keeps CAP_IPC_LOCK and no limit),
 * so that maps, copies and attaches fail with ENOMEM half way, and checks
 * that some did.
 *
 * usage: fuzz PCI-BDF [SEED]
 * E2E_FUZZ_OPS (default 120000) operations, all of which must run;
 * E2E_FUZZ_SECONDS (default 300) is only a safety limit, and a run that
 * hits it fails.  Under KASAN, lockdep and kmemleak 120000 operations take
 * about 40 s.
 */
#include <sys/resource.h>

#include "noiommu_lib.h"

#define NBUF 8
#define BUF_LEN (64UL << 10)
#define MAXMAPS 48
#define MAXIDS 64

enum op {
	OP_GET_PA, OP_IOAS_ALLOC, OP_DESTROY, OP_MAP, OP_UNMAP, OP_COPY,
	OP_IOVA_RANGES, OP_ATTACH, OP_DETACH, OP_BIND, OP_REOPEN, OP_MAX
};
static const char *const op_name[OP_MAX] = {
	"GET_PA", "IOAS_ALLOC", "DESTROY", "MAP", "UNMAP", "COPY",
	"IOVA_RANGES", "ATTACH", "DETACH", "BIND(new fd)", "new iommufd",
};
/*
 * How often each op is drawn, out of the sum.  A bind opens the cdev
 * afresh and vfio-pci resets the device on open and close: 7 ms under TCG
 * against 5-35 us for the others, so binds and new iommufds are rare.
 */
static const unsigned int weight[OP_MAX] = {
	1200, 160, 160, 640, 560, 200, 160, 240, 60, 4, 1,
};

struct mapping {
	uint32_t ioas;
	uint64_t iova, len;
	uint8_t *va;
};

static const char *bdf;
static uint64_t seed;
static long counts[OP_MAX][134];
static double op_time[OP_MAX];
static long wrong_pa, checked_pa;

static int ifd = -1, dev = -1;
static uint32_t attached_ioas;	/* 0: not attached, or to what is unknown */
static uint32_t ioas[8];
static int nioas;
static uint32_t ids[MAXIDS];	/* every ID seen, live or not */
static int nids;
static struct mapping maps[MAXMAPS];
static int nmaps;
static uint8_t *bufs[NBUF + 1];
static size_t buf_len[NBUF + 1];

/* The last operations, printed when an answer is wrong */
#define HIST 64
static char hist[HIST][160];
static long nhist;

static void __attribute__((format(printf, 1, 2))) trace(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(hist[nhist++ % HIST], sizeof(hist[0]), fmt, ap);
	va_end(ap);
}

static void dump_history(void)
{
	long i = nhist > HIST ? nhist - HIST : 0;

	for (; i < nhist; i++)
		note("  op %ld: %s", i, hist[i % HIST]);
}

/* Which buffer page, if any, is at physical address @pa */
static void whose_pa(uint64_t pa)
{
	int b;
	size_t off;

	for (b = 0; b <= NBUF; b++)
		for (off = 0; bufs[b] && off < buf_len[b]; off += SZ_4K)
			if (va_to_pa(bufs[b] + off) / SZ_4K == pa / SZ_4K)
				note("  pa %#llx is buffer %d offset %#zx (va %p)",
				     (unsigned long long)pa, b, off, bufs[b] + off);
}

static uint64_t r64(void)
{
	return rnd(&seed);
}

static unsigned int rn(unsigned int n)
{
	return n ? r64() % n : 0;
}

static void remember_id(uint32_t id)
{
	if (nids < MAXIDS)
		ids[nids++] = id;
	else
		ids[rn(MAXIDS)] = id;
}

/* An interesting 64-bit value for a field */
static uint64_t wild64(void)
{
	static const uint64_t v[] = {
		0, 1, 4095, 4096, 1ULL << 32, 1ULL << 63, ~0ULL, ~0ULL - 4095,
		~0ULL - 1, 0x1001,
	};

	return rn(3) ? v[rn(sizeof(v) / sizeof(v[0]))] : r64();
}

static uint32_t wild_id(void)
{
	switch (rn(4)) {
	case 0:
		return rn(2) ? 0 : ~0U;
	case 1:
		return rn(40);
	default:
		return nids ? ids[rn(nids)] : 0;
	}
}

static uint32_t some_ioas(void)
{
	return nioas ? ioas[rn(nioas)] : wild_id();
}

static void forget_ioas(uint32_t id)
{
	int i;

	for (i = 0; i < nioas; i++)
		if (ioas[i] == id)
			ioas[i] = ioas[--nioas];
	for (i = 0; i < nmaps; i++)
		if (maps[i].ioas == id)
			maps[i--] = maps[--nmaps];
}

static void add_mapping(uint32_t id, uint64_t iova, uint64_t len, uint8_t *va)
{
	if (nmaps < MAXMAPS)
		maps[nmaps++] = (struct mapping){ id, iova, len, va };
}

/*
 * Forget the mappings of @id an UNMAP of [iova, last] removed.  It removes
 * the areas in IOVA order and stops at the first one that sticks out of
 * the range; the ioctl then fails with ENOENT, but what it removed before
 * stays removed (iopt_unmap_iova_range()).
 */
static void forget_range(uint32_t id, uint64_t iova, uint64_t last)
{
	for (;;) {
		int i, low = -1;

		for (i = 0; i < nmaps; i++)
			if (maps[i].ioas == id && maps[i].iova <= last &&
			    maps[i].iova + maps[i].len - 1 >= iova &&
			    (low < 0 || maps[i].iova < maps[low].iova))
				low = i;
		if (low < 0 || maps[low].iova < iova ||
		    maps[low].iova + maps[low].len - 1 > last)
			return;
		maps[low] = maps[--nmaps];
	}
}

static int mutate(void)
{
	return rn(2);
}

/*
 * A run may go on into an adjacent mapping that happens to be physically
 * contiguous: check its last byte through the mapping that holds it.
 */
static int last_byte_agrees(const struct mapping *m, uint64_t iova,
			    uint64_t pa)
{
	int i;

	for (i = 0; i < nmaps; i++)
		if (maps[i].ioas == m->ioas && iova >= maps[i].iova &&
		    iova - maps[i].iova < maps[i].len)
			return va_to_pa(maps[i].va + (iova - maps[i].iova)) == pa;
	return 0;
}

static int do_get_pa(void)
{
	struct iommu_ioas_noiommu_get_pa g = { .size = sizeof(g) };
	struct mapping *m = nmaps ? &maps[rn(nmaps)] : NULL;
	uint64_t off = 0, want;
	int rc, known = 0, i;

	/* Mostly ask the IOAS the device is attached to: it can answer */
	for (i = 0; attached_ioas && rn(4) && i < nmaps; i++) {
		m = &maps[(i + nmaps / 2) % nmaps];
		if (m->ioas == attached_ioas)
			break;
	}

	g.ioas_id = m ? m->ioas : some_ioas();
	if (m) {
		off = rn(m->len);
		g.iova = m->iova + off;
	} else {
		g.iova = wild64();
	}
	g.length = 1 + rn(2 * BUF_LEN);
	if (mutate()) {
		switch (rn(5)) {
		case 0:
			g.flags = 1U << rn(32);
			break;
		case 1:
			g.__reserved = 1U << rn(32);
			break;
		case 2:
			g.ioas_id = wild_id();
			break;
		case 3:
			g.iova = wild64();
			break;
		default:
			g.length = wild64();
			break;
		}
	} else if (m) {
		known = 1;
	}
	want = g.length;
	rc = io(ifd, IOMMU_IOAS_NOIOMMU_GET_PA, &g);
	trace("GET_PA ioas %u iova %#llx len %#llx -> %d", g.ioas_id,
	      (unsigned long long)g.iova, (unsigned long long)want, rc);
	if (!rc && known) {
		/* A run within the mapping and true to the page tables */
		checked_pa++;
		if (!g.length || g.length > want ||
		    g.out_phys != va_to_pa(m->va + off) ||
		    !last_byte_agrees(m, g.iova + g.length - 1,
				      g.out_phys + g.length - 1)) {
			if (!wrong_pa++) {
				note("wrong GET_PA: ioas %u iova %#llx: pa %#llx len %llu, pagemap %#llx of va %p; mapping iova %#llx len %#llx",
				     g.ioas_id, (unsigned long long)g.iova,
				     (unsigned long long)g.out_phys,
				     (unsigned long long)g.length,
				     (unsigned long long)va_to_pa(m->va + off),
				     m->va + off, (unsigned long long)m->iova,
				     (unsigned long long)m->len);
				whose_pa(g.out_phys);
				dump_history();
			}
		}
	}
	return rc;
}

static int do_ioas_alloc(void)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int rc;

	if (mutate() && rn(2))
		a.flags = 1U << rn(32);
	rc = io(ifd, IOMMU_IOAS_ALLOC, &a);
	trace("IOAS_ALLOC flags %#x -> %d id %u", a.flags, rc, a.out_ioas_id);
	if (!rc && nioas < 8) {
		ioas[nioas++] = a.out_ioas_id;
		remember_id(a.out_ioas_id);
	} else if (!rc) {
		obj_destroy(ifd, a.out_ioas_id);
	}
	return rc;
}

static int do_destroy(void)
{
	uint32_t id = mutate() ? wild_id() : some_ioas();
	int rc = obj_destroy(ifd, id);

	trace("DESTROY %u -> %d", id, rc);
	/* Whatever it was, it is gone: the device and its HWPT are never */
	if (!rc)
		forget_ioas(id);
	return rc;
}

static int do_map(void)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
	};
	int b = rn(NBUF + (bufs[NBUF] ? 1 : 0)), rc;
	uint64_t off = rn(buf_len[b] / SZ_4K) * SZ_4K;

	m.ioas_id = some_ioas();
	m.user_va = (uintptr_t)bufs[b] + off;
	m.length = SZ_4K * (1 + rn((buf_len[b] - off) / SZ_4K));
	if (rn(2)) {
		m.flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
		m.iova = (1ULL << 32) + rn(64) * BUF_LEN * 2 + rn(4) * SZ_4K;
	}
	if (mutate()) {
		switch (rn(7)) {
		case 0:
			m.flags = rn(32);
			break;
		case 1:
			m.__reserved = 1;
			break;
		case 2:
			m.ioas_id = wild_id();
			break;
		case 3:
			m.iova = wild64();
			m.flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
			break;
		case 4:
			m.length = wild64() & ~(rn(2) ? 0 : 4095ULL);
			break;
		case 5:
			m.user_va = wild64();
			break;
		default:
			m.user_va += rn(4096);
			break;
		}
	}
	rc = io(ifd, IOMMU_IOAS_MAP, &m);
	trace("MAP ioas %u flags %#x va %#llx len %#llx iova %#llx -> %d",
	      m.ioas_id, m.flags, (unsigned long long)m.user_va,
	      (unsigned long long)m.length, (unsigned long long)m.iova, rc);
	/* Record only what maps the fuzzer's own buffers */
	if (!rc && nmaps < MAXMAPS && m.user_va >= (uintptr_t)bufs[b] &&
	    m.user_va + m.length <= (uintptr_t)bufs[b] + buf_len[b])
		add_mapping(m.ioas_id, m.iova, m.length,
			    (uint8_t *)(uintptr_t)m.user_va);
	else if (!rc)
		ioas_unmap(ifd, m.ioas_id, m.iova, m.length);
	return rc;
}

static int do_unmap(void)
{
	struct mapping *mp = nmaps ? &maps[rn(nmaps)] : NULL;
	struct iommu_ioas_unmap u = { .size = sizeof(u) };
	uint64_t want;
	int rc;

	u.ioas_id = mp ? mp->ioas : some_ioas();
	u.iova = mp ? mp->iova : wild64();
	u.length = mp ? mp->len : wild64();
	if (mutate()) {
		switch (rn(5)) {
		case 0:
			u.ioas_id = wild_id();
			break;
		case 1:
			u.iova = wild64();
			break;
		case 2:
			u.length = wild64();
			break;
		case 3: /* all */
			u.iova = 0;
			u.length = ~0ULL;
			break;
		default: /* split */
			u.length = SZ_4K;
			break;
		}
	}
	/* The kernel answers the bytes unmapped in length */
	want = u.length;
	rc = io(ifd, IOMMU_IOAS_UNMAP, &u);
	trace("UNMAP ioas %u iova %#llx len %#llx -> %d (%#llx unmapped)",
	      u.ioas_id, (unsigned long long)u.iova, (unsigned long long)want,
	      rc, (unsigned long long)u.length);
	/* Both can have removed areas; any other error removed nothing */
	if (!rc || rc == -ENOENT)
		forget_range(u.ioas_id, u.iova,
			     !u.iova && want == ~0ULL ? ~0ULL : u.iova + want - 1);
	return rc;
}

static int do_copy(void)
{
	struct mapping *mp = nmaps ? &maps[rn(nmaps)] : NULL;
	struct iommu_ioas_copy c = {
		.size = sizeof(c),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
	};
	uint64_t off = 0;
	int rc;

	c.src_ioas_id = mp ? mp->ioas : some_ioas();
	c.dst_ioas_id = some_ioas();
	if (mp) {
		off = rn(mp->len / SZ_4K) * SZ_4K;
		c.src_iova = mp->iova + off;
		c.length = mp->len - off;
	}
	if (mutate()) {
		switch (rn(5)) {
		case 0:
			c.flags = rn(32);
			break;
		case 1:
			c.src_ioas_id = wild_id();
			break;
		case 2:
			c.dst_ioas_id = wild_id();
			break;
		case 3:
			c.src_iova = wild64();
			break;
		default:
			c.length = wild64();
			break;
		}
	}
	rc = io(ifd, IOMMU_IOAS_COPY, &c);
	trace("COPY %u:%#llx -> %u len %#llx flags %#x -> %d dst %#llx",
	      c.src_ioas_id, (unsigned long long)c.src_iova, c.dst_ioas_id,
	      (unsigned long long)c.length, c.flags, rc,
	      (unsigned long long)c.dst_iova);
	/* Recorded only when it copied the mapping it was built from */
	if (!rc && nmaps < MAXMAPS && mp && c.src_ioas_id == mp->ioas &&
	    c.src_iova == mp->iova + off &&
	    c.length <= mp->len - off)
		add_mapping(c.dst_ioas_id, c.dst_iova, c.length, mp->va + off);
	else if (!rc)
		ioas_unmap(ifd, c.dst_ioas_id, c.dst_iova, c.length);
	return rc;
}

static int do_iova_ranges(void)
{
	struct iommu_iova_range r[2];
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = some_ioas(), .num_iovas = 2,
		.allowed_iovas = (uintptr_t)r,
	};

	if (mutate()) {
		switch (rn(3)) {
		case 0:
			q.ioas_id = wild_id();
			break;
		case 1:
			q.num_iovas = 0;
			break;
		default:
			q.__reserved = 1;
			break;
		}
	}
	return io(ifd, IOMMU_IOAS_IOVA_RANGES, &q);
}

static int do_attach(void)
{
	struct vfio_device_attach_iommufd_pt a = {
		.argsz = sizeof(a), .pt_id = some_ioas(),
	};
	uint32_t target = a.pt_id;
	int rc, i;

	if (mutate()) {
		switch (rn(3)) {
		case 0:
			a.pt_id = wild_id();
			break;
		case 1:
			a.flags = VFIO_DEVICE_ATTACH_PASID;
			a.pasid = rn(8);
			break;
		default:
			a.argsz = rn(sizeof(a));
			break;
		}
	}
	rc = io(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
	trace("ATTACH argsz %u flags %#x pasid %u -> %d pt %u", a.argsz,
	      a.flags, a.pasid, rc, a.pt_id);
	if (!rc) {
		remember_id(a.pt_id);	/* the HWPT */
		attached_ioas = 0;
		for (i = 0; i < nioas; i++)
			if (ioas[i] == target && a.pt_id != target)
				attached_ioas = target;
	}
	return rc;
}

static int do_detach(void)
{
	struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };
	if (mutate()) {
		switch (rn(2)) {
		case 0:
			d.flags = 1U << rn(32);
			d.pasid = rn(8);
			break;
		default:
			d.argsz = rn(sizeof(d));
			break;
		}
	}
	int rc = io(dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);

	if (!rc && !d.flags)
		attached_ioas = 0;
	trace("DETACH argsz %u flags %#x pasid %u -> %d", d.argsz, d.flags,
	      d.pasid, rc);
	return rc;
}

/* Close the device file, open the cdev again and bind it */
static int do_bind(void)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	int rc;

	if (dev >= 0)
		close(dev);
	attached_ioas = 0;
	dev = cdev_open(bdf);
	if (dev < 0) {
		rc = dev;
		dev = -1;
		return rc;
	}
	b.iommufd = ifd;
	if (mutate()) {
		switch (rn(4)) {
		case 0:
			b.iommufd = rn(2) ? dev : (int)rn(64);
			break;
		case 1:
			b.flags = 1U << rn(32);
			break;
		case 2:
			b.argsz = rn(sizeof(b));
			break;
		default:
			b.iommufd = -1;
			break;
		}
	}
	rc = io(dev, VFIO_DEVICE_BIND_IOMMUFD, &b);
	trace("BIND new fd, iommufd %d flags %#x argsz %u -> %d devid %u",
	      b.iommufd, b.flags, b.argsz, rc, b.out_devid);
	if (!rc)
		remember_id(b.out_devid);
	return rc;
}

/* A new iommufd: everything of the old one goes away with it */
static int do_reopen(void)
{
	if (dev >= 0)
		close(dev);
	if (ifd >= 0)
		close(ifd);
	dev = -1;
	nioas = nmaps = nids = attached_ioas = 0;
	ifd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	trace("new iommufd %d", ifd);
	return ifd < 0 ? -errno : 0;
}

static long ops_of(int op)
{
	long n = 0;
	int e;

	for (e = 0; e < 134; e++)
		n += counts[op][e];
	return n;
}

static enum op draw(void)
{
	unsigned int sum = 0, i, x;

	for (i = 0; i < OP_MAX; i++)
		sum += weight[i];
	x = rn(sum);
	for (i = 0; x >= weight[i]; i++)
		x -= weight[i];
	return i;
}

int main(int argc, char **argv)
{
	static int (*const fn[OP_MAX])(void) = {
		do_get_pa, do_ioas_alloc, do_destroy, do_map, do_unmap,
		do_copy, do_iova_ranges, do_attach, do_detach, do_bind,
		do_reopen,
	};
	long max_ops = budget_s("E2E_FUZZ_OPS", 120000), n;
	double budget = budget_s("E2E_FUZZ_SECONDS", 300), t0 = now_s();
	long long pins0;
	long memlock_kb;
	int i, e;

	bdf = tap_start(argc, argv, 3);
	seed = seed_from(argc == 3 ? argv[2] : NULL);
	note("seed %llu (repeat: fuzz %s %llu), at most %ld ops or %.0f s",
	     (unsigned long long)seed, bdf, (unsigned long long)seed, max_ops,
	     budget);
	pins0 = foll_pins();
	bufs_alloc(bufs, buf_len, NBUF, BUF_LEN);
	memlock_kb = budget_s("E2E_FUZZ_MEMLOCK_KB", 256);
	if (memlock_kb) {
		struct rlimit rl = { memlock_kb << 10, memlock_kb << 10 };

		/* Pins are charged to a user without CAP_IPC_LOCK, up to this */
		if (setrlimit(RLIMIT_MEMLOCK, &rl) || drop_cap(CAP_IPC_LOCK))
			fatal("cannot limit locked memory");
		note("locked memory limited to %ld KiB, CAP_IPC_LOCK dropped",
		     memlock_kb);
	}
	do_reopen();
	do_ioas_alloc();

	for (n = 0; n < max_ops; n++) {
		enum op op;
		double t;
		int rc;

		if (!(n & 255) && now_s() - t0 > budget)
			break;
		op = draw();
		/* Every draw makes an ioctl: what cannot, does what makes it can */
		if ((op == OP_ATTACH || op == OP_DETACH) && dev < 0)
			op = OP_BIND;
		if ((op == OP_MAP || op == OP_COPY) && nmaps >= MAXMAPS)
			op = OP_UNMAP;
		t = now_s();
		rc = fn[op]();
		op_time[op] += now_s() - t;
		counts[op][rc < 0 && -rc < 134 ? -rc : rc ? 133 : 0]++;
	}
	do_reopen();
	close(ifd);
	note("%ld ops in %.1f s; GET_PA of known mappings checked %ld times",
	     n, now_s() - t0, checked_pa);
	for (i = 0; i < OP_MAX; i++) {
		char line[512];
		int len = 0;

		for (e = 0; e < 134; e++)
			if (counts[i][e])
				len += snprintf(line + len, sizeof(line) - len,
						" %s=%ld", e ? errname(e) : "ok",
						counts[i][e]);
		note("%-12s%s (%.0f us each)", op_name[i], line,
		     op_time[i] * 1e6 / (ops_of(i) ? ops_of(i) : 1));
	}
	/* Every operation: the count, not the machine's load, bounds the run */
	check(n == max_ops, "all %ld operations ran (%ld ran)", max_ops, n);
	if (memlock_kb)
		check(counts[OP_MAP][ENOMEM] + counts[OP_COPY][ENOMEM] +
			      counts[OP_ATTACH][ENOMEM] > 0,
		      "the locked memory limit failed maps, copies or attaches with ENOMEM (%ld, %ld, %ld)",
		      counts[OP_MAP][ENOMEM], counts[OP_COPY][ENOMEM],
		      counts[OP_ATTACH][ENOMEM]);
	check(!wrong_pa, "every GET_PA of a known mapping agrees with pagemap (%ld checked, %ld wrong)",
	      checked_pa, wrong_pa);
	check(settle_pins(pins0) == pins0, "pins back to %lld (%lld)", pins0,
	      foll_pins());
	check(restore_binding(bdf), "device bound to vfio-pci, cdev present");
	return tap_end();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a user-space driver pays to learn the physical addresses of its DMA
 * buffers, measured on the no-IOMMU cdev of QEMU's edu device:
 * IOMMU_IOAS_NOIOMMU_GET_PA over a whole mapped buffer (skipping ahead by
 * the contiguous length it returns) against /proc/self/pagemap read in one
 * batch and page by page, and what IOMMU_IOAS_MAP and IOMMU_IOAS_UNMAP
 * cost in time and in page-table memory (/proc/vmstat nr_iommu_pages).
 * Buffers of 4 KiB pages and of 2 MiB huge pages, 256 MiB and 1 GiB, each
 * mapped at the IOVA iommufd picks and at IOVA = VA; 1 GiB of one 1 GiB
 * huge page, both ways; and 256 MiB of 2 MiB pages mapped a page an area in
 * descending physical order, the worst layout (bench_scattered()); and
 * the fixed part of a GET_PA call against the cost of each 4 KiB leaf it
 * walks (leaf_cost()).
 *
 * The guest's only program (tools/bench-guest/init runs it); built once
 * and run unchanged on every kernel tools/bench compares.  It binds the
 * edu device to vfio-pci itself.  Output, one figure a line, every value
 * the median, minimum and maximum over the runs:
 *
 *   BENCH-INFO key value...
 *   BENCH name unit median min max runs
 *   BENCH-SWEEP backing method size_mib unit median min max runs
 *   BENCH-CHECK what ok|FAIL detail
 *
 * usage: bench [RUNS]   (default 7)
 *        bench RUNS profile KIND SECONDS   (tools/bench-profile)
 */
#include <dirent.h>
#include <linux/iommufd.h>
#include <sys/utsname.h>

#include "../e2e-tests/noiommu_lib.h"

#define SZ_1M (1UL << 20)
#define SZ_1G (1UL << 30)
#define MAX_RUNS 31
/* <linux/mman.h>'s, which clashes with glibc's <sys/mman.h> */
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB (30 << MAP_HUGE_SHIFT)
#endif

/* The pages a buffer is made of */
struct page_kind {
	size_t size;
	const char *name;	/* in the figures' names */
	const char *unit;	/* per page, of pagemap a read a page */
	int mmap_flags;
};

static const struct page_kind page_4k = { SZ_4K, "4k", "ns/4KiB-page", 0 };
static const struct page_kind page_2m = {
	SZ_2M, "2m", "ns/2MiB-page", MAP_HUGETLB | MAP_HUGE_2MB
};
static const struct page_kind page_1g = {
	SZ_1G, "1g", "ns/1GiB-page", MAP_HUGETLB | MAP_HUGE_1GB
};

static int iommufd;
static uint32_t ioas_id;
static int pagemap_fd;
static int runs = 7;

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* "median min max runs" of v[0..n) */
static void summary(char *out, size_t len, double *v, int n)
{
	double med;

	qsort(v, n, sizeof(*v), cmp_double);
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	snprintf(out, len, "%.6g %.6g %.6g %d", med, v[0], v[n - 1], n);
}

static void figure(const char *name, const char *unit, double *v, int n)
{
	char s[128];

	summary(s, sizeof(s), v, n);
	printf("BENCH %s %s %s\n", name, unit, s);
	fflush(stdout);
}

/* A hexadecimal attribute of a PCI device in sysfs, 0 if unreadable */
static unsigned int sysfs_hex(const char *bdf, const char *attr)
{
	unsigned int val = 0;
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%x", &val) != 1)
		val = 0;
	fclose(f);
	return val;
}

/*
 * Bind QEMU's edu device to vfio-pci, open its cdev, bind it to a new iommufd
 * and attach it to a new IOAS
 */
static void open_device(void)
{
	char path[600], bdf[256] = "", name[256] = "";
	static struct session s;
	const char *what;
	int rc;
	struct dirent *de;
	DIR *dir;

	dir = opendir("/sys/bus/pci/devices");
	if (!dir)
		fatal("no /sys/bus/pci/devices");
	while ((de = readdir(dir)))
		if (sysfs_hex(de->d_name, "vendor") == 0x1234 &&
		    sysfs_hex(de->d_name, "device") == 0x11e8)
			snprintf(bdf, sizeof(bdf), "%s", de->d_name);
	closedir(dir);
	if (!bdf[0])
		fatal("no edu device (1234:11e8) on the PCI bus");

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	if (put_text(path, "vfio-pci"))
		fatal("write %s", path);
	put_text("/sys/bus/pci/drivers_probe", bdf);

	if (cdev_name(bdf, name, sizeof(name)))
		fatal("no vfio-dev for %s: vfio-pci did not take it (is vfio.enable_unsafe_noiommu_mode=1?)",
		      bdf);
	printf("BENCH-INFO device %s %s\n", bdf, name);
	rc = session_open(&s, bdf, &what);
	if (rc)
		fatal("%s: %s", what, errname(rc));
	iommufd = s.ifd;
	ioas_id = s.ioas;
}

/* IOAS_MAP at an IOVA iommufd picks, or with iova_va at IOVA = VA */
static uint64_t map(void *buf, size_t len, int iova_va)
{
	uint64_t iova = (uintptr_t)buf;

	if (ioas_map(iommufd, ioas_id, buf, len, &iova, iova_va))
		fatal("IOMMU_IOAS_MAP of %zu bytes", len);
	return iova;
}

static void unmap(uint64_t iova, size_t len)
{
	if (ioas_unmap(iommufd, ioas_id, iova, len))
		fatal("IOMMU_IOAS_UNMAP");
}

/* One GET_PA: the physical address of iova, *len in and out */
static uint64_t phys(uint64_t iova, uint64_t *len)
{
	uint64_t in = *len, pa;

	if (get_pa(iommufd, ioas_id, iova, len, &pa) || !*len)
		fatal("IOMMU_IOAS_NOIOMMU_GET_PA(%#llx, %llu)",
		      (unsigned long long)iova, (unsigned long long)in);
	return pa;
}

/* ns per call of calls GET_PAs of iova asking for len bytes */
static double getpa_ns(uint64_t iova, uint64_t len, int calls)
{
	double t0 = now_ns();
	uint64_t l;
	int c;

	for (c = 0; c < calls; c++) {
		l = len;
		phys(iova, &l);
	}
	return (now_ns() - t0) / calls;
}

/* Translate [iova, iova + len) as a driver would; the number of calls */
static long walk(uint64_t iova, uint64_t len)
{
	uint64_t end = iova + len, l;
	long calls = 0;

	while (iova < end) {
		l = end - iova;
		phys(iova, &l);
		iova += l;
		calls++;
	}
	return calls;
}

static uint64_t pagemap_entry_pa(uint64_t e)
{
	return (e & (1ULL << 63)) ? (e & ((1ULL << 55) - 1)) * SZ_4K : 0;
}

/* pagemap in one read: every 4 KiB entry of the buffer, into PAs */
static void pagemap_batch(uint8_t *buf, size_t len, uint64_t *entries)
{
	size_t n = len / SZ_4K, i;
	ssize_t want = n * sizeof(*entries);

	if (pread(pagemap_fd, entries, want,
		  (uintptr_t)buf / SZ_4K * sizeof(*entries)) != want)
		fatal("read /proc/self/pagemap");
	for (i = 0; i < n; i++)
		entries[i] = pagemap_entry_pa(entries[i]);
}

/* pagemap one read a page (of the buffer's page size) */
static void pagemap_paged(uint8_t *buf, size_t len, size_t page)
{
	uint64_t e;
	size_t off;

	for (off = 0; off < len; off += page) {
		if (pread(pagemap_fd, &e, sizeof(e),
			  ((uintptr_t)buf + off) / SZ_4K * sizeof(e)) != sizeof(e))
			fatal("read /proc/self/pagemap");
		if (!pagemap_entry_pa(e))
			fatal("page at offset %zu not present", off);
	}
}

/*
 * The page-table pages the iommu-pages allocator holds.  The per-CPU
 * differences of the vmstat counters are folded in first
 * (vm.stat_refresh), or a change of fewer pages than their threshold
 * would not show.
 */
static long nr_iommu_pages(void)
{
	put_text("/proc/sys/vm/stat_refresh", "1");
	return proc_field("/proc/vmstat", "nr_iommu_pages");
}

static uint8_t *buffer(size_t len, const struct page_kind *kind)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | kind->mmap_flags,
			  -1, 0);
	size_t off;

	if (p == MAP_FAILED)
		fatal("mmap %zu bytes of %s pages", len, kind->name);
	/* Really 4 KiB pages, not transparent huge pages */
	if (!kind->mmap_flags)
		madvise(p, len, MADV_NOHUGEPAGE);
	for (off = 0; off < len; off += SZ_4K)
		p[off] = 1;
	return p;
}

/*
 * Translate the first len bytes of the buffer each way once: GET_PA,
 * pagemap in one read, pagemap a read a page.  The times in ns, and the
 * number of GET_PA calls.
 */
static long translate(uint8_t *buf, uint64_t iova, size_t len, size_t page,
		      uint64_t *pa, double *getpa, double *batch, double *paged)
{
	double t0 = now_ns();
	long calls = walk(iova, len);

	*getpa = now_ns() - t0;
	t0 = now_ns();
	pagemap_batch(buf, len, pa);
	*batch = now_ns() - t0;
	t0 = now_ns();
	pagemap_paged(buf, len, page);
	*paged = now_ns() - t0;
	return calls;
}

/* A figure of times t[0..runs) divided by n units */
static void per_unit(const char *name, const char *unit, const double *t,
		     double n)
{
	double v[MAX_RUNS];
	int r;

	for (r = 0; r < runs; r++)
		v[r] = t[r] / n;
	figure(name, unit, v, runs);
}

/*
 * The fixed part of a GET_PA call, which bounds the cost per MiB of memory
 * whose every physically contiguous run is short: GET_PA refused at its
 * first check (flags set; the system call and iommufd's ioctl dispatch)
 * and GET_PA of an IOVA that is not mapped (the IOAS lookup and locks as
 * well, no table walk).  Both must fail, or the figure means nothing; the
 * errno each gave is printed (the series: EOPNOTSUPP and ENOENT).
 */
static void fixed_costs(void)
{
	static const struct {
		const char *name;
		uint32_t flags;
	} kind[] = {
		{ "getpa_refused", 1 },
		{ "getpa_unmapped", 0 },
	};
	const int calls = 4096;
	double v[MAX_RUNS], t0;
	unsigned int k;
	int r, i, rc;

	for (k = 0; k < sizeof(kind) / sizeof(kind[0]); k++) {
		struct iommu_ioas_noiommu_get_pa g = {
			.size = sizeof(g), .flags = kind[k].flags,
			.ioas_id = ioas_id, .iova = 1UL << 40, .length = SZ_4K,
		};

		rc = io(iommufd, IOMMU_IOAS_NOIOMMU_GET_PA, &g);
		if (!rc)
			fatal("%s: GET_PA succeeded", kind[k].name);
		printf("BENCH-INFO %s errno %s\n", kind[k].name, strerror(-rc));
		for (r = 0; r < runs; r++) {
			t0 = now_ns();
			for (i = 0; i < calls; i++)
				io(iommufd, IOMMU_IOAS_NOIOMMU_GET_PA, &g);
			v[r] = (now_ns() - t0) / calls;
		}
		figure(kind[k].name, "ns/call", v, runs);
	}
}

/*
 * A buffer mapped as 10000 adjacent one-page areas, the layout of a driver
 * that maps its buffers page by page: GET_PA of the first page, asking for
 * the whole buffer, and a walk of the whole buffer, per area.  A kernel that
 * looks at every IOVA-adjacent area up to the caller's cap before it walks
 * pays for all 10000 areas on every call, and a walk costs O(n^2).
 */
static void adjacent_areas(void)
{
	const size_t n = 10000, len = n * SZ_4K;
	const uint64_t base = 1ULL << 40;
	uint8_t *buf = buffer(len, &page_4k);
	double first[MAX_RUNS], whole[MAX_RUNS], t0;
	const int calls = 256;
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		uint64_t iova = base + i * SZ_4K;

		if (ioas_map(iommufd, ioas_id, buf + i * SZ_4K, SZ_4K, &iova, 1))
			fatal("IOMMU_IOAS_MAP of area %zu", i);
	}
	for (r = 0; r < runs; r++) {
		first[r] = getpa_ns(base, len, calls);
		t0 = now_ns();
		walk(base, len);
		whole[r] = now_ns() - t0;
	}
	figure("getpa_first_of_10000_adjacent_areas", "ns/call", first, runs);
	per_unit("getpa_walk_10000_adjacent_areas", "ns/area", whole, n);
	unmap(base, len);
	munmap(buf, len);
}

/*
 * GET_PA agrees with pagemap at both ends of every contiguous range; with
 * each, every range is each bytes long
 */
static void check_getpa(const char *what, uint64_t iova, size_t len,
			const uint64_t *pa, uint64_t each)
{
	uint64_t off = 0, l, got;
	long bad = 0, calls = 0;

	while (off < len) {
		l = len - off;
		got = phys(iova + off, &l);
		calls++;
		if (got != pa[off / SZ_4K] ||
		    got + l - SZ_4K != pa[(off + l) / SZ_4K - 1] ||
		    l % SZ_4K || (each && l != each))
			bad++;
		off += l;
	}
	printf("BENCH-CHECK getpa_agrees_with_pagemap_%s %s %ld of %ld ranges differ\n",
	       what, bad ? "FAIL" : "ok", bad, calls);
}

/*
 * The figures of translating len bytes of kind pages, named what, runs
 * times: t the times translate() gave (GET_PA, pagemap in one read, a read
 * a page), calls the GET_PA calls of one translation
 */
static void translate_figures(const char *what,
			      const struct page_kind *kind, size_t len,
			      double t[3][MAX_RUNS], long calls)
{
	double mib = (double)len / SZ_1M, c = calls;
	char name[96];

	snprintf(name, sizeof(name), "getpa_%s", what);
	figure(name, "calls", &c, 1);
	per_unit(name, "ns/call", t[0], calls);
	per_unit(name, "ns/MiB", t[0], mib);
	per_unit(name, "ns/4KiB-page", t[0], len / SZ_4K);
	snprintf(name, sizeof(name), "pagemap_batch_%s", what);
	per_unit(name, "ns/MiB", t[1], mib);
	per_unit(name, "ns/4KiB-page", t[1], len / SZ_4K);
	snprintf(name, sizeof(name), "pagemap_paged_%s", what);
	per_unit(name, "ns/MiB", t[2], mib);
	per_unit(name, kind->unit, t[2], len / kind->size);
}

/*
 * Every figure for one buffer of len bytes of kind pages, mapped at the
 * IOVA iommufd picks or, with iova_va, at IOVA = VA
 */
static void bench_buffer(const struct page_kind *kind, size_t len,
			 int iova_va, int sweep)
{
	static const unsigned int sweep_mib[] = { 2, 8, 32, 128, 256, 512, 1024 };
	size_t page = kind->size;
	double gib = (double)len / SZ_1G;
	double v[MAX_RUNS], w[MAX_RUNS], x[MAX_RUNS], y[MAX_RUNS];
	double t[3][MAX_RUNS];
	double t0, t1, t2, t3;
	uint8_t *buf = buffer(len, kind);
	uint64_t *pa = malloc(len / SZ_4K * sizeof(*pa));
	char name[96], b[16], what[32];
	long calls = 0, before = -1, after;
	long long pins, held = 0;
	uint64_t iova;
	size_t s;
	int r;

	if (!pa)
		fatal("malloc");
	snprintf(b, sizeof(b), "%s%s", kind->name, iova_va ? "_iovava" : "");
	snprintf(what, sizeof(what), "%s_%zum", b, len / SZ_1M);

	/* IOAS_MAP + IOAS_UNMAP, and the page-table memory while mapped */
	pins = foll_pins();
	for (r = 0; r < runs; r++) {
		before = nr_iommu_pages();
		t0 = now_ns();
		iova = map(buf, len, iova_va);
		t1 = now_ns();
		after = nr_iommu_pages();
		if (!r)
			held = foll_pins() - pins;
		x[r] = (double)(after - before) * SZ_4K / 1024 / gib;
		t2 = now_ns();
		unmap(iova, len);
		t3 = now_ns();
		v[r] = gib / ((t1 - t0) / 1e9);
		w[r] = gib / ((t3 - t2) / 1e9);
		y[r] = gib / ((t1 - t0 + t3 - t2) / 1e9);
	}
	/* A map pins every 4 KiB page, its unmap gives back every pin */
	printf("BENCH-CHECK pins_held_while_mapped_%s %s %lld for %zu pages\n",
	       what, held == (long long)(len / SZ_4K) ? "ok" : "FAIL", held,
	       len / SZ_4K);
	held = foll_pins();
	printf("BENCH-CHECK pins_back_after_unmap_%s %s %lld before, %lld after\n",
	       what, held == pins ? "ok" : "FAIL", pins, held);
	snprintf(name, sizeof(name), "map_%s", what);
	figure(name, "GiB/s", v, runs);
	snprintf(name, sizeof(name), "unmap_%s", what);
	figure(name, "GiB/s", w, runs);
	snprintf(name, sizeof(name), "map_unmap_%s", what);
	figure(name, "GiB/s", y, runs);
	if (before >= 0) {
		snprintf(name, sizeof(name), "pt_memory_%s", what);
		figure(name, "KiB/GiB", x, runs);
	}

	/* GET_PA over the whole buffer, mapped once */
	iova = map(buf, len, iova_va);
	printf("BENCH-INFO mapping_%s va %p iova %#llx\n", what, (void *)buf,
	       (unsigned long long)iova);
	pagemap_batch(buf, len, pa);
	check_getpa(what, iova, len, pa, 0);
	/* Each way of translating, the whole buffer, runs times */
	for (r = 0; r < runs; r++)
		calls = translate(buf, iova, len, page, pa, &t[0][r], &t[1][r],
				  &t[2][r]);
	translate_figures(what, kind, len, t, calls);

	/* The plot: the same, for the first S MiB of the mapping */
	for (s = 0; sweep && s < sizeof(sweep_mib) / sizeof(sweep_mib[0]); s++) {
		static const char *const method[] = {
			"getpa", "pagemap_batch", "pagemap_paged"
		};
		size_t sl = (size_t)sweep_mib[s] * SZ_1M;
		char sv[128];
		int m;

		if (sl > len)
			break;
		for (r = 0; r < runs; r++)
			translate(buf, iova, sl, page, pa, &t[0][r], &t[1][r],
				  &t[2][r]);
		for (m = 0; m < 3; m++) {
			summary(sv, sizeof(sv), t[m], runs);
			printf("BENCH-SWEEP %s %s %u ns %s\n", b, method[m],
			       sweep_mib[s], sv);
		}
		fflush(stdout);
	}

	unmap(iova, len);
	free(pa);
	munmap(buf, len);
}

/* A 2 MiB page of a buffer and its physical address */
struct huge_page {
	uint64_t pa;
	size_t index;
};

static int cmp_pa_descending(const void *a, const void *b)
{
	uint64_t x = ((const struct huge_page *)a)->pa;
	uint64_t y = ((const struct huge_page *)b)->pa;

	return (x < y) - (x > y);
}

/*
 * The layout a long-running process gets once the huge page pool is
 * fragmented, and the worst GET_PA meets: a 256 MiB buffer of 2 MiB pages
 * with every page its own area at 1 TiB + k * 2 MiB, the pages in
 * descending order of physical address, so that no two IOVA-adjacent
 * pages are physically contiguous whatever the pool handed out.  A walk
 * needs a call per page, the most 2 MiB pages can need: its ns/call is what
 * a call costs when contiguity saves nothing, and so bounds the cost per
 * MiB of translating 2 MiB pages however fragmented the pool is.
 */
static void bench_scattered(void)
{
	const size_t len = 256 * SZ_1M, n = len / SZ_2M, per = SZ_2M / SZ_4K;
	const char *what = "2m_scattered_256m";
	const uint64_t base = 1ULL << 40;
	uint8_t *buf = buffer(len, &page_2m);
	uint64_t *pa = malloc(len / SZ_4K * sizeof(*pa));
	uint64_t *iova_pa = malloc(len / SZ_4K * sizeof(*iova_pa));
	struct huge_page *hp = malloc(n * sizeof(*hp));
	double t[3][MAX_RUNS];
	long calls = 0;
	size_t k;
	int r;

	if (!pa || !iova_pa || !hp)
		fatal("malloc");
	pagemap_batch(buf, len, pa);
	for (k = 0; k < n; k++) {
		hp[k].pa = pa[k * per];
		hp[k].index = k;
	}
	qsort(hp, n, sizeof(*hp), cmp_pa_descending);
	/* iova_pa: the PA of every 4 KiB of IOVA, as check_getpa() wants */
	for (k = 0; k < n; k++) {
		uint64_t iova = base + k * SZ_2M;

		if (ioas_map(iommufd, ioas_id, buf + hp[k].index * SZ_2M, SZ_2M,
			     &iova, 1))
			fatal("IOMMU_IOAS_MAP of page %zu", k);
		memcpy(iova_pa + k * per, pa + hp[k].index * per,
		       per * sizeof(*pa));
	}
	check_getpa(what, base, len, iova_pa, SZ_2M);
	for (r = 0; r < runs; r++)
		calls = translate(buf, base, len, SZ_2M, pa, &t[0][r], &t[1][r],
				  &t[2][r]);
	printf("BENCH-CHECK scattered_one_call_per_page %s %ld calls for %zu pages\n",
	       calls == (long)n ? "ok" : "FAIL", calls, n);
	translate_figures(what, &page_2m, len, t, calls);
	unmap(base, len);
	free(hp);
	free(iova_pa);
	free(pa);
	munmap(buf, len);
}

/*
 * Where the time of a GET_PA over 4 KiB leaves goes: one 2 MiB huge page
 * mapped at an IOVA 4 KiB past a 2 MiB boundary, so the table holds 512
 * physically contiguous 4 KiB leaves for it.  GET_PA of its first 4 KiB
 * walks one leaf and of all of it 512, in one call each: the first is
 * the fixed part of a call, the difference over 511 the cost of a leaf.
 * Both kernels get the same table shape and the same single run.
 */
static void leaf_cost(void)
{
	const uint64_t iova0 = (1ULL << 40) + SZ_4K;
	const int calls = 256, leaves = SZ_2M / SZ_4K;
	uint8_t *buf = buffer(SZ_2M, &page_2m);
	double one[MAX_RUNS], all[MAX_RUNS], leaf[MAX_RUNS];
	uint64_t iova = iova0, l;
	int r;

	if (ioas_map(iommufd, ioas_id, buf, SZ_2M, &iova, 1))
		fatal("IOMMU_IOAS_MAP of a 2 MiB page at %#llx",
		      (unsigned long long)iova0);
	l = SZ_2M;
	phys(iova0, &l);
	printf("BENCH-CHECK leaf_cost_one_run %s %llu bytes in one answer\n",
	       l == SZ_2M ? "ok" : "FAIL", (unsigned long long)l);
	for (r = 0; r < runs; r++) {
		one[r] = getpa_ns(iova0, SZ_4K, calls);
		all[r] = getpa_ns(iova0, SZ_2M, calls);
		leaf[r] = (all[r] - one[r]) / (leaves - 1);
	}
	figure("getpa_one_4k_leaf", "ns/call", one, runs);
	figure("getpa_512_4k_leaves", "ns/call", all, runs);
	figure("getpa_per_4k_leaf", "ns/leaf", leaf, runs);
	unmap(iova0, SZ_2M);
	munmap(buf, SZ_2M);
}

/*
 * For tools/bench-profile: one kind of GET_PA in a loop for seconds, between
 * BENCH-PROFILE-BEGIN and BENCH-PROFILE-END lines, while the host samples
 * where the vCPUs are.  The kinds are leaf_cost()'s two calls and
 * fixed_costs()' unmapped one.
 */
static void profile(const char *kind, double seconds)
{
	const uint64_t iova0 = (1ULL << 40) + SZ_4K;
	uint8_t *buf = buffer(SZ_2M, &page_2m);
	uint64_t iova = iova0, len, l, pa;
	long calls = 0;
	double end;
	int i;

	if (!strcmp(kind, "one_4k_leaf"))
		len = SZ_4K;
	else if (!strcmp(kind, "512_4k_leaves"))
		len = SZ_2M;
	else if (!strcmp(kind, "unmapped"))
		len = 0;
	else
		fatal("profile: no kind %s", kind);
	if (ioas_map(iommufd, ioas_id, buf, SZ_2M, &iova, 1))
		fatal("IOMMU_IOAS_MAP of a 2 MiB page");
	printf("BENCH-PROFILE-BEGIN %s\n", kind);
	fflush(stdout);
	end = now_ns() + seconds * 1e9;
	while (now_ns() < end) {
		for (i = 0; i < 256; i++) {
			if (len) {
				l = len;
				phys(iova0, &l);
			} else {
				l = SZ_4K;
				get_pa(iommufd, ioas_id, 1ULL << 41, &l, &pa);
			}
		}
		calls += 256;
	}
	printf("BENCH-PROFILE-END %s %ld calls in %.0f s\n", kind, calls, seconds);
	fflush(stdout);
	unmap(iova0, SZ_2M);
	munmap(buf, SZ_2M);
}

int main(int argc, char **argv)
{
	struct utsname u;
	double t0 = now_ns();

	if (argc > 1)
		runs = atoi(argv[1]);
	if (runs < 1 || runs > MAX_RUNS || (argc > 2 && (argc != 5 ||
					  strcmp(argv[2], "profile")))) {
		fprintf(stderr, "usage: %s [RUNS [profile KIND SECONDS]]  (RUNS 1..%d)\n",
			argv[0], MAX_RUNS);
		return 2;
	}
	if (argc == 5) {
		open_device();
		profile(argv[3], atof(argv[4]));
		return 0;
	}
	uname(&u);
	printf("BENCH-INFO kernel %s %s\n", u.release, u.version);
	printf("BENCH-INFO runs %d\n", runs);
	printf("BENCH-INFO nr_iommu_pages %ld\n", nr_iommu_pages());
	open_device();
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap_fd < 0)
		fatal("open /proc/self/pagemap");
	fixed_costs();
	adjacent_areas();

	bench_buffer(&page_2m, 256 * SZ_1M, 0, 0);
	bench_buffer(&page_2m, SZ_1G, 0, 1);
	bench_buffer(&page_2m, 256 * SZ_1M, 1, 0);
	bench_buffer(&page_2m, SZ_1G, 1, 1);
	bench_buffer(&page_4k, 256 * SZ_1M, 0, 0);
	bench_buffer(&page_4k, SZ_1G, 0, 1);
	bench_buffer(&page_4k, 256 * SZ_1M, 1, 0);
	bench_buffer(&page_4k, SZ_1G, 1, 1);
	bench_buffer(&page_1g, SZ_1G, 0, 0);
	bench_buffer(&page_1g, SZ_1G, 1, 0);
	bench_scattered();
	leaf_cost();
	printf("BENCH-INFO seconds %.1f\n", (now_ns() - t0) / 1e9);
	printf("BENCH-DONE\n");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * GET_PA under concurrent change: two threads map and unmap fixed slots of
 * an IOAS (4K pages and one 2M huge page), two threads ask GET_PA about
 * random offsets and lengths in those slots, and one thread detaches the
 * device and attaches it again, now and then by way of a second IOAS.
 * Every GET_PA answer must be a documented error (ENOENT: not mapped now;
 * EOPNOTSUPP: no no-IOMMU device attached now) or the right physical
 * address, checked against /proc/self/pagemap at the first byte, the last
 * byte and the middle of the run it claims is contiguous.  Bounded by
 * operations, not by time: each mapper and asker does exactly OPS
 * operations while the attacher keeps going, so every run checks the same
 * number of answers however loaded the machine is; prints the counts; at
 * the end every pin is released.
 *
 * usage: stress PCI-BDF
 * E2E_STRESS_SECONDS is only a safety limit (default 300): a run that hits
 * it fails.
 */
#include <pthread.h>

#include "noiommu_lib.h"

#define SLOTS 8
#define SLOT_LEN (256UL << 10)
#define SLOT_IOVA(i) ((1ULL << 32) + (uint64_t)(i) * (4UL << 20))
/* Operations of each mapper and each asker */
#define OPS 10000L

enum { RES_OK, RES_ENOENT, RES_EOPNOTSUPP, RES_EEXIST, RES_EBUSY, RES_OTHER, RES_WRONG, RES_MAX };
static const char *const rname[RES_MAX] = {
	"ok", "ENOENT", "EOPNOTSUPP", "EEXIST", "EBUSY", "other", "WRONG",
};

struct worker {
	const char *role;
	void *(*fn)(void *arg);
	int bounded;
	pthread_t tid;
	uint64_t seed;
	long n[RES_MAX];
	int first_other;
};

static struct session s;
static uint32_t ioas_b;
static uint8_t *slot_va[SLOTS + 1];
static size_t slot_len[SLOTS + 1];
static volatile int stop, timed_out;
/* Bounded workers still running; the attacher runs while any is */
static int busy;
static double deadline;

static int nslots(void)
{
	return slot_va[SLOTS] ? SLOTS + 1 : SLOTS;
}

static void tally(struct worker *w, int rc, int allowed_mask)
{
	int r;

	switch (rc) {
	case 0:
		r = RES_OK;
		break;
	case -ENOENT:
		r = RES_ENOENT;
		break;
	case -EOPNOTSUPP:
		r = RES_EOPNOTSUPP;
		break;
	case -EEXIST:
		r = RES_EEXIST;
		break;
	case -EBUSY:
		r = RES_EBUSY;
		break;
	default:
		r = RES_OTHER;
		break;
	}
	if (r != RES_OK && !(allowed_mask & (1 << r)))
		r = RES_OTHER;
	if (r == RES_OTHER && !w->n[RES_OTHER])
		w->first_other = rc;
	w->n[r]++;
}

static int done(struct worker *w)
{
	long ops = 0;
	int r;

	for (r = 0; r < RES_MAX; r++)
		ops += w->n[r];
	if (stop)
		return 1;
	if (!(ops & 63) && now_s() > deadline) {
		timed_out = 1;
		stop = 1;
		return 1;
	}
	if (!w->bounded)
		return !__atomic_load_n(&busy, __ATOMIC_SEQ_CST);
	return ops >= OPS;
}

/* Map or unmap a random slot; racing each other gives EEXIST/ENOENT */
static void *mapper(void *arg)
{
	struct worker *w = arg;

	while (!done(w)) {
		int i = rnd(&w->seed) % nslots(), rc;
		uint64_t iova = SLOT_IOVA(i);

		if (rnd(&w->seed) & 1)
			rc = ioas_map(s.ifd, s.ioas, slot_va[i], slot_len[i],
				      &iova, 1);
		else
			rc = ioas_unmap(s.ifd, s.ioas, iova, slot_len[i]);
		/* EBUSY: the other mapper is half way through this slot */
		tally(w, rc, 1 << RES_ENOENT | 1 << RES_EEXIST | 1 << RES_EBUSY);
	}
	return NULL;
}

/* Is [va, va + len) really at [pa, pa + len)?  First, middle, last byte */
static int agrees(const uint8_t *va, uint64_t pa, uint64_t len)
{
	uint64_t mid = len / 2;

	return va_to_pa(va) == pa && va_to_pa(va + mid) == pa + mid &&
	       va_to_pa(va + len - 1) == pa + len - 1;
}

static void *asker(void *arg)
{
	struct worker *w = arg;

	while (!done(w)) {
		int i = rnd(&w->seed) % nslots(), rc;
		uint64_t off = rnd(&w->seed) % slot_len[i];
		uint64_t want = 1 + rnd(&w->seed) % (2 * slot_len[i]);
		uint64_t len = want, pa = 0;

		rc = get_pa(s.ifd, s.ioas, SLOT_IOVA(i) + off, &len, &pa);
		tally(w, rc, 1 << RES_ENOENT | 1 << RES_EOPNOTSUPP);
		if (rc)
			continue;
		/* Within the cap and the slot, and true to the page tables */
		if (!len || len > want || off + len > slot_len[i] ||
		    !agrees(slot_va[i] + off, pa, len)) {
			if (!w->n[RES_WRONG]++)
				note("wrong: slot %d off %#llx want %llu: pa %#llx len %llu, pagemap %#llx",
				     i, (unsigned long long)off,
				     (unsigned long long)want,
				     (unsigned long long)pa,
				     (unsigned long long)len,
				     (unsigned long long)va_to_pa(slot_va[i] + off));
			w->n[RES_OK]--;
		}
	}
	return NULL;
}

/* Detach and attach again; one time in four through the second IOAS */
static void *attacher(void *arg)
{
	struct worker *w = arg;

	while (!done(w)) {
		uint32_t pt = ioas_b;
		int rc = 0;

		if (!(rnd(&w->seed) % 4)) {
			rc = dev_attach(s.dev, &pt);
			tally(w, rc, 0);
		}
		rc = dev_detach(s.dev);
		tally(w, rc, 0);
		sleep_ms(rnd(&w->seed) % 3);
		pt = s.ioas;
		rc = dev_attach(s.dev, &pt);
		tally(w, rc, 0);
		/* Attached most of the time, so GET_PA mostly has answers */
		sleep_ms(5 + rnd(&w->seed) % 20);
	}
	return NULL;
}

/* A worker's role, then one bounded worker fewer */
static void *run(void *arg)
{
	struct worker *w = arg;

	w->fn(w);
	if (w->bounded)
		__atomic_sub_fetch(&busy, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker w[] = {
		{ .role = "map/unmap" }, { .role = "map/unmap" },
		{ .role = "GET_PA" }, { .role = "GET_PA" },
		{ .role = "attach/detach" },
	};
	void *(*fn[])(void *) = { mapper, mapper, asker, asker, attacher };
	long asked = 0;
	unsigned int nw = sizeof(w) / sizeof(w[0]), i, r;
	double budget = budget_s("E2E_STRESS_SECONDS", 300), t0 = now_s();
	uint64_t seed = seed_from(NULL);
	long long pins0;
	long wrong = 0, other = 0, getpa_ok = 0;
	const char *what;
	int rc;

	const char *bdf = tap_start(argc, argv, 2);

	note("seed %llu (E2E_SEED to repeat), %ld operations per mapper and asker, "
	     "at most %.0f s", (unsigned long long)seed, OPS, budget);
	pins0 = foll_pins();

	bufs_alloc(slot_va, slot_len, SLOTS, SLOT_LEN);
	if (!slot_va[SLOTS])
		skip("no 2M huge page", "2M slot");

	rc = session_open(&s, bdf, &what);
	if (rc)
		fatal("%s: %s", what, errname(rc));
	if (ioas_new(s.ifd, &ioas_b))
		fatal("second IOAS");

	/* Open the pagemap file once, before the threads share it */
	va_to_pa(slot_va[0]);
	deadline = now_s() + budget;
	for (i = 0; i < nw; i++) {
		w[i].fn = fn[i];
		w[i].bounded = fn[i] != attacher;
		busy += w[i].bounded;
	}
	for (i = 0; i < nw; i++) {
		w[i].seed = seed + i * 0x9E3779B97F4A7C15ULL;
		if (pthread_create(&w[i].tid, NULL, run, &w[i]))
			fatal("pthread_create");
	}
	for (i = 0; i < nw; i++)
		pthread_join(w[i].tid, NULL);
	note("threads ran %.1f s", now_s() - deadline + budget);

	for (i = 0; i < nw; i++) {
		char line[256];
		int len = 0;

		for (r = 0; r < RES_MAX; r++)
			if (w[i].n[r])
				len += snprintf(line + len, sizeof(line) - len,
						" %s=%ld", rname[r], w[i].n[r]);
		note("%-13s%s%s%s", w[i].role, line,
		     w[i].n[RES_OTHER] ? ", first other: " : "",
		     w[i].n[RES_OTHER] ? errname(w[i].first_other) : "");
		wrong += w[i].n[RES_WRONG];
		other += w[i].n[RES_OTHER];
		if (fn[i] == asker) {
			getpa_ok += w[i].n[RES_OK];
			for (r = 0; r < RES_MAX; r++)
				asked += w[i].n[r];
		}
	}
	check(!timed_out && asked == 2 * OPS,
	      "each asker asked GET_PA %ld times (%ld asked%s)", OPS, asked,
	      timed_out ? ", stopped by E2E_STRESS_SECONDS" : "");
	check(!wrong, "every GET_PA answer agrees with pagemap (%ld answers, %ld wrong)",
	      getpa_ok, wrong);
	check(!other, "every error is a documented one (%ld others)", other);
	check(getpa_ok > 0, "GET_PA answered while the IOAS changed (%ld)",
	      getpa_ok);

	session_close(&s);
	check(settle_pins(pins0) == pins0, "pins back to %lld (%lld)", pins0,
	      foll_pins());
	check(restore_binding(bdf), "device bound to vfio-pci, cdev present");
	note("stress took %.1f s", now_s() - t0);
	return tap_end();
}

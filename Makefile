# The index of what can be run.  `make` is the main job, `make check` runs
# every test.  Each target calls one script of tools/ (see its --help).

SHELL := /bin/bash
.DEFAULT_GOAL := all

.PHONY: all deps fetch apply apply-quilt kunit kunit-default kunit-x86 kunit-arm64 kconfig-check e2e conformance bench bench-profile bisect checkpatch configs gates send check export clean help

# The quick look: the series' own suites (*noiommu*) in the default UML
# configuration; make check runs every suite of every configuration
all: deps fetch apply kunit-default

help:
	@echo "make              fetch the base, apply the series, run the series' KUnit suites (UML), print results"
	@echo "make check        every test: git am + quilt, checkpatch, KUnit; ends 'N passed, N failed'"
	@echo "make apply        (re)make .build/linux from the base and the series"
	@echo "make export       write .build/linux's commits back to patches/ and series"
	@echo "make kunit        KUnit suites only, every configuration (needs make apply)"
	@echo "make kunit-default  the series' suites in the default KUnit run (UML), as make does"
	@echo "make kunit-x86    the KUnit run of (b) under QEMU x86_64 (TCG); not in make check"
	@echo "make kunit-arm64  the KUnit runs under QEMU arm64 (64K pages, TCG) only"
	@echo "make kconfig-check  Kconfig of a GENERIC_ATOMIC64 architecture (arm)"
	@echo "make e2e          boot the series in QEMU (debug kernel), DMA with the edu device"
	@echo "make conformance  the same probe binary on the series and on Linux 7.3 (QEMU); every answer must agree"
	@echo "make bench        GET_PA vs pagemap vs Linux 7.3 in QEMU, THP on and off; table, matrix, bench/results.json, plot"
	@echo "make bench-profile  where a GET_PA call's time goes in the guest (after make bench)"
	@echo "make checkpatch   checkpatch --strict on every patch"
	@echo "make configs      build the configurations of configs/ (UML)"
	@echo "make bisect       every patch built on its own in UML (make check's gates do it on x86_64)"
	@echo "make gates        per patch: x86_64 build, new W=1/sparse/kernel-doc/rst warnings"
	@echo "make send         the series as b4 sends it (v2, To/Cc from get_maintainer.pl) in .build/b4-send; sends nothing"
	@echo "make clean        remove .build (the base and ccache stay in ~/.cache)"

deps:
	@tools/deps build check qemu

fetch: deps
	@tools/fetch-base

apply: fetch
	@tools/apply

apply-quilt: apply
	@tools/apply --quilt

kunit:
	@tools/kunit

kunit-default:
	@tools/kunit --config default --filter '*noiommu*'

kunit-x86:
	@tools/kunit --config x86_64-b-group-and-cdev

kunit-arm64:
	@tools/kunit --arch arm64

kconfig-check:
	@tools/kconfig-check

e2e:
	@tools/e2e --debug

conformance:
	@tools/conformance

# Not part of make check: four kernels and long guest runs
bench:
	@tools/bench

bench-profile:
	@tools/bench-profile

checkpatch:
	@tools/checkpatch

configs:
	@tools/build-configs

gates:
	@tools/gates

bisect:
	@tools/bisect-build

send:
	@tools/send

export:
	@tools/export

check: deps fetch
	@tools/check

clean:
	rm -rf .build

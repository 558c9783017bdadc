# What tools/e2e, tools/bench and tools/conformance share: build a small x86_64 kernel out of
# tree, build static guest programs, pack a busybox initramfs and boot it
# in QEMU (q35, TCG).  Sourced after lib.sh, not run.

# The series' debug kernel, which tools/e2e --debug and tools/conformance
# boot, is the kernel tools/gates builds at the series' last commit: the
# same directory, fragments and make arguments (W=1 changes no object, but
# kbuild rebuilds an object whose command line changed).  So after the
# gates, make check's e2e step only links bzImage.  Its KUnit suites stay
# off at boot (kunit.enable=0): tools/kunit runs them.
debug_kdir=$build/gates-x86_64
debug_frags=("$top/configs/qemu-x86_64.config" "$top/configs/qemu-x86_64-debug.config"
	     "$top/configs/gates-x86_64.config")
debug_make=(W=1)
debug_append="kunit.enable=0"

# qemu_last_settings FRAGMENT...: the option lines of the fragments, of
# each option only the last, the one merge_config.sh keeps: a later
# fragment overrides an earlier one
qemu_last_settings() {
	grep -hE '^(# )?CONFIG_' "$@" | tac |
		awk '{ o = $1 == "#" ? $2 : $1; sub(/=.*/, "", o) } !seen[o]++' | tac
}

# qemu_kernel SRC KDIR BUILDLOG FRAGMENT...
# make tinyconfig plus the fragments in KDIR (out of tree of SRC, ccache),
# check that every option of the fragments stuck (its last setting) and
# build bzImage, its output in BUILDLOG.  The make arguments in the array
# qemu_make (none by default; qemu_kernel_debug sets debug_make) are passed
# to every make.
qemu_kernel() {
	local src=$1 kdir=$2 blog=$3 bad start
	shift 3
	local frags=("$@")
	local mk=(make -s -C "$src" ARCH=x86_64 O="$kdir" CC="ccache gcc" -j"$jobs"
		  ${qemu_make[@]+"${qemu_make[@]}"})

	mkdir -p "$kdir"
	log "configuring the kernel (tinyconfig + ${frags[*]##*/})"
	"${mk[@]}" tinyconfig >/dev/null
	(cd "$src" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m -O "$kdir" \
		"$kdir/.config" "${frags[@]}") >/dev/null
	"${mk[@]}" olddefconfig >/dev/null
	bad=$(fragment_misses "$kdir/.config" <(qemu_last_settings "${frags[@]}"))
	[ -z "$bad" ] || die "options of ${frags[*]##*/} that did not stick: $(echo $bad)"

	log "building bzImage (about 5 minutes cold)"
	start=$(date +%s)
	"${mk[@]}" bzImage >"$blog" 2>&1 ||
		{ grep -E 'error:|Error [0-9]' "$blog" | head -5 >&2; die "kernel build failed, see $blog"; }
	log "bzImage built in $(( $(date +%s) - start )) s"
}

# qemu_kernel_debug BUILDLOG: the series' debug kernel in $debug_kdir
qemu_kernel_debug() {
	local qemu_make=("${debug_make[@]}")
	qemu_kernel "$tree" "$debug_kdir" "$1" "${debug_frags[@]}"
}

# qemu_kernel_v73 KDIR BUILDLOG [FRAGMENT...]: Linux 7.3 from Debian's
# linux-source-7.3 (tools/fetch-base --release 7.3), built as qemu_kernel
# builds the series with configs/qemu-x86_64.config and then the
# FRAGMENTs, if any (tools/bench's configs/qemu-x86_64-nothp.config).  7.3
# folded CONFIG_PROC_SYSCTL into CONFIG_SYSCTL (fs/proc/Kconfig), which
# the fragment sets as well: the same configuration without the gone
# symbol, in KDIR.fragment.  The tree is built and run, never read.
qemu_kernel_v73() {
	local src kdir=$1 blog=$2 frag=$1.fragment
	shift 2

	src=$("$top/tools/fetch-base" --release 7.3 --print-dir)
	grep -vE '^(# )?CONFIG_PROC_SYSCTL[= ]' "$top/configs/qemu-x86_64.config" > "$frag"
	qemu_kernel "$src" "$kdir" "$blog" "$frag" "$@"
}

# qemu_headers SRC KDIR: the kernel's uAPI headers in KDIR/usr/include
qemu_headers() {
	make -s -C "$1" ARCH=x86_64 O="$2" headers_install INSTALL_HDR_PATH="$2/usr" >/dev/null
}

# qemu_static_prog KDIR OUT SOURCE: a static guest program built against
# KDIR's uAPI headers, with the applied tree's kselftest.h (its TAP)
qemu_static_prog() {
	gcc -O2 -Wall -Wextra -Werror -static -pthread -I"$1/usr/include" \
		-I"$tree/tools/testing/selftests" -o "$2" "$3"
}

# qemu_initramfs_new ROOT: an empty initramfs tree with busybox in it
qemu_initramfs_new() {
	rm -rf "$1"
	mkdir -p "$1"/{bin,dev,proc,sys,tests,tmp}
	cp /bin/busybox "$1/bin/busybox"
}

# qemu_initramfs_pack ROOT INIT OUT: ROOT with INIT as /init, in OUT
qemu_initramfs_pack() {
	cp "$2" "$1/init"
	chmod +x "$1/init"
	(cd "$1" && find . | cpio -o -H newc --quiet | gzip -1) > "$3"
}

# qemu_boot KVM LIMIT MEMORY KERNEL INITRD APPEND CONSOLE
# Boot with the edu device behind a PCIe root port, the serial console in
# CONSOLE; QEMU's exit code in qrc (124 when LIMIT seconds ran out).  KVM=1
# lets QEMU use KVM, with a limit of at most 120 s.  The QEMU arguments in
# the array qemu_extra (none by default; tools/bench-profile's monitor)
# are added.
qemu_boot() {
	local kvm=$1 limit=$2 mem=$3 kernel=$4 initrd=$5 append=$6 console=$7 start
	# qemu64 with 1 GiB pages (pdpe1gb), so that the guest can have
	# hugetlb pages of 1 GiB
	local accel=(-accel tcg -cpu qemu64,+pdpe1gb)

	if [ "$kvm" = 1 ]; then
		accel=(-accel kvm -cpu host)
		limit=$(( limit < 120 ? limit : 120 ))
	fi
	log "booting QEMU (${accel[*]}, limit ${limit} s)"
	start=$(date +%s)
	set +e
	timeout --foreground -k 5 "$limit" qemu-system-x86_64 "${accel[@]}" \
		-machine q35 -m "$mem" -smp 2 -nographic -no-reboot -nic none \
		-kernel "$kernel" -initrd "$initrd" -append "$append" \
		-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1 \
		-device edu,bus=rp1,dma_mask=0xffffffffffffffff \
		${qemu_extra[@]+"${qemu_extra[@]}"} </dev/null >"$console" 2>&1
	qrc=$?
	set -e
	log "QEMU exited $qrc after $(( $(date +%s) - start )) s"
}

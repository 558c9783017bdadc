# Shared helpers for the scripts in tools/. Sourced, not run.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${VFIO_NOIOMMU_CACHE:-$HOME/.cache/vfio-noiommu}
build=${VFIO_NOIOMMU_BUILD:-$top/.build}
tree=$build/linux
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Paths below the checkout are hashed relative to it, so that a clone in
# another folder (as CI makes) hits the cache the last one filled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
jobs=$(nproc)

log() { echo "${0##*/}: $*" >&2; }
die() { echo "${0##*/}: $*" >&2; exit 1; }

# The patch files of the series, in quilt order.
series_patches() {
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$top/series" | sed '/^$/d'
}

# Print the path of a base tree that is a git repository with the tag
# v7.2-base, making it from the verified extracted tree the first time.
base_repo() {
	local src
	src=$("$top/tools/fetch-base" --print-dir)
	if ! git -C "$src" rev-parse -q --verify v7.2-base >/dev/null 2>&1; then
		log "making the base git repository (about 30 s, once)"
		rm -rf "$src/.git"
		(
			cd "$src"
			export GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost
			export GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost
			export GIT_AUTHOR_DATE=2026-10-28T15:01:00Z
			export GIT_COMMITTER_DATE=2026-10-28T15:01:00Z
			git init -q
			git add -A -f .
			git commit -q -m "Linux $(make -s kernelversion) (Debian linux-source-7.2 $(cut -d' ' -f1 ../.verified))"
			git tag v7.2-base
		) >&2
	fi
	echo "$src"
}

# fragment_misses DOTCONFIG FRAGMENT...: print each option line of the
# fragments ("CONFIG_X=..." or "# CONFIG_X is not set") that DOTCONFIG does
# not have.  An option asked off may also be absent: its dependencies hide it.
fragment_misses() {
	local cfg=$1 l o
	shift
	grep -hE '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$@" |
		while read -r l; do
			case "$l" in
			"# "*) o=${l#\# }; o=${o%% *}
			       ! grep -q "^$o=" "$cfg" || echo "$l" ;;
			*) grep -qxF -- "$l" "$cfg" || echo "$l" ;;
			esac
		done
}

# Install the Debian packages named, skipping the ones already present.
need_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing Debian packages: ${missing[*]}"
	if [ "$(id -u)" != 0 ]; then
		die "missing packages ${missing[*]}: install them as root (apt-get install ${missing[*]})"
	fi
	apt-get -q update >/dev/null || true
	DEBIAN_FRONTEND=noninteractive apt-get -q -y install --no-install-recommends "${missing[@]}" >&2
}

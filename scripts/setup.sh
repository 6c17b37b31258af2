#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and benchmarking rlsuite needs.
# Idempotent and quick when everything is present; uses sudo when not run as root.
set -euo pipefail

packages=(
  g++                           # the compiler (g++ 12 on Debian 12)
  cmake                         # build system (3.25: presets and workflows)
  ninja-build                   # the generator the presets use
  git
  libeigen3-dev                 # nn: matrices
  catch2                        # tests (v2)
  libboost-program-options-dev  # the rl command line
  nlohmann-json3-dev            # JSON output of the benchmarks and rl eval --json
  libhdf5-dev                   # run logs and checkpoints (HDF5 1.10)
  hdf5-tools                    # h5dump and h5ls, to inspect run logs
  python3-h5py                  # the test that reads a run log as users do
  python3-pil                   # the tests that read back rl record's GIFs and PNGs
  pkg-config                    # finds Cairo
  libcairo2-dev                 # learning-curve PNGs (rl analyze --plot)
  fonts-dejavu-core             # the font those PNGs and the renderer's overlays use
  libsfml-dev                   # the window of rl watch / rl play (SFML 2.5)
  libx11-dev                    # to check for an X display before SFML would abort without one
  libgif-dev                    # animated GIFs of rl record (giflib)
  xvfb                          # a virtual X display for the window tests (xvfb-run)
  xauth                         # which xvfb-run needs
  python3-torch                 # PyTorch peer for benchmarks and reference tests
  python3-numpy
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "setup: need root to install: ${missing[*]} (run as root or install sudo)" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
echo "setup: done"

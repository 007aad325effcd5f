#!/usr/bin/env bash
# Packaging check: `pip install .` into a fresh virtual environment builds the extension with
# scikit-build-core, then `import ehub` works and ehub.__version__ equals the C++ version.
set -euo pipefail
src=$1 work=$2 python=${3:-python3}
rm -rf "$work" && mkdir -p "$work"
"$python" -m venv "$work/venv"
export CCACHE_BASEDIR="$src" CCACHE_NOHASHDIR=1
"$work/venv/bin/python" -m pip install -q "$src" --config-settings=build-dir="$work/build"
cd "$work"
"$work/venv/bin/python" -c "import ehub; print(ehub.__version__, ehub.version(), ehub.lp.available_solvers())"
"$work/venv/bin/python" -c "import ehub; assert ehub.__version__ == ehub.version(), 'version mismatch'"

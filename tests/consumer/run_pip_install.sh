#!/usr/bin/env bash
# Packaging check: `pip install ".[notebooks]"` into a fresh virtual environment builds the
# extension with scikit-build-core, then `import ehub` works, ehub.__version__ equals the C++
# version, and every notebook in examples/notebooks runs top to bottom against the installed package.
set -euo pipefail
src=$1 work=$2 python=${3:-python3}
rm -rf "$work" && mkdir -p "$work"
"$python" -m venv "$work/venv"
export CCACHE_BASEDIR="$src" CCACHE_NOHASHDIR=1
"$work/venv/bin/python" -m pip install -q "$src[notebooks]" --config-settings=build-dir="$work/build"
cd "$work"
"$work/venv/bin/python" -c "import ehub; print(ehub.__version__, ehub.version(), ehub.lp.available_solvers())"
"$work/venv/bin/python" -c "import ehub; assert ehub.__version__ == ehub.version(), 'version mismatch'"
# The notebooks, with the installed package only (no PYTHONPATH to a build tree); the kernel is
# this venv's python3.
cd "$src"
env -u PYTHONPATH "$work/venv/bin/python" -c "import ehub, sys; assert ehub.__file__.startswith('$work'), ehub.__file__"
env -u PYTHONPATH "$work/venv/bin/python" -m pytest -q -p no:cacheprovider tests/python/test_notebooks.py

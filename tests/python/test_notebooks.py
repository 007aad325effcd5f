"""Every notebook in examples/notebooks runs top to bottom without a cell error (nbclient, a python3
kernel of this interpreter, working directory the notebook's own folder: the data come from
ehub.examples, issue 13 item 12); notebooks are stored without
outputs; the first code cell of notebook 01 is a Python example of the README.

Needs nbclient, nbformat and ipykernel (and dask + distributed for notebook 05); skipped without them.
"""
import pathlib
import re
import time

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "examples" / "notebooks").glob("*.ipynb"))
# Modules a notebook needs beyond ehub's own dependencies (skip it, naming them, when missing).
NEEDS = {"05_scenario_sweep_dask.ipynb": ["dask", "distributed"]}
TIMEOUT_S = 240  # per cell; the whole set runs in about a minute on two cores


def test_notebooks_are_found():
    names = [p.name for p in NOTEBOOKS]
    assert any(n.startswith("01_") for n in names) and any(n.startswith("05_") for n in names), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing " \
                      f"(jupyter nbconvert --clear-output --inplace {path.relative_to(ROOT)})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path):
    for mod in NEEDS.get(path.name, []):
        pytest.importorskip(mod, reason=f"{path.name} needs {mod}")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    t = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        nbformat.write(nb, tmp_path / path.name)  # with outputs, for a look at the failure
        pytest.fail(f"{path.name}: a cell failed (executed copy: {tmp_path / path.name}):\n{e}")
    elapsed = time.perf_counter() - t
    # Figures come out as images (the notebooks are about them).
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert images >= 1, f"{path.name} displayed no figure"
    print(f"{path.name}: {elapsed:.1f} s, {images} figures")


def test_readme_example_is_notebook_01():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README has no python example"
    nb01 = next(p for p in NOTEBOOKS if p.name.startswith("01_"))
    cells = [c.source.strip() for c in nbformat.read(nb01, as_version=4).cells if c.cell_type == "code"]
    assert cells[0] in [b.strip() for b in blocks], (
        "README must show the first code cell of " + nb01.name + " as a Python example:\n" + cells[0])

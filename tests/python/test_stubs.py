"""Type stubs (.pyi) of the ehub package: every name they list exists at run time (imported and looked
up, class members included), every public name of the compiled and re-exporting modules is in them,
and they parse (and type-check a small user program with mypy, where installed).

Regenerate them after changing the bindings (needs ``pip install pybind11-stubgen``):

    PYTHONPATH=build/dev/python .venv/bin/python tests/python/test_stubs.py --regenerate

which writes bindings/python/ehub/_core/*.pyi (pybind11-stubgen) and a .pyi for every Python module
that re-exports a compiled submodule (``from ._core.X import *`` plus its own functions and classes).
Pure-Python modules (ehub.plot) carry their annotations in the .py and need no stub.
"""
import ast
import importlib
import inspect
import pathlib
import re
import subprocess
import sys
import textwrap
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PKG_SRC = ROOT / "bindings" / "python" / "ehub"
# Compiled names that exist only when bindings/python/src/pydevice.cpp is registered in module.cpp.
PYDEVICE = {m: {"Builder", "SeriesSource", "_register_python_device_type"} for m in ("ehub._core.hub", "ehub.hub")}


def stub_files():
    return sorted(PKG_SRC.rglob("*.pyi"))


def module_of(stub: pathlib.Path) -> str:
    rel = stub.relative_to(PKG_SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(module: str):
    """ehub._core.hub is an attribute of ehub._core (pybind11 submodule), not an importable module."""
    parts = module.split(".")
    obj = importlib.import_module(parts[0])
    for p in parts[1:]:
        obj = getattr(obj, p) if hasattr(obj, p) else importlib.import_module(obj.__name__ + "." + p)
    return obj


def stub_names(stub: pathlib.Path):
    """Top-level names of a stub and, per class, its members; star imports expanded."""
    tree = ast.parse(stub.read_text(), filename=str(stub))
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            top.add(node.name)
            members[node.name] = {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            members[node.name] |= {n.target.id for n in node.body
                                   if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            top.add(node.target.id)
        elif isinstance(node, ast.Assign):
            top |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = module_of(stub).split(".")
            if stub.name != "__init__.pyi":
                base = base[:-1]
            base = base[: len(base) - (node.level - 1)]
            src = ".".join(base + ([node.module] if node.module else []))
            for a in node.names:
                if a.name == "*":
                    target = star_source(src)
                    top |= stub_all(target)
                elif a.asname == a.name or stub.name == "__init__.pyi" or a.asname is None:
                    top.add(a.asname or a.name)
    top.discard("__all__")
    return top, members


def star_source(module: str) -> pathlib.Path:
    rel = pathlib.Path(*module.split(".")[1:])
    for cand in (PKG_SRC / rel.with_suffix(".pyi"), PKG_SRC / rel / "__init__.pyi"):
        if cand.exists():
            return cand
    raise AssertionError(f"star import from {module}, which has no stub")


def stub_all(stub: pathlib.Path):
    for node in ast.parse(stub.read_text()).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"{stub} has no __all__")


def has_pydevice():
    import ehub

    return hasattr(ehub._core.hub, "_register_python_device_type")


def test_stubs_exist():
    names = {module_of(s) for s in stub_files()}
    for m in ("ehub", "ehub._core", "ehub._core.core", "ehub._core.lp", "ehub._core.hub", "ehub._core.dispatch",
              "ehub.core", "ehub.lp", "ehub.hub", "ehub.dispatch", "ehub.io", "ehub.physics"):
        assert m in names, f"no stub for {m}"
    assert (PKG_SRC / "py.typed").exists()


@pytest.mark.parametrize("stub", stub_files(), ids=lambda p: str(p.relative_to(PKG_SRC)))
def test_every_stub_name_exists(stub):
    """Import every name a stub lists (and every member of its classes)."""
    module = module_of(stub)
    mod = resolve(module)
    top, members = stub_names(stub)
    skip = set() if has_pydevice() else PYDEVICE.get(module, set())
    missing = sorted(n for n in top - skip if not hasattr(mod, n))
    for cls, ms in members.items():
        if cls in skip or not hasattr(mod, cls):
            continue
        c = getattr(mod, cls)
        missing += sorted(f"{cls}.{m}" for m in ms if not hasattr(c, m) and m not in ("__init__",))
    assert not missing, f"{stub.name} lists names {module} does not have: {missing}"


def reexporting_modules():
    """Python modules of the package that copy a compiled submodule's names (need a stub)."""
    out = []
    for py in sorted(PKG_SRC.glob("*.py")):
        if py.name.startswith("_") and py.name != "__init__.py":
            continue
        text = py.read_text()
        if "reexport(" in text or py.name == "__init__.py":
            out.append(py)
    return out


@pytest.mark.parametrize("py", reexporting_modules(), ids=lambda p: p.name)
def test_every_public_name_is_in_the_stubs(py):
    """Nothing public is missing from the stubs (so type checkers and IDEs see the whole API)."""
    modname = "ehub" if py.name == "__init__.py" else f"ehub.{py.stem}"
    try:
        importlib.import_module(modname)
    except (ImportError, AttributeError) as e:
        pytest.skip(f"{modname} does not import with this build ({e})")
    stub = py.with_suffix(".pyi")
    assert stub.exists(), f"{py.name} re-exports compiled names but has no {stub.name}: regenerate the stubs " \
                          f"(see this file's docstring)"
    module = module_of(stub)
    mod = resolve(module)
    top, _ = stub_names(stub)
    public = set(getattr(mod, "__all__", [n for n in dir(mod) if not n.startswith("_")]))
    missing = sorted(public - top)
    assert not missing, f"{stub.name} lacks {missing}: regenerate the stubs (see this file's docstring)"


def test_compiled_submodules_are_in_the_stubs():
    import ehub

    for name in dir(ehub._core):
        sub = getattr(ehub._core, name)
        if isinstance(sub, types.ModuleType):
            stub = PKG_SRC / "_core" / f"{name}.pyi"
            assert stub.exists(), f"ehub._core.{name} has no stub: regenerate the stubs (see this file's docstring)"
            top, _ = stub_names(stub)
            public = {n for n in dir(sub) if not n.startswith("__")}
            missing = sorted(public - top)
            assert not missing, f"_core/{name}.pyi lacks {missing}: regenerate the stubs"


def test_stubs_type_check_a_user_program(tmp_path):
    """mypy reads the stubs and accepts typical use (and rejects a wrong type)."""
    pytest.importorskip("mypy")
    import ehub

    pkg_dir = pathlib.Path(ehub.__file__).parent.parent
    prog = tmp_path / "prog.py"
    prog.write_text(textwrap.dedent("""
        import ehub
        import ehub.plot
        sc = ehub.hub.load_scenario("park.json", steps=24)
        r = ehub.dispatch.solve(sc, solver="clp", relax=True)
        share: float = r.summary()["kpis"]["green_share"]
        cost: float = r.objective
        m = ehub.lp.Model()
        x = m.add_var(0, ehub.lp.inf, obj=1.0)
        res = ehub.lp.solve(m, solver="clp")
        n: int = len(sc.grid)
        bad: str = len(sc.grid)
    """))
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--follow-imports=silent",
                           "--ignore-missing-imports", str(prog)], capture_output=True, text=True,
                          env={"MYPYPATH": str(pkg_dir), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    out = proc.stdout + proc.stderr
    errors = [ln for ln in out.splitlines() if ": error:" in ln]
    assert len(errors) == 1 and "prog.py:12" in errors[0] and '"int"' in errors[0], out


# ---------------------------------------------------------------------------------------------
# regeneration

def _fmt_annotation(a):
    if a is inspect.Parameter.empty:
        return None
    if isinstance(a, str):
        return a
    return inspect.formatannotation(a)


def _signature(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return "(*args, **kwargs)", None
    parts, seen_kw_only = [], False
    for p in sig.parameters.values():
        ann = _fmt_annotation(p.annotation)
        s = p.name
        if p.kind is p.VAR_POSITIONAL:
            s, seen_kw_only = "*" + p.name, True
        elif p.kind is p.VAR_KEYWORD:
            s = "**" + p.name
        elif p.kind is p.KEYWORD_ONLY and not seen_kw_only:
            parts.append("*")
            seen_kw_only = True
        if ann:
            s += f": {ann}"
        if p.default is not inspect.Parameter.empty:
            d = p.default
            simple = d is None or isinstance(d, (bool, int, float, str)) and len(repr(d)) < 40
            s += (" = " if ann else "=") + (repr(d) if simple else "...")
        parts.append(s)
    ret = _fmt_annotation(sig.return_annotation)
    return "(" + ", ".join(parts) + ")", ret


def _doc(obj, indent):
    d = inspect.cleandoc(obj.__doc__) if isinstance(getattr(obj, "__doc__", None), str) else None
    if not d:
        return ""
    d = d.replace('"""', "'''").replace("\\", "\\\\")
    return textwrap.indent(f'"""{d}"""\n', indent)


# Return types of Python functions that carry no annotation (stubs give them to type checkers).
RETURNS = {
    "ehub.dispatch.solve": "_core.dispatch.Result",
    "ehub.dispatch.pareto": "list[_core.dispatch.ParetoPoint]",
    "ehub.dispatch.to_pandas": "dict[str, Any]",
    "ehub.io.table_to_pandas": "Any",
    "ehub.io.series_to_pandas": "Any",
}


def _function_stub(name, fn, indent=""):
    sig, ret = _signature(fn)
    ret = ret or RETURNS.get(f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', name)}")
    head = f"{indent}def {name}{sig}" + (f" -> {ret}" if ret else "") + ":\n"
    body = _doc(fn, indent + "    ") or ""
    return head + body + f"{indent}    ...\n"


def _class_stub(name, cls, module):
    bases = [b for b in cls.__bases__ if b is not object]
    base_names = []
    for b in bases:
        if b.__module__ == "builtins":
            base_names.append(b.__name__)
        elif b.__module__.startswith("ehub._core"):
            base_names.append(f"_core{b.__module__[len('ehub._core'):]}.{b.__qualname__}"
                              if b.__module__ != "ehub._core" else f"_core.{b.__qualname__}")
        else:
            base_names.append(b.__qualname__)
    out = f"class {name}" + (f"({', '.join(base_names)})" if base_names else "") + ":\n"
    out += _doc(cls, "    ")
    for attr, ann in getattr(cls, "__annotations__", {}).items():
        out += f"    {attr}: {_fmt_annotation(ann)}\n"
    for attr, v in cls.__dict__.items():
        if inspect.isfunction(v) and (not attr.startswith("_") or attr == "__init__"):
            out += _function_stub(attr, v, "    ")
    return out + "    ...\n"


def _python_module_stub(py: pathlib.Path):
    import ehub

    modname = "ehub" if py.name == "__init__.py" else f"ehub.{py.stem}"
    mod = importlib.import_module(modname)
    public = list(getattr(mod, "__all__", []))
    compiled = getattr(ehub._core, py.stem, None) if py.name != "__init__.py" else None
    lines = [f"# Generated by tests/python/test_stubs.py --regenerate from {modname}; do not edit.",
             _doc(mod, "").rstrip("\n"), "from __future__ import annotations", "from typing import Any", ""]
    lines.append("from . import _core")
    if compiled is not None:
        lines.append(f"from ._core.{py.stem} import *")
    body = []
    for n in public:
        obj = getattr(mod, n)
        if compiled is not None and hasattr(compiled, n) and getattr(compiled, n) is obj:
            continue
        if isinstance(obj, types.ModuleType):
            lines.append(f"from . import {n} as {n}")
        elif getattr(obj, "__module__", "").startswith("ehub._core"):
            lines.append(f"from .{obj.__module__[len('ehub.'):]} import {n} as {n}".replace("._core.", "._core."))
        elif inspect.isclass(obj) and obj.__module__ != modname:
            lines.append(f"from {'.' + obj.__module__[len('ehub.'):]} import {n} as {n}")
        elif inspect.isclass(obj):
            body.append(_class_stub(n, obj, modname))
        elif callable(obj):
            body.append(_function_stub(n, obj))
        else:
            body.append(f"{n}: {type(obj).__name__}\n")
    lines.append(f"__all__ = {public!r}")
    return "\n".join(lines) + "\n\n" + "\n".join(body)


def regenerate():
    import shutil
    import tempfile

    import ehub

    out = pathlib.Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "pybind11_stubgen", "ehub._core", "-o", str(out),
                    "--numpy-array-use-type-var", "--enum-class-locations", "SeriesKind:ehub._core.core"], check=True)
    target = PKG_SRC / "_core"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(out / "ehub" / "_core", target)
    for f in target.glob("*.pyi"):
        text = f.read_text()
        # Defaults pybind11 prints as C++ object reprs are not Python: stubs use "...".
        text = re.sub(r"= <[^>]*>", "= ...", text)
        # py::self == py::self: object comparison as typeshed spells it (mypy rejects narrower types).
        text = re.sub(r"def (__eq__|__ne__)\(self, arg0: \w+\) -> bool:", r"def \1(self, arg0: object) -> bool:", text)
        text = text.replace("__hash__: typing.ClassVar[None] = None", "__hash__: typing.ClassVar[None]  # type: ignore[assignment]")
        f.write_text("# Generated by tests/python/test_stubs.py --regenerate (pybind11-stubgen); do not edit.\n" + text)
    for py in reexporting_modules():
        try:
            text = _python_module_stub(py)
        except (ImportError, AttributeError) as e:  # a module whose bindings are not built here
            print(f"skipped {py.name}: {e}")
            continue
        py.with_suffix(".pyi").write_text(text)
    print("stubs written:", *sorted(str(p.relative_to(ROOT)) for p in stub_files()), sep="\n  ")
    print("ehub", ehub.__version__)


if __name__ == "__main__":
    if "--regenerate" in sys.argv:
        regenerate()
    else:
        print(__doc__)

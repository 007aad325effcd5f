"""Issue 14 and items 13.7/13.8 from Python and the command line: inputs that crashed the
interpreter (deep nesting, a list that contains itself), raised the wrong exception (invalid UTF-8,
2**64) or failed only after the solve (output paths), now all clean ehub.InputError messages."""
import json
import os
import stat
import subprocess

import pytest

import ehub


def park(steps=2):
    """A grid and a 10 kW load over `steps` hours: cost 10 kWh x 1 CNY x steps."""
    return {"time": {"start": "2025-01-01T00:00:00Z", "step_minutes": 60, "steps": steps},
            "buses": [{"name": "el", "carrier": "electricity"}],
            "devices": [{"name": "grid", "type": "grid", "bus": "el", "buy_price_per_kwh": 1},
                        {"name": "load", "type": "load", "bus": "el", "profile_kw": 10}]}


def test_list_that_contains_itself_is_an_input_error():
    loop = []
    loop.append(loop)
    sc = park()
    sc["devices"][1]["profile_kw"] = loop
    with pytest.raises(ehub.InputError, match=r"/devices/1/profile_kw/0/0.*nested deeper than 256"):
        ehub.hub.scenario_from_json(sc)


def test_deeply_nested_python_lists_are_an_input_error():
    deep = 1
    for _ in range(30000):
        deep = [deep]
    sc = park()
    sc["series"] = {"x": deep}
    with pytest.raises(ehub.InputError, match="nested deeper than 256"):
        ehub.hub.scenario_from_json(sc)


def test_deeply_nested_json_file_is_an_input_error(tmp_path):
    f = tmp_path / "deep.json"
    f.write_text("[" * 70000 + "]" * 70000)
    with pytest.raises(ehub.InputError, match=r"deep.json: line 1, column 257: JSON nested deeper than 256"):
        ehub.io.load_json_file(str(f))
    g = tmp_path / "deep_objects.json"
    g.write_text('{"a":' * 60000 + "1" + "}" * 60000)
    with pytest.raises(ehub.InputError, match="deeper than 256"):
        ehub.hub.load_scenario(str(g))


def test_invalid_utf8_scenario_is_an_input_error_naming_the_file(data_dir):
    f = data_dir / "robust" / "py_invalid_utf8.json"
    with pytest.raises(ehub.InputError, match=r"py_invalid_utf8.json: line 1, column 1[0-9]: malformed JSON") as e:
        ehub.hub.load_scenario(str(f))
    assert "\\xFF" in str(e.value)  # the bad byte shown, the message itself valid UTF-8


def test_integer_beyond_64_bits_is_an_input_error():
    sc = park()
    sc["devices"][1]["profile_kw"] = 2 ** 64
    with pytest.raises(ehub.InputError, match=r"/devices/1/profile_kw: integer 18446744073709551616 does not fit"):
        ehub.hub.scenario_from_json(sc)
    sc["devices"][1]["profile_kw"] = 2 ** 64 - 1  # fits (unsigned): a number, checked by the load's range
    with pytest.raises(ehub.InputError, match=r"/devices/1/profile_kw: value at step 0 is 18446744073709551616"):
        ehub.hub.scenario_from_json(sc)


# ---- the command line: output paths (13.7, 13.8) ----------------------------------------------

@pytest.fixture
def cli(build_dir):
    return build_dir / "src" / "cli" / "ehub"


def test_out_into_a_missing_folder_fails_before_the_solve(cli, tmp_path):
    f = tmp_path / "park.json"
    f.write_text(json.dumps(park()))
    summary = tmp_path / "s.json"
    p = subprocess.run([str(cli), "solve", str(f), "--out", str(tmp_path / "nope" / "r.h5"), "--summary", str(summary)],
                       capture_output=True, text=True)
    assert p.returncode == 1, p.stderr
    assert "nope/r.h5: cannot write: directory" in p.stderr and "does not exist" in p.stderr
    assert "optimal" not in p.stderr  # refused before the solve
    p = subprocess.run([str(cli), "solve", str(f), "--out", "/proc/x.h5"], capture_output=True, text=True)
    assert p.returncode == 1
    assert 'ehub: [ehub.input] /proc/x.h5: cannot write in directory "/proc"' in p.stderr
    assert "H5" not in p.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="replacing /dev/null needs root: the bug only showed as root")
def test_summary_to_dev_null_keeps_the_device(cli, tmp_path):
    f = tmp_path / "park.json"
    f.write_text(json.dumps(park()))
    before = os.stat("/dev/null")
    p = subprocess.run([str(cli), "solve", str(f), "--summary", "/dev/null", "--out", "/dev/null"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_summary_to_stdout_and_through_a_symlink(cli, tmp_path):
    f = tmp_path / "park.json"
    f.write_text(json.dumps(park()))
    p = subprocess.run([str(cli), "solve", str(f), "--summary", "-"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["objective"] == pytest.approx(20.0)  # 2 h x 10 kW x 1 CNY/kWh
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "s.json").write_text("old")
    (tmp_path / "link.json").symlink_to("real/s.json")
    p = subprocess.run([str(cli), "solve", str(f), "--summary", str(tmp_path / "link.json")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "link.json").is_symlink()
    assert json.loads((tmp_path / "real" / "s.json").read_text())["objective"] == pytest.approx(20.0)
    assert sorted(x.name for x in (tmp_path / "real").iterdir()) == ["s.json"]


def test_bus_named_dot_fails_at_validate(cli, tmp_path):
    sc = park()
    sc["buses"][0]["name"] = ".."
    for d in sc["devices"]:
        d["bus"] = ".."
    f = tmp_path / "dots.json"
    f.write_text(json.dumps(sc))
    p = subprocess.run([str(cli), "validate", str(f)], capture_output=True, text=True)
    assert p.returncode == 1
    assert "/buses/0/name" in p.stderr and "not valid names" in p.stderr


def test_forecast_errors_name_the_csv(cli, tmp_path):
    f = tmp_path / "two.csv"
    f.write_text("time,x\n2025-01-01T00:00:00Z,1\n2025-01-01T01:00:00Z,2\n")
    p = subprocess.run([str(cli), "forecast", "--target", f"{f}:x"], capture_output=True, text=True)
    assert p.returncode == 1
    assert f"{f}: column x: too short for a forecast" in p.stderr
    assert "--origin" not in p.stderr  # --origin was not given
    p = subprocess.run([str(cli), "forecast", "--target", f"{f}:x", "--backtest"], capture_output=True, text=True)
    assert p.returncode == 1 and f"{f}: column x" in p.stderr

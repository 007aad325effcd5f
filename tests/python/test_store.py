"""ehub.store from Python, against SQLite and a real PostgreSQL server that this module starts on
loopback (tests/store/pg_server.sh) and stops at the end, also when tests fail. Expected values are
computed by hand in the comments."""
import math
import pathlib
import subprocess
import uuid

import numpy as np
import pandas as pd
import pytest

import ehub

ROOT = pathlib.Path(__file__).resolve().parents[2]
T0 = 1735660800  # 2025-01-01T00:00:00+08:00


@pytest.fixture(scope="module")
def pg_admin(tmp_path_factory):
    d = tmp_path_factory.mktemp("pg") / "server"
    subprocess.run(["bash", str(ROOT / "tests/store/pg_server.sh"), "start", str(d)], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        yield (d / "url").read_text().strip()
    finally:
        subprocess.run(["bash", str(ROOT / "tests/store/pg_server.sh"), "stop", str(d)], check=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'park.db'}"
        return
    admin = request.getfixturevalue("pg_admin")
    db = "py_" + uuid.uuid4().hex[:12]
    s = ehub.store.open(admin)
    s.execute_sql(f"CREATE DATABASE {db}")
    try:
        yield admin.rsplit("/", 1)[0] + "/" + db
    finally:
        s.execute_sql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def populate(s):
    s.add_tenant("acme", "Acme Ltd")
    s.add_tenant("beta")
    s.add_site("kunming", utc_offset_minutes=480, latitude_deg=25.04, longitude_deg=102.71)
    s.add_meter("a.main", tenant="acme", site="kunming")
    s.add_meter("b.main", tenant="beta", site="kunming", kind="heat")
    s.add_point("a.kw", meter="a.main", quantity="power", unit="kW", multiplier=2.0, tags={"item": "hvac"})
    s.add_point("b.kw", meter="b.main", quantity="power", unit="kW", tags={"item": "lighting"})


def test_append_read_and_aggregate_with_pandas(url):
    s = ehub.store.open(url, user="analyst")
    assert s.schema_version == ehub.store.latest_schema_version()
    populate(s)
    times = T0 + 900 * np.arange(96)
    assert s.append_readings("a.kw", times, np.arange(96.0)) == 96
    # A pandas Series indexed by time: b.kw = 100 + i.
    ser = pd.Series(100 + np.arange(96.0), index=pd.to_datetime(times, unit="s", utc=True))
    assert s.append_readings("b.kw", ser) == 96
    df = s.read("a.kw", start=T0 + 9000, end="2025-01-01T05:00:00+08:00")
    # [T0 + 10 x 900, T0 + 20 x 900): i = 10..19, engineering value 2i.
    assert list(df["value"]) == [2.0 * i for i in range(10, 20)]
    assert str(df.index.tz) == "UTC"
    arrays = s.read_arrays("a.kw", raw=True)
    assert arrays["value"].dtype == np.float64 and arrays["value"][95] == 95.0
    hourly = s.aggregate(T0, T0 + 86400, interval_s=3600, function="sum")
    # Hour h: sum of 2i for i = 4h..4h+3 = 32h + 12; b: 406 + 16h.
    assert list(hourly.columns) == ["a.kw", "b.kw"]
    assert hourly["a.kw"].tolist() == [32.0 * h + 12 for h in range(24)]
    assert hourly["b.kw"].iloc[23] == 406 + 16 * 23
    by_item = s.aggregate(T0, T0 + 86400, interval_s=86400, group_by_tag="item")
    assert by_item.loc[by_item.index[0], "hvac"] == 9120.0  # 2 x (0 + ... + 95)
    assert s.count_readings() == 192


def test_long_frame_import_duplicates_and_audit(url):
    s = ehub.store.open(url, user="importer")
    populate(s)
    frame = pd.DataFrame({"point": ["a.kw", "b.kw", "a.kw"], "time": [T0, T0, T0 + 900], "value": [1.0, 2.0, 3.0]})
    assert s.append_frame(frame) == 3
    clash = pd.DataFrame({"point": ["a.kw", "a.kw"], "time": [T0 + 1800, T0 + 900], "value": [4.0, 3.5]})
    with pytest.raises(ehub.InputError, match=r"readings/row 1: point \"a.kw\" at 2024-12-31T16:15:00Z already has value 3"):
        s.append_frame(clash)
    assert s.count_readings("a.kw") == 2
    assert s.append_frame(clash, replace=True) == 2
    log = s.audit_log()
    last = log.iloc[-1]
    assert (last["action"], last["old_value"], last["new_value"], last["who"]) == ("replace:import", "3 q=0", "3.5 q=0", "importer")
    s.edit_reading("b.kw", T0, 2.25, reason="manual read")
    assert s.read("b.kw")["quality"].iloc[0] == int(ehub.store.Quality.edited)
    assert s.audit_log().iloc[-1]["action"] == "edit:manual read"


def test_tenant_scope_and_errors(url):
    s = ehub.store.open(url)
    populate(s)
    s.append_readings("b.kw", [T0], [5.0])
    a = ehub.store.open(url, tenant="acme")
    assert a.tenant == "acme"
    assert list(a.points()["name"]) == ["a.kw"]
    with pytest.raises(ehub.InputError, match=r'unknown point "b.kw" \(for tenant "acme"\)'):
        a.read("b.kw")
    with pytest.raises(ehub.InputError, match="unknown tenant"):
        ehub.store.open(url, tenant="gamma")
    with pytest.raises(ehub.InputError, match="unknown store URL scheme"):
        ehub.store.open("mongodb://x")
    nan_batch = s.append_readings("a.kw", [T0 + 60], [math.nan], quality=[ehub.store.Quality.missing])
    assert nan_batch == 1 and math.isnan(s.read("a.kw")["value"].iloc[0])


def test_tenant_login_is_confined_by_the_server(pg_admin):
    db = "py_" + uuid.uuid4().hex[:12]
    role = db + "_acme"
    admin = ehub.store.open(pg_admin)
    admin.execute_sql(f"CREATE DATABASE {db}")
    try:
        url = pg_admin.rsplit("/", 1)[0] + "/" + db
        s = ehub.store.open(url)
        populate(s)
        s.append_readings("a.kw", [T0, T0 + 900], [1.0, 2.0])
        s.append_readings("b.kw", [T0], [5.0])
        s.create_tenant_login("acme", role, "pw-acme")
        at = url.index("@")
        login = "postgresql://" + role + ":pw-acme" + url[at:]
        t = ehub.store.open(login)
        assert t.tenant == "acme"
        cols, rows = t.execute_sql("SELECT count(*) FROM readings")
        assert rows == [["2"]]
        _, rows = t.execute_sql("SELECT count(*) FROM readings WHERE tenant_id = (SELECT id FROM tenants WHERE name = 'beta')")
        assert rows == [["0"]]
        with pytest.raises(ehub.InputError, match="row-level security"):
            t.execute_sql("INSERT INTO readings (point_id, t_unix_s, value, quality, tenant_id) VALUES (2, 1, 1, 0, 2)")
        del t
    finally:
        admin.execute_sql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        admin.execute_sql(f"DROP ROLE IF EXISTS {role}")


def _ehub(build_dir, *args):
    return subprocess.run([str(build_dir / "src" / "cli" / "ehub"), *map(str, args)], capture_output=True, text=True)


def test_cli_init_import_export_info(url, build_dir, data_dir, tmp_path):
    import json

    cfg = data_dir / "store" / "park_meters.json"
    r = _ehub(build_dir, "store", "init", url, "--config", cfg)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["added"] == {"tenants": 2, "sites": 1, "meters": 3, "points": 3, "assets": 1}
    r = _ehub(build_dir, "store", "init", url, "--config", cfg)  # applying it again adds nothing
    assert json.loads(r.stdout)["added"]["points"] == 0
    r = _ehub(build_dir, "store", "import", url, data_dir / "store" / "readings_long.csv", "--utc-offset", "480")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["written"] == 5
    r = _ehub(build_dir, "store", "import", url, data_dir / "store" / "readings_wide.csv")
    assert json.loads(r.stdout)["written"] == 4
    out = tmp_path / "hvac.csv"
    r = _ehub(build_dir, "store", "export", url, "--point", "acme.hvac.kw", "--utc-offset", "480", "--out", out)
    assert r.returncode == 0, r.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "time,point,value,quality"
    assert lines[3] == "2025-01-01T00:30:00+08:00,acme.hvac.kw,,missing"
    assert lines[4] == "2025-01-01T00:45:00+08:00,acme.hvac.kw,110,estimated"
    r = _ehub(build_dir, "store", "export", url, "--start", "2025-01-01T00:00:00+08:00", "--end",
              "2025-01-01T02:00:00+08:00", "--interval", "3600", "--function", "mean")
    # Hour 1 of hvac: mean of 120.5, 130.5 and 110 (the missing one left out) = 361 / 3.
    # Every point is a column, acme.main.kwh too (no readings: empty cells, never dropped).
    rows = [line.split(",") for line in r.stdout.splitlines()]
    assert rows[0] == ["time", "acme.hvac.kw", "acme.main.kwh", "hospital.heat.kw"]
    assert float(rows[1][1]) == pytest.approx(361 / 3, rel=1e-15)
    assert rows[1][2] == ""
    assert float(rows[2][3]) == 815.0  # (810 + 820) / 2
    info = json.loads(_ehub(build_dir, "store", "info", url).stdout)
    assert (info["readings"], info["schema_version"], info["integrity"]) == (9, ehub.store.latest_schema_version(), "ok")
    s = ehub.store.open(url)
    assert s.points().set_index("name").loc["acme.main.kwh", "multiplier"] == 40.0


def test_cli_bad_inputs_name_file_and_line(url, build_dir, data_dir, tmp_path):
    _ehub(build_dir, "store", "init", url, "--config", data_dir / "store" / "park_meters.json")
    clash = tmp_path / "clash.csv"
    clash.write_text("point,time,value\nacme.hvac.kw,2025-01-01T00:00:00Z,1\n# note\nacme.hvac.kw,2025-01-01T00:00:00Z,2\n")
    r = _ehub(build_dir, "store", "import", url, clash)
    assert r.returncode == 1
    assert f"{clash}: line 4: point \"acme.hvac.kw\" at 2025-01-01T00:00:00Z already has value 1" in r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("point,time,value\nacme.hvac.kw,2025-01-01T00:00:00Z,abc\n")
    r = _ehub(build_dir, "store", "import", url, bad)
    assert r.returncode == 1 and f"{bad}: line 2, column 3: expected a finite number, got \"abc\"" in r.stderr
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("time,nope.kw\n2025-01-01T00:00:00Z,1\n")
    r = _ehub(build_dir, "store", "import", url, unknown)
    assert r.returncode == 1 and 'line 1, column 2: unknown point "nope.kw"' in r.stderr
    cfg = tmp_path / "typo.json"
    cfg.write_text('{"meters": [{"name": "m", "tenant": "acme", "site": "kunming", "knd": "heat"}]}')
    r = _ehub(build_dir, "store", "init", url, "--config", cfg)
    assert r.returncode == 1 and f"{cfg}: /meters/0/knd: unknown key" in r.stderr
    assert ehub.store.open(url).count_readings() == 0  # nothing half written
    r = _ehub(build_dir, "store", "info", "redis://localhost")
    assert r.returncode == 1 and 'unknown store URL scheme "redis"' in r.stderr

"""ehub.physics from Python: the SPA worked example, agreement with the pvlib / windpowerlib
reference values in tests/data/physics (written by tests/physics/make_reference.py) and, when pvlib
is installed, with pvlib itself; errors as ehub.InputError."""
import math

import numpy as np
import pytest

import ehub
import ehub.physics

ph = ehub.physics  # noqa: E305


def read_reference(data_dir, name):
    path = data_dir / "physics" / name
    meta, rows, header = {}, [], None
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            k, _, v = line[1:].partition(":")
            meta[k.strip()] = v.strip()
        elif header is None:
            header = line.split(",")
        else:
            rows.append([float(x) for x in line.split(",")])
    a = np.array(rows)
    return meta, {h: a[:, i] for i, h in enumerate(header)}


def test_spa_report_worked_example():
    t = ehub.core.parse_iso8601("2003-10-17T12:30:30-07:00")
    sp = ph.spa_python(np.array([float(t)]), 39.742476, -105.1786, 1830.14, 82000.0, 11.0, 67.0)
    assert abs(sp["apparent_zenith_deg"][0] - 50.11162) < 1e-5
    assert abs(sp["azimuth_deg"][0] - 194.34024) < 1e-5


def test_pv_chain_matches_pvlib_reference(data_dir):
    meta, c = read_reference(data_dir, "pv_pvlib.csv")
    plant = ph.PvPlant()
    plant.latitude_deg = float(meta["latitude_deg"])
    plant.longitude_deg = float(meta["longitude_deg"])
    plant.altitude_m = float(meta["altitude_m"])
    plant.dc_capacity_kw = 10e6
    plant.gamma_pdc_per_c = -0.0035
    plant.inverter_pdc0_kw = 9e6
    plant.surface_tilt_deg = 25.0
    r = ph.simulate_pv(plant, c["time_unix_s"], c["ghi_w_m2"], c["dni_w_m2"], c["dhi_w_m2"], c["temp_air_c"],
                       c["wind_speed_m_s"], c["pressure_pa"])
    day = c["fixed_ac_w"] > 0
    rel = np.abs(r["ac_kw"][day] - c["fixed_ac_w"][day]) / c["fixed_ac_w"][day]
    assert rel.max() < 1e-3
    assert not np.isnan(r["ac_kw"]).any()


def test_wind_farm_matches_windpowerlib_reference(data_dir):
    meta, c = read_reference(data_dir, "wind_windpowerlib.csv")
    d = data_dir / "physics"
    e126 = ph.read_oedb_turbine(str(d / "oedb_power_curves.csv"), "E-126/4200", 135.0, str(d / "oedb_turbine_data.csv"))
    v90 = ph.read_oedb_turbine(str(d / "oedb_power_curves.csv"), "V90/2000", 105.0, str(d / "oedb_turbine_data.csv"))
    farm = ph.WindFarm([(e126, 6.0), (v90, 3.0)], efficiency=0.9)
    assert math.isclose(farm.mean_hub_height_m, float(meta["farm_mean_hub_height_m"]), rel_tol=1e-12)
    p = ph.wind_farm_power_w(farm, {10.0: c["wind_speed_10m_m_s"], 80.0: c["wind_speed_80m_m_s"]},
                             roughness_length_m=c["roughness_length_m"])
    ref = c["farm_power_efficiency_0_9_w"]
    assert (np.abs(p - ref) <= 1e-3 * np.maximum(ref, 0.001 * farm.nominal_power_w)).all()


def test_bad_input_raises_input_error_with_index():
    ghi = np.array([0.0, -40.0, 10.0])
    with pytest.raises(ehub.InputError, match=r"ghi_w_m2\[1\]"):
        ph.get_ground_diffuse(20.0, ghi)
    with pytest.raises(ValueError, match=r"ghi\[1\]"):
        ph.clean_irradiance(ghi, "ghi")
    assert ph.clean_irradiance(np.array([-3.0, 5.0]), "ghi").tolist() == [0.0, 5.0]


def test_against_pvlib_directly_when_installed():
    pvlib = pytest.importorskip("pvlib")
    pd = pytest.importorskip("pandas")
    times = pd.date_range("2025-06-01", periods=48, freq="h", tz="UTC")
    ref = pvlib.solarposition.spa_python(times, 31.2, 121.5, altitude=5.0)
    sp = ph.spa_python(ph.unix_seconds(times), 31.2, 121.5, 5.0)
    assert np.abs(sp["apparent_zenith_deg"] - ref["apparent_zenith"].to_numpy()).max() < 1e-4
    aoi = np.linspace(0, 89, 30)
    assert np.allclose(ph.iam_physical(aoi), pvlib.iam.physical(aoi), rtol=1e-12, atol=1e-12)

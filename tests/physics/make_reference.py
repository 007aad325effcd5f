#!/usr/bin/env python3
"""Generate the pvlib / windpowerlib reference values of ehub's physics tests, ONCE.

Run from the repository root with the project venv (pvlib and windpowerlib from PyPI):

    .venv/bin/pip install pvlib windpowerlib
    .venv/bin/python tests/physics/make_reference.py [--shared ../shared/data]

It reads the real weather in ../shared/data (TMY3 Greensboro and windpowerlib's example weather),
runs pvlib and windpowerlib, and writes small CSV files into tests/data/physics/ that contain both
the inputs the C++ tests need and the libraries' outputs, so the tests never need ../shared:

- spa_year_pvlib.csv      pvlib spa_python, a year of hours (2024, UTC) at Hangzhou, delta_t=None
- pv_pvlib.csv            280 hours of TMY3 Greensboro: every pvlib function and two ModelChains
- wind_windpowerlib.csv   300 hours of windpowerlib's example weather: ModelChains and a farm
- oedb_power_curves.csv, oedb_turbine_data.csv, wind_efficiency_curves_dena.csv: the lines of the
  OEDB turbine library (ODbL-1.0, (c) Reiner Lemoine Institut) and dena curves the tests use, copied
  byte for byte.
"""
import argparse
import pathlib
import sys

import numpy as np
import pandas as pd
import pvlib
import windpowerlib
from pvlib.location import Location
from pvlib.modelchain import ModelChain
from pvlib.pvsystem import Array, FixedMount, PVSystem, SingleAxisTrackerMount
from pvlib.temperature import TEMPERATURE_MODEL_PARAMETERS
from windpowerlib import ModelChain as WindModelChain
from windpowerlib import TurbineClusterModelChain, WindFarm, WindTurbine
from windpowerlib.wind_turbine import get_turbine_data_from_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "physics"


def write_csv(path, meta, columns, formats):
    """`# key: value` lines, a header, then rows formatted column by column."""
    names = list(columns)
    n = len(columns[names[0]])
    with open(path, "w", newline="\n") as f:
        for k, v in meta.items():
            f.write(f"# {k}: {v}\n")
        f.write(",".join(names) + "\n")
        cols = [np.asarray(columns[c], dtype=float) for c in names]
        fmts = [formats.get(c, "%.10g") for c in names]
        for i in range(n):
            f.write(",".join(fmt % col[i] for fmt, col in zip(fmts, cols)) + "\n")
    print(f"wrote {path.relative_to(ROOT)}: {n} rows, {path.stat().st_size / 1024:.0f} kB")


def spa_year():
    lat, lon, alt = 30.27, 120.16, 10.0  # Hangzhou
    times = pd.date_range("2024-01-01 00:00", periods=8784, freq="h", tz="UTC")
    sp = pvlib.solarposition.spa_python(times, lat, lon, altitude=alt, pressure=101325.0, temperature=12.0,
                                        delta_t=None)
    meta = {
        "source": f"pvlib {pvlib.__version__} solarposition.spa_python(delta_t=None, pressure=101325, temperature=12)",
        "site": "Hangzhou", "latitude_deg": lat, "longitude_deg": lon, "altitude_m": alt,
        "start_unix_s": int(times[0].timestamp()), "step_s": 3600,
        "rows": "hourly 2024-01-01T00:00Z .. 2024-12-31T23:00Z (time implicit: start + row * step)",
    }
    write_csv(OUT / "spa_year_pvlib.csv", meta,
              {"apparent_zenith_deg": sp["apparent_zenith"], "azimuth_deg": sp["azimuth"]},
              {"apparent_zenith_deg": "%.5f", "azimuth_deg": "%.5f"})


def pv(shared):
    tmy, meta_tmy = pvlib.iotools.read_tmy3(shared / "weather" / "723170TYA.CSV", coerce_year=1990,
                                            map_variables=True)
    lat, lon, alt = meta_tmy["latitude"], meta_tmy["longitude"], meta_tmy["altitude"]
    # Hour-ending stamps in UTC-5: the sun position of each hourly mean at the middle of its hour.
    times = tmy.index - pd.Timedelta("30min")
    weather = pd.DataFrame({
        "ghi": tmy["ghi"].to_numpy(float), "dni": tmy["dni"].to_numpy(float), "dhi": tmy["dhi"].to_numpy(float),
        "temp_air": tmy["temp_air"].to_numpy(float), "wind_speed": tmy["wind_speed"].to_numpy(float),
        "pressure": tmy["pressure"].to_numpy(float) * 100.0,  # TMY3 mbar -> Pa
    }, index=times)
    loc = Location(lat, lon, altitude=alt)

    # Fixed tilt, Perez, physical IAM, SAPM open-rack glass/polymer; 10 MWdc, 9 MW inverter DC limit.
    fixed = PVSystem(arrays=[Array(FixedMount(surface_tilt=25, surface_azimuth=180),
                                   module_parameters={"pdc0": 10e6, "gamma_pdc": -0.0035},
                                   temperature_model_parameters=TEMPERATURE_MODEL_PARAMETERS["sapm"][
                                       "open_rack_glass_polymer"])],
                     inverter_parameters={"pdc0": 9e6, "eta_inv_nom": 0.96}, losses_parameters={})
    mc = ModelChain(fixed, loc, transposition_model="perez", aoi_model="physical", spectral_model="no_loss",
                    temperature_model="sapm", dc_model="pvwatts", ac_model="pvwatts", losses_model="pvwatts")
    mc.run_model(weather)
    r = mc.results

    # Single-axis tracker with backtracking, Hay-Davies, ASHRAE IAM, Faiman.
    tracker = PVSystem(arrays=[Array(SingleAxisTrackerMount(axis_tilt=0, axis_azimuth=180, max_angle=60,
                                                            backtrack=True, gcr=0.35),
                                     module_parameters={"pdc0": 10e6, "gamma_pdc": -0.0035, "b": 0.05},
                                     temperature_model_parameters={"u0": 25.0, "u1": 6.84})],
                       inverter_parameters={"pdc0": 9e6, "eta_inv_nom": 0.96}, losses_parameters={})
    mc2 = ModelChain(tracker, loc, transposition_model="haydavies", aoi_model="ashrae", spectral_model="no_loss",
                     temperature_model="faiman", dc_model="pvwatts", ac_model="pvwatts", losses_model="pvwatts")
    mc2.run_model(weather)
    r2 = mc2.results

    sp = r.solar_position
    app_zen, zen, az = sp["apparent_zenith"], sp["zenith"], sp["azimuth"]
    dni_extra = pvlib.irradiance.get_extra_radiation(times)
    am_rel = r.airmass["airmass_relative"]
    am_abs = pvlib.atmosphere.get_absolute_airmass(am_rel, weather["pressure"])
    linke = pvlib.clearsky.lookup_linke_turbidity(times, lat, lon)
    cs = pvlib.clearsky.ineichen(app_zen, am_abs, linke, altitude=alt, dni_extra=dni_extra)
    haurwitz = pvlib.clearsky.haurwitz(app_zen)
    erbs = pvlib.irradiance.erbs(weather["ghi"], zen, times)
    disc = pvlib.irradiance.disc(weather["ghi"], zen, times, pressure=weather["pressure"])
    poa = {m: pvlib.irradiance.get_total_irradiance(25, 180, app_zen, az, weather["dni"], weather["ghi"],
                                                    weather["dhi"], dni_extra=dni_extra, airmass=am_rel,
                                                    albedo=0.25, model=m)
           for m in ("isotropic", "haydavies", "perez")}
    assert np.allclose(poa["perez"]["poa_global"].fillna(0), r.total_irrad["poa_global"].fillna(0))
    track = pvlib.tracking.singleaxis(app_zen, az, axis_tilt=0, axis_azimuth=180, max_angle=60, backtrack=True,
                                      gcr=0.35)

    cols = {
        "time_unix_s": (times.tz_convert("UTC").as_unit("s").asi8).astype(float),
        "ghi_w_m2": weather["ghi"], "dni_w_m2": weather["dni"], "dhi_w_m2": weather["dhi"],
        "temp_air_c": weather["temp_air"], "wind_speed_m_s": weather["wind_speed"],
        "pressure_pa": weather["pressure"], "linke_turbidity": linke,
        "apparent_zenith_deg": app_zen, "zenith_deg": zen, "azimuth_deg": az,
        "equation_of_time_min": sp["equation_of_time"],
        "dni_extra_w_m2": dni_extra, "airmass_relative": am_rel, "airmass_absolute": am_abs,
        "ineichen_ghi_w_m2": cs["ghi"], "ineichen_dni_w_m2": cs["dni"], "ineichen_dhi_w_m2": cs["dhi"],
        "haurwitz_ghi_w_m2": haurwitz["ghi"],
        "erbs_dni_w_m2": erbs["dni"], "erbs_dhi_w_m2": erbs["dhi"], "erbs_kt": erbs["kt"],
        "disc_dni_w_m2": disc["dni"], "disc_kt": disc["kt"],
        "fixed_aoi_deg": r.aoi,
        "fixed_poa_global_isotropic_w_m2": poa["isotropic"]["poa_global"],
        "fixed_poa_global_haydavies_w_m2": poa["haydavies"]["poa_global"],
        "fixed_poa_global_w_m2": r.total_irrad["poa_global"],
        "fixed_poa_direct_w_m2": r.total_irrad["poa_direct"],
        "fixed_poa_sky_diffuse_w_m2": r.total_irrad["poa_sky_diffuse"],
        "fixed_poa_ground_diffuse_w_m2": r.total_irrad["poa_ground_diffuse"],
        "fixed_iam_physical": r.aoi_modifier, "fixed_iam_ashrae": pvlib.iam.ashrae(r.aoi, 0.05),
        "fixed_effective_irradiance_w_m2": r.effective_irradiance,
        "fixed_temp_cell_sapm_c": r.cell_temperature,
        "fixed_temp_cell_faiman_c": pvlib.temperature.faiman(r.total_irrad["poa_global"], weather["temp_air"],
                                                             weather["wind_speed"]),
        "fixed_dc_w": r.dc, "fixed_ac_w": r.ac,
        "tracker_theta_deg": track["tracker_theta"], "tracker_surface_tilt_deg": track["surface_tilt"],
        "tracker_surface_azimuth_deg": track["surface_azimuth"], "tracker_aoi_deg": track["aoi"],
        "tracker_poa_global_w_m2": r2.total_irrad["poa_global"], "tracker_temp_cell_c": r2.cell_temperature,
        "tracker_dc_w": r2.dc, "tracker_ac_w": r2.ac,
    }
    cols = {k: np.asarray(v, dtype=float) for k, v in cols.items()}
    # 240 daylight and 40 night hours spread over the year.
    ghi = cols["ghi_w_m2"]
    day = np.flatnonzero(ghi > 0)
    night = np.flatnonzero(ghi <= 0)
    rows = np.sort(np.concatenate([day[np.linspace(0, len(day) - 1, 240).round().astype(int)],
                                   night[np.linspace(0, len(night) - 1, 40).round().astype(int)]]))
    sel = {k: v[rows] for k, v in cols.items()}
    angle = "%.6f"
    formats = {k: angle for k in sel if k.endswith("_deg") or k.endswith("_min")}
    formats.update({"time_unix_s": "%.0f", "ghi_w_m2": "%.0f", "dni_w_m2": "%.0f", "dhi_w_m2": "%.0f",
                    "temp_air_c": "%.1f", "wind_speed_m_s": "%.1f", "pressure_pa": "%.0f"})
    meta = {
        "source": f"pvlib {pvlib.__version__}, TMY3 723170TYA.CSV (Greensboro NC), hour-ending UTC-5 stamps "
                  "minus 30 min (time_unix_s is the instant of the sun position)",
        "latitude_deg": lat, "longitude_deg": lon, "altitude_m": alt, "utc_offset_minutes": -300,
        "fixed": "tilt 25, azimuth 180, albedo 0.25, perez, physical IAM, sapm open_rack_glass_polymer, "
                 "pvwatts pdc0 10e6 W gamma -0.0035, pvwatts losses (defaults), inverter pdc0 9e6 W eta 0.96",
        "tracker": "single axis tilt 0 azimuth 180 max 60 backtrack gcr 0.35, haydavies, ashrae b 0.05, "
                   "faiman 25/6.84, same dc/losses/inverter",
        "nan": "nan where pvlib gives NaN (sun below the horizon)",
        "delta_t_s": 67.0,
    }
    formats.update({k: "%.8g" for k in sel if k not in formats})
    write_csv(OUT / "pv_pvlib.csv", meta, sel, formats)


def wind(shared):
    wdir = shared / "wind"
    weather = pd.read_csv(wdir / "windpowerlib_example_weather.csv", index_col=0, header=[0, 1])
    weather.index = pd.to_datetime(weather.index, utc=True)
    weather.columns = pd.MultiIndex.from_arrays(
        [weather.columns.get_level_values(0), pd.to_numeric(weather.columns.get_level_values(1))])
    pc_file = str(wdir / "oedb" / "power_curves.csv")

    def turbine(name, hub, nominal):
        curve = get_turbine_data_from_file(name, pc_file)
        return WindTurbine(hub_height=hub, nominal_power=nominal, power_curve=curve, turbine_type=None)

    e126 = turbine("E-126/4200", 135.0, 4200000.0)
    v90 = turbine("V90/2000", 105.0, 2000000.0)

    mc_a = WindModelChain(e126).run_model(weather)
    mc_b = WindModelChain(e126, wind_speed_model="hellman", density_correction=True).run_model(weather)
    mc_c = WindModelChain(v90, density_model="ideal_gas", density_correction=True).run_model(weather)
    farm = WindFarm(wind_turbine_fleet=pd.DataFrame({"wind_turbine": [e126, v90], "number_of_turbines": [6, 3]}),
                    efficiency=0.9)
    tc_d = TurbineClusterModelChain(farm, wake_losses_model="wind_farm_efficiency").run_model(weather)
    farm_e = WindFarm(wind_turbine_fleet=pd.DataFrame({"wind_turbine": [e126, v90], "number_of_turbines": [6, 3]}))
    tc_e = TurbineClusterModelChain(farm_e, wake_losses_model="dena_mean").run_model(weather)
    # windpowerlib reads the dena curve from its own package data: make sure it is the shared file.
    pkg = pd.read_csv(pathlib.Path(windpowerlib.__file__).parent / "data" / "wind_efficiency_curves_dena.csv")
    ours = pd.read_csv(wdir / "wind_efficiency_curves_dena.csv")
    assert np.allclose(pkg[["wind_speed", "dena_mean"]].to_numpy(), ours[["wind_speed", "dena_mean"]].to_numpy())

    cols = {
        "pressure_pa": weather["pressure"][0], "temperature_2m_k": weather["temperature"][2],
        "temperature_10m_k": weather["temperature"][10], "wind_speed_10m_m_s": weather["wind_speed"][10],
        "wind_speed_80m_m_s": weather["wind_speed"][80], "roughness_length_m": weather["roughness_length"][0],
        "e126_wind_speed_hub_log_m_s": mc_a.wind_speed_hub(weather),
        "e126_temperature_hub_k": mc_a.temperature_hub(weather),
        "e126_density_barometric_kg_m3": mc_a.density_hub(weather),
        "e126_power_w": mc_a.power_output,
        "e126_wind_speed_hub_hellman_m_s": mc_b.wind_speed_hub(weather),
        "e126_power_hellman_density_corrected_w": mc_b.power_output,
        "v90_density_ideal_gas_kg_m3": mc_c.density_hub(weather),
        "v90_power_ideal_gas_density_corrected_w": mc_c.power_output,
        "farm_power_efficiency_0_9_w": tc_d.power_output,
        "farm_power_dena_mean_w": tc_e.power_output,
    }
    cols = {k: np.asarray(v, dtype=float) for k, v in cols.items()}
    n = len(cols["pressure_pa"])
    top = np.argsort(cols["wind_speed_80m_m_s"])[-40:]
    rows = np.unique(np.concatenate([np.linspace(0, n - 1, 260).round().astype(int), top]))
    sel = {k: v[rows] for k, v in cols.items()}
    meta = {
        "source": f"windpowerlib {windpowerlib.__version__}, windpowerlib_example_weather.csv (coastDat-2 extract, "
                  "2010), turbines from the OEDB library in oedb_power_curves.csv",
        "e126": "E-126/4200, hub 135 m, nominal 4.2 MW; ModelChain defaults (logarithmic, barometric, "
                "linear_gradient, no density correction); second run hellman + density correction",
        "v90": "V90/2000, hub 105 m, nominal 2 MW; ideal_gas density, density correction",
        "farm": "6 x E-126/4200 + 3 x V90/2000, TurbineClusterModelChain, no smoothing; efficiency 0.9 "
                "(wind_farm_efficiency) or wake_losses_model dena_mean",
        "farm_mean_hub_height_m": repr(float(farm.hub_height)),
        "farm_nominal_power_w": repr(float(farm.nominal_power)),
    }
    write_csv(OUT / "wind_windpowerlib.csv", meta, sel, {})

    # Byte-for-byte copies of the library lines the tests need.
    for src_name, dst_name, keys in [("oedb/power_curves.csv", "oedb_power_curves.csv", ("E-126/4200", "V90/2000")),
                                     ("oedb/turbine_data.csv", "oedb_turbine_data.csv", ("E-126/4200", "V90/2000"))]:
        data = (wdir / src_name).read_bytes().split(b"\n")
        kept = [data[0]] + [ln for ln in data[1:] if ln.split(b",", 1)[0].decode() in keys]
        (OUT / dst_name).write_bytes(b"\n".join(kept) + b"\n")
    (OUT / "wind_efficiency_curves_dena.csv").write_bytes((wdir / "wind_efficiency_curves_dena.csv").read_bytes())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    if not (args.shared / "weather" / "723170TYA.CSV").exists():
        sys.exit(f"shared data not found under {args.shared}")
    OUT.mkdir(parents=True, exist_ok=True)
    spa_year()
    pv(args.shared)
    wind(args.shared)


if __name__ == "__main__":
    main()

"""ehub.carbon: Python face of the C++ namespace ``ehub::carbon`` (see docs/carbon.md).

The green-certificate ledger of a schedule (optimised, simulated or measured): certificates issued
per producer and step, storage pass-through (policies ``fifo``, ``pro_rata``, ``lifo``,
``schedule``; loss modes ``physical``, ``metered``), hourly matching, green shares, the CFE score,
Scope 1 and Scope 2 (location- and market-based) emissions and the GEC view.

>>> led = ehub.carbon.certify_file("run.h5", scenario="park.json")      # a dispatch result
>>> led.green_share_hourly, led.cfe_score, led.summary()["scope2_market_kg"]
>>> frames = ehub.carbon.to_pandas(led)                                 # DataFrames, tz-aware index
"""
from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.carbon) + ["certify", "certify_file", "certify_result", "to_pandas", "STATUS", "ORIGIN"]

#: Names of the status codes in bundle tables (``Ledger.bundles()["status"]``).
STATUS = ("issued", "stored", "matched", "exported", "expired", "lost")
#: Names of the origin codes in bundle tables.
ORIGIN = ("production", "storage_discharge")


def certify(input, options=None, **kwargs):
    """Run the ledger on an :class:`Input`.

    ``options`` is an :class:`Options`, or give its keywords directly (``policy="fifo"``,
    ``losses="metered"``, ``integer_wh=True``, ``location_factor=0.5`` or a built-in factor name,
    ...). Raises ``ehub.InputError`` for bad input (e.g. a dispatch split that fails verification).
    """
    if options is None:
        options = _core.carbon.Options(**kwargs)
    elif kwargs:
        raise TypeError("give either options or keywords of Options, not both")
    return _core.carbon._certify(input, options)


def _factor_or_dataset(value, read_kwargs, key):
    if isinstance(value, str) and value.startswith("/"):
        read_kwargs[key] = value
        return None
    return value


def certify_file(path, *, scenario=None, policy=None, losses="physical", utc_offset_minutes=None,
                 clean_share=None, grid_factor=None, residual_factor=None, out=None, gas_m3=0.0,
                 diesel_kg=0.0, storages=None, **options):
    """The ledger of a results HDF5 file in the dispatch layout, like ``ehub certify``.

    scenario: scenario JSON for battery efficiencies, the UTC offset, the carbon price and a
    constant grid factor. clean_share / grid_factor / residual_factor: a number (factor: also a
    built-in name or an :class:`EmissionFactor`) or a dataset path inside the file
    (``"/series/clean_share"``). out: also write the certified copy with /certificates tables.
    storages: list of :class:`StorageSpec` (overrides the scenario). Other keywords go to
    :class:`Options`.
    """
    read_kwargs = {}
    specs = []
    offset = 0
    if scenario is not None:
        s = _core.carbon.read_scenario_settings(str(scenario))
        specs = list(s["storages"])
        if s["utc_offset_minutes"] is not None:
            offset = s["utc_offset_minutes"]
        if s["carbon_price_per_t"] is not None:
            options.setdefault("carbon_price_per_t", s["carbon_price_per_t"])
        if s["grid_factor_kg_per_kwh"] is not None and grid_factor is None:
            grid_factor = _core.carbon.EmissionFactor("scenario", s["grid_factor_kg_per_kwh"], 0,
                                                      f"{scenario}: grid emission_factor_kg_per_kwh")
    if storages is not None:
        specs = list(storages)
    if utc_offset_minutes is not None:
        offset = utc_offset_minutes
    if clean_share is not None:
        cs = _factor_or_dataset(clean_share, read_kwargs, "clean_share_dataset")
        if cs is not None:
            options["grid_clean_share"] = float(cs)
    gf = _factor_or_dataset(grid_factor, read_kwargs, "location_factor_dataset")
    if gf is not None:
        options["location_factor"] = gf
    rf = _factor_or_dataset(residual_factor, read_kwargs, "residual_factor_dataset")
    if rf is not None:
        options["residual_factor"] = rf
    inp = _core.carbon.read_results_h5(str(path), specs, offset, **read_kwargs)
    inp.gas_m3 = gas_m3
    inp.diesel_kg = diesel_kg
    ledger = certify(inp, policy=policy, losses=losses, **options)
    if out is not None:
        _core.carbon.write_certified_h5(str(path), ledger, str(out))
    return ledger


def certify_result(result, scenario, *, policy=None, losses="physical", storages=None, gas_m3=0.0,
                   diesel_kg=0.0, **options):
    """The ledger of a dispatch Result in memory (no file): ``certify_result(ehub.dispatch.solve(sc), sc)``.

    scenario: the loaded scenario the result was solved for; its storages give their efficiencies
    and standing losses (``storages``, a list of :class:`StorageSpec`, overrides them) and the
    result its local time. Other keywords go to :class:`Options` (grid factors, clean share,
    carbon price, ...), as for :func:`certify_file`.
    """
    inp = _core.carbon.input_from_dispatch(scenario, result, list(storages or []))
    inp.gas_m3 = gas_m3
    inp.diesel_kg = diesel_kg
    return certify(inp, policy=policy, losses=losses, **options)


def to_pandas(ledger):
    """The ledger as pandas objects with tz-aware indexes (the park's UTC offset).

    Returns a dict: ``steps`` (DataFrame per step), ``storages`` ({name: DataFrame of green and grey
    content}), ``bundles`` (per-device bundles with producer, status and origin names and
    timestamps), ``lots``, ``gec`` and ``months`` (DataFrames), ``hour_of_day`` (Series).
    """
    import pandas as pd

    from .io import _index

    off = ledger.utc_offset_minutes
    idx = _index(ledger.grid.times_unix_s(), off)
    steps = pd.DataFrame(ledger.steps, index=idx)
    storages = {name: pd.DataFrame({"green_kwh": s["green_kwh"], "grey_kwh": s["grey_kwh"]}, index=idx)
                for name, s in ledger.storages.items()}
    b = ledger.bundles(by_device=True)
    bundles = pd.DataFrame(b)
    names = list(ledger.producers)
    bundles["producer_name"] = [names[p] if p >= 0 else None for p in b["producer"]]
    bundles["status_name"] = [STATUS[s] for s in b["status"]]
    bundles["origin_name"] = [ORIGIN[o] for o in b["origin"]]
    for col in ("production_time", "release_time"):
        t = pd.to_datetime(bundles[col].where(bundles[col] >= 0), unit="s", utc=True)
        if off:
            import datetime

            t = t.dt.tz_convert(datetime.timezone(datetime.timedelta(minutes=off)))
        bundles[col] = t
    lots = pd.DataFrame(ledger.lots)
    gec = pd.DataFrame([{"producer": g.producer, "year": g.year, "month": g.month,
                         "production_kwh": g.production_kwh, "carry_in_kwh": g.carry_in_kwh,
                         "certificates": g.certificates, "carry_out_kwh": g.carry_out_kwh,
                         "expiry_year": g.expiry_year, "expiry_month": g.expiry_month} for g in ledger.gec])
    months = pd.DataFrame(ledger.summary()["months"])
    hour = pd.Series(ledger.hour_of_day_share, index=pd.RangeIndex(24, name="hour"), name="matched_share")
    return {"steps": steps, "storages": storages, "bundles": bundles, "lots": lots, "gec": gec,
            "months": months, "hour_of_day": hour}

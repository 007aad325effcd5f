"""ehub.io from Python: CSV, JSON and HDF5 readers, their errors (ValueError subclasses with the
C++ messages) and the pandas helpers. Expected values are the hand-written inputs."""
import numpy as np
import pytest

import ehub


def test_csv_reads_iso_and_reports_sentinels(tmp_path):
    p = tmp_path / "load.csv"
    p.write_text("time,load_kw,temp_c\n2025-01-01T00:00:00+08:00,10,5\n2025-01-01T01:00:00+08:00,-999,6\n"
                 "2025-01-01T02:00:00+08:00,12,\n")
    t = ehub.io.read_timeseries_csv(str(p))
    assert t.columns == ["load_kw", "temp_c"]
    assert t.time_unix_s[0] == 20089 * 86400 - 8 * 3600
    v = t.column("load_kw")
    assert v[0] == 10 and np.isnan(v[1]) and v[2] == 12
    assert [(m.column, m.line, m.raw_text) for m in t.missing] == [("load_kw", 3, "-999"), ("temp_c", 4, "")]
    g = t.grid()
    assert g.step_minutes == 60 and len(g) == 3
    df = ehub.io.table_to_pandas(t, 480)
    assert str(df.index[0]) == "2025-01-01 00:00:00+08:00"
    with pytest.raises(ehub.InputError, match=r"load\.csv: line 3"):
        ehub.io.read_timeseries_csv(str(p), missing="error")


def test_csv_bad_timestamp_names_file_and_line(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("time,x\n2025-01-01T00:00Z,1\n2025-13-01T00:00Z,2\n")
    with pytest.raises(ValueError, match=r"bad\.csv: line 3: .*2025-13-01"):
        ehub.io.read_timeseries_csv(str(p))


def test_csv_duplicate_timestamp(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("time,x\n0,1\n3600,2\n3600,3\n")
    with pytest.raises(ehub.InputError, match=r"dup\.csv: line 4"):
        ehub.io.read_timeseries_csv(str(p))


def test_json_errors_name_file_and_position(tmp_path):
    p = tmp_path / "park.json"
    p.write_text('{"devices": [\n  {"capacity_kw": 5,}\n]}')
    with pytest.raises(ehub.InputError, match=r"park\.json: line 2, column"):
        ehub.io.load_json_file(str(p))
    p.write_text('{"devices": [{"capacity_kw": 5}]}')
    assert ehub.io.load_json_file(str(p)) == {"devices": [{"capacity_kw": 5}]}


def test_hdf5_series_round_trip_and_truncated_file(tmp_path):
    g = ehub.core.TimeGrid(0, 60, 4)
    s = ehub.core.Series(g, np.array([1.0, 2.0, 3.0, 4.0]), ehub.core.SeriesKind.power, "pv")
    p = tmp_path / "r.h5"
    ehub.io.write_series_h5(str(p), {"pv": s})
    back = ehub.io.read_series_h5(str(p))
    np.testing.assert_array_equal(back["pv"].values, [1.0, 2.0, 3.0, 4.0])
    assert back["pv"].grid == g
    assert list(ehub.io.H5Reader(str(p)).read_vector_int64("/time")) == [0, 3600, 7200, 10800]
    data = p.read_bytes()
    cut = tmp_path / "cut.h5"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ehub.InputError, match=r"cut\.h5"):
        ehub.io.read_series_h5(str(cut))
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"not an hdf5 file at all" * 10)
    with pytest.raises(ValueError, match=r"junk\.h5"):
        ehub.io.H5Reader(str(junk))

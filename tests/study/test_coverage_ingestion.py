"""Reading users' exports: the formats and failures the study's own files do not reach. Each failure is the
package's error naming the file, the column, the rows or the value; each read value is checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError, ReadError
from cmanalytics.study.ingestion import map_to_codebook, read_export, read_report


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_a_named_encoding_that_does_not_fit_names_the_byte(tmp_path):
    f = _write(tmp_path / "s.csv", "id,A1\n1,满意\n".encode())
    # "满" is e6 bb a1 in UTF-8 after the 8 bytes "id,A1\n1,": byte 8 (from 0) is the first ASCII cannot hold
    with pytest.raises(ReadError, match=r"cannot be read as ascii: byte 8 \(b'\\xe6'\)"):
        read_export(f, encoding="ascii")


def test_an_unknown_encoding_is_refused(tmp_path):
    f = _write(tmp_path / "s.csv", b"id,A1\n1,2\n")
    with pytest.raises(ArgumentError, match="encoding='klingon' is not an encoding Python knows"):
        read_export(f, encoding="klingon")


def test_bytes_that_are_neither_utf8_nor_gb18030(tmp_path):
    # 0xFF starts no character in UTF-8 and none in GB18030
    f = _write(tmp_path / "s.csv", b"id,A1\n1,\xff\xff\n")
    with pytest.raises(ReadError, match="neither UTF-8 nor GB18030/GBK"):
        read_export(f)


def test_a_single_column_file_is_read_with_the_default_delimiter(tmp_path):
    # nothing to sniff a delimiter from: read as comma-separated, one column of numbers
    df = read_export(_write(tmp_path / "s.csv", b"A1\n1\n2\n5\n"))
    assert list(df.columns) == ["A1"] and df["A1"].tolist() == [1, 2, 5]


def test_a_ragged_text_file_is_a_read_error(tmp_path):
    f = _write(tmp_path / "s.csv", b"a,b\n1,2\n1,2,3,4\n")
    with pytest.raises(ReadError, match=r"s.csv could not be parsed as a table \(.*fields"):
        read_export(f)


def test_a_file_that_is_not_parquet(tmp_path):
    f = _write(tmp_path / "s.parquet", b"id,A1\n1,2\n")
    with pytest.raises(ReadError, match=r"s.parquet could not be read as Parquet"):
        read_export(f)


def test_a_folder_named_like_an_export_is_a_read_error(tmp_path):
    (tmp_path / "s.csv").mkdir()
    with pytest.raises(ReadError, match=r"s.csv"):
        read_export(tmp_path / "s.csv")


def test_spss_user_missing_values_become_missing(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    df = pd.DataFrame({"id": [1.0, 2.0, 3.0, 4.0], "A1": [1.0, 9.0, 5.0, 99.0]})
    path = tmp_path / "s.sav"
    # 9 declared as a discrete user-missing value and 90-99 as a range
    pyreadstat.write_sav(df, str(path), missing_ranges={"A1": [9, {"lo": 90, "hi": 99}]})
    out = read_export(path)
    assert out["A1"].tolist()[0] == 1.0 and out["A1"].tolist()[2] == 5.0
    assert np.isnan(out["A1"].tolist()[1]) and np.isnan(out["A1"].tolist()[3])
    assert df["A1"].tolist() == [1.0, 9.0, 5.0, 99.0]  # the caller's frame untouched


def _export(ids=(1, 2, 3)):
    # the study's 27 items, answered 1-3 by three respondents
    items = cma.study.load_codebook().item_ids
    return pd.DataFrame({"id": list(ids), **{i: [1, 2, 3] for i in items}})


def test_read_report_of_a_frame_that_has_none():
    with pytest.raises(ArgumentError, match="carries no read report"):
        read_report(pd.DataFrame({"a": [1]}))


def test_map_to_codebook_refuses_what_it_cannot_map():
    cb = cma.study.load_codebook()
    with pytest.raises(ArgumentError, match="map_to_codebook takes a DataFrame; got list"):
        map_to_codebook([[1, 2]], cb)
    with pytest.raises(ArgumentError, match="out_of_range='drop'; use 'error' or 'missing'"):
        map_to_codebook(_export(), cb, out_of_range="drop")
    with pytest.raises(ArgumentError, match="codebook must be a Codebook .* got dict"):
        map_to_codebook(_export(), {"A1": "x"})
    twice = pd.DataFrame([[1, 2, 3]], columns=["id", "A1", "A1"])
    with pytest.raises(DataError, match="column name\\(s\\) 'A1' appear more than once"):
        map_to_codebook(twice, cb)
    with pytest.raises(DataError, match="id_column 'respondent' is not a column of the export; its columns begin 'id'"):
        map_to_codebook(_export(), cb, id_column="respondent")


def test_empty_ids_are_named_by_row():
    df = _export(ids=(1, None, 3))
    with pytest.raises(DataError, match=r"the id column 'id' is empty in data row\(s\) 2"):
        map_to_codebook(df, cma.study.load_codebook())


def test_missing_codes_must_be_numbers_outside_the_scale_and_name_known_items():
    cb = cma.study.load_codebook()
    with pytest.raises(ArgumentError, match="missing_codes must be a list of codes .* got 9"):
        map_to_codebook(_export(), cb, missing_codes=9)
    with pytest.raises(ArgumentError, match="missing code 'n/a' is not a number"):
        map_to_codebook(_export(), cb, missing_codes=["n/a"])
    with pytest.raises(ArgumentError, match="missing code 3 lies inside item 'A1'.*scale 1-5"):
        map_to_codebook(_export(), cb, missing_codes=[3])
    with pytest.raises(ArgumentError, match="missing_codes names item\\(s\\) 'Z9' not in the codebook"):
        map_to_codebook(_export(), cb, missing_codes={"Z9": [9]})

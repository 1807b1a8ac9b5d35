"""Golden .npy files for test/io/npy-header.test.ts, written by NumPy itself.

Run: python3 test/golden/io/npy-header/make_npy_headers.py (NumPy 2.4 made the committed files).
Each file holds a small array; the expectations (dtype, order, shape, version, data offset) are written
by hand in the test and checked against NumPy's own reading of the header when the files were made.
"""
from pathlib import Path

import numpy as np
from numpy.lib import format as npf

out = Path(__file__).resolve().parent


def save(name, arr, version=None, allow_pickle=False):
    with open(out / name, "wb") as f:
        npf.write_array(f, arr, version=version, allow_pickle=allow_pickle)


# Supported dtypes, both byte orders, C and Fortran order, 1-D and 2-D, every header version.
save("f8_c_1d.npy", np.arange(5, dtype="<f8") / 4)
save("f4_be_fortran_4x3.npy", np.asfortranarray(np.arange(12, dtype=">f4").reshape(4, 3)))
save("i2_c_3x2_v2.npy", np.arange(-3, 3, dtype="<i2").reshape(3, 2), version=(2, 0))
save("i4_1x3_v3.npy", np.array([[1, -2, 3]], dtype="<i4"), version=(3, 0))
save("u1_1d.npy", np.array([0, 1, 254, 255], dtype="|u1"))
save("i1_fortran_2x2.npy", np.asfortranarray(np.array([[1, -1], [2, -2]], dtype="|i1")))
# A single column is both C- and Fortran-contiguous: NumPy writes it as C order.
save("u2_be_column_3x1.npy", np.asfortranarray(np.array([[1], [2], [3]], dtype=">u2")))
save("u4_be_1d.npy", np.array([1, 2, 4294967295], dtype=">u4"))
save("i8_be_empty.npy", np.zeros(0, dtype=">i8"))
save("f8_empty_columns_2x0.npy", np.zeros((2, 0), dtype="<f8"))

# Header only, as NumPy writes it before the data: MIT-BIH record 100 as int16 (650,000 x 2), no data bytes.
with open(out / "i2_650000x2_header_only.npy", "wb") as f:
    npf.write_array_header_1_0(f, {"descr": "<i2", "fortran_order": False, "shape": (650000, 2)})

# Arrays the header parser must refuse.
save("bad_object.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
save("bad_complex.npy", np.array([1 + 2j], dtype="<c16"))
save("bad_float16.npy", np.array([1.5], dtype="<f2"))
save("bad_uint64.npy", np.array([1], dtype="<u8"))
save("bad_bool.npy", np.array([True, False]))
save("bad_datetime.npy", np.array(["2024-01-01"], dtype="<M8[ns]"))
save("bad_structured.npy", np.zeros(2, dtype=[("a", "<f4"), ("b", "<i2")]))
# A non-latin-1 field name makes NumPy write version 3.0 (UTF-8 header).
save("bad_structured_utf8_v3.npy", np.zeros(1, dtype=[("\u00e9\u20ac", "<f4")]))
save("bad_3d.npy", np.zeros((2, 2, 2), dtype="<f8"))
save("bad_0d.npy", np.array(3.0))

# NumPy's own reading of each header, for checking the test's expectations by eye.
read_header = getattr(npf, "_read_array_header", None) or __import__("numpy.lib._format_impl", fromlist=["x"])._read_array_header
for p in sorted(out.glob("*.npy")):
    with open(p, "rb") as f:
        version = npf.read_magic(f)
        shape, fortran, dtype = read_header(f, version, max_header_size=10000)
        print(p.name, version, dtype.str, fortran, shape, f.tell())

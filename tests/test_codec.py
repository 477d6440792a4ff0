"""grader/runner/codec.py on its own: every allowed kind survives the trip as JSON, and the rest is refused.

Values go through `json.dumps(..., allow_nan=False)` as they would on the wire: JSON has no NaN or inf, so the
encoder must spell them as strings.
"""
import base64
import json

import numpy as np
import pytest

from grader.runner import codec
from grader.runner.codec import MAX_ARRAY_BYTES, SCALAR_TYPES, Unsupported, decode, encode
from grader.runner.protocol import Interference, value as protocol_value


def trip(value):
    return decode(json.loads(json.dumps(encode(value), allow_nan=False)))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --- round trips ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, True, False, 0, -7, 2 ** 100, 1.5, -0.0, 1e308, 5e-324])
def test_python_values_come_back_equal_and_of_the_same_type(value):
    back = trip(value)
    assert back == value and type(back) is type(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_floats_cross_as_strings(value):
    assert encode(value) == {"t": "float", "v": repr(value)}
    back = trip(value)
    assert type(back) is float and (np.isnan(back) if np.isnan(value) else back == value)


def test_numpy_bool_becomes_a_python_bool():
    assert trip(np.bool_(True)) is True and trip(np.bool_(False)) is False


@pytest.mark.parametrize("kind", SCALAR_TYPES)
def test_numpy_scalars_keep_their_type_at_both_extremes(kind):
    info = np.finfo(kind) if np.dtype(kind).kind == "f" else np.iinfo(kind)
    for number in (kind(info.min), kind(info.max), kind(0)):
        back = trip(number)
        assert type(back) is kind and back == number


@pytest.mark.parametrize("kind", [np.float16, np.float32, np.float64])
def test_non_finite_numpy_scalars_keep_their_type(kind):
    for number in (kind("nan"), kind("inf"), kind("-inf")):
        back = trip(number)
        assert type(back) is kind
        assert np.isnan(back) if np.isnan(number) else back == number


@pytest.mark.parametrize("dtype", ["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8",
                                   "c8", "c16", ">f8", ">i4", "<u2"])
def test_arrays_of_every_numeric_dtype_come_back_bit_for_bit(dtype):
    array = (np.arange(12) % 5).astype(dtype).reshape(3, 4)
    back = trip(array)
    assert type(back) is np.ndarray and back.dtype == np.dtype(dtype) and back.shape == (3, 4)
    assert back.tobytes() == array.tobytes() and back.flags.writeable


def test_non_finite_array_values_come_back():
    array = np.array([np.nan, np.inf, -np.inf, -0.0, 1.0])
    back = trip(array)
    assert back.tobytes() == array.tobytes()


@pytest.mark.parametrize("array", [
    np.arange(12.0).reshape(3, 4).T,           # transposed
    np.arange(20.0)[::-3],                     # negative stride
    np.broadcast_to(np.arange(3.0), (4, 3)),   # zero stride, read-only
    np.array(2.5),                             # 0-d
    np.zeros((0, 3)),                          # empty
    np.zeros((2, 1, 1, 3), dtype=np.int16),
], ids=["transposed", "reversed", "broadcast", "0-d", "empty", "4-d"])
def test_arrays_of_any_layout_come_back_equal(array):
    back = trip(array)
    assert back.shape == array.shape and back.dtype == array.dtype and np.array_equal(back, array)
    assert back.flags.c_contiguous and back.flags.writeable


def test_an_array_subclass_comes_back_as_a_plain_array_whatever_it_says_of_itself():
    class Lying(np.ndarray):
        """Claims another shape and no bytes (past the size limit), and refuses to be read or copied."""

        shape = property(lambda self: (99,))
        nbytes = property(lambda self: 0)

        def __array__(self, *args, **kwargs):
            raise AssertionError("the codec asked the subclass for its values")

        def tobytes(self, *args, **kwargs):
            raise AssertionError("the codec asked the subclass for its bytes")

    lying = np.arange(3.0).view(Lying)
    assert encode(lying) == encode(np.arange(3.0))
    back = trip(lying)
    assert type(back) is np.ndarray and back.tolist() == [0.0, 1.0, 2.0]


def test_tuples_and_lists_keep_their_kind_and_order():
    value = (1, [2.0, np.float32(3.0)], (np.arange(2),), None)
    back = trip(value)
    assert type(back) is tuple and type(back[1]) is list and type(back[2]) is tuple
    assert back[0] == 1 and back[1] == [2.0, np.float32(3.0)] and type(back[1][1]) is np.float32
    assert back[2][0].tolist() == [0, 1] and back[3] is None


def test_unsupported_descriptions_come_back_as_unsupported():
    assert trip("text") == Unsupported("a value of type str")
    assert trip({"a": 1}) == Unsupported("a value of type dict")
    assert trip(object()) == Unsupported("a value of type object")


# --- refusals when encoding ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("array, description", [
    (np.array([object(), 1], dtype=object), "an array of dtype object"),
    (np.zeros(2, dtype="i4,f8"), "an array of dtype [('f0', '<i4'), ('f1', '<f8')]"),
    (np.array(["ab"]), "an array of dtype <U2"),
    (np.array([b"ab"]), "an array of dtype |S2"),
    (np.zeros(2, dtype="M8[s]"), "an array of dtype datetime64[s]"),
    (np.zeros(2, dtype="V8"), "an array of dtype |V8"),
])
def test_arrays_of_other_dtypes_are_refused(array, description):
    assert encode(array) == {"t": "unsupported", "d": description}


def test_an_array_over_the_size_limit_is_refused_without_being_copied():
    count = MAX_ARRAY_BYTES // 8 + 1
    huge = np.broadcast_to(np.zeros(1), (count,))  # no memory behind it: one element, stride 0
    assert encode(huge) == {"t": "unsupported", "d": f"an array of {count * 8} bytes (shape ({count},))"}


def test_the_size_limit_is_inclusive(monkeypatch):
    monkeypatch.setattr(codec, "MAX_ARRAY_BYTES", 80)
    assert encode(np.zeros(10))["t"] == "ndarray"
    assert encode(np.zeros(11)) == {"t": "unsupported", "d": "an array of 88 bytes (shape (11,))"}


def test_nesting_deeper_than_four_is_refused():
    assert trip((((((1.0,),),),),)) == (((((Unsupported("a deeply nested value"),),),),),)
    assert trip(((((1.0,),),),)) == ((((1.0,),),),)


def test_more_than_64_items_are_refused_unless_all_are_plain_numbers():
    assert trip(tuple(range(64))) == tuple(range(64))
    assert trip((np.zeros(1),) * 65) == Unsupported("a tuple of 65 items")
    assert trip([0.0] * 64 + ["x"]) == Unsupported("a list of 65 items")
    assert trip([10**400] * 65) == Unsupported("a list of 65 items")


def test_a_long_list_of_numbers_comes_back_as_python_floats_of_the_same_kind():
    """A loss history appended epoch by epoch: floats, NumPy scalars, ints, NaN."""
    losses = [0.25, np.float64(0.125), np.float32(0.5), 3, float("nan")] * 40
    back = trip(losses)
    assert type(back) is list and all(type(v) is float for v in back)
    assert np.array_equal(back, [float(v) for v in losses], equal_nan=True)
    assert type(trip(tuple(losses))) is tuple


def test_a_long_list_of_float_subclasses_is_refused_without_running_their_code():
    ran = []

    class Loud(float):
        def __float__(self):
            ran.append(True)
            return 0.0

    assert trip([Loud(1.0)] * 65) == Unsupported("a list of 65 items")
    assert ran == []


@pytest.mark.parametrize("data", [
    {"t": "numbers", "list": True, "b64": b64(b"\0" * 12)},
    {"t": "numbers", "list": True, "b64": "not base64!"},
    {"t": "numbers", "list": True},
])
def test_decoding_refuses_a_malformed_list_of_numbers(data):
    with pytest.raises((ValueError, KeyError)):
        decode(data)
    with pytest.raises(Interference):
        protocol_value(data)


# --- refusals when decoding ---------------------------------------------------------------------------------------

def ndarray(dtype="<f8", shape=(2,), data=b"\0" * 16):
    return {"t": "ndarray", "dtype": dtype, "shape": list(shape), "b64": b64(data)}


@pytest.mark.parametrize("dtype", ["|O", "i4,f8", "|V8", "<U2", "|S2", "<M8[s]", "<m8[s]"])
def test_decoding_refuses_dtypes_that_are_not_plain_numbers(dtype):
    with pytest.raises(ValueError, match="is not allowed"):
        decode(ndarray(dtype=dtype))


@pytest.mark.parametrize("shape, size", [((3,), 16), ((2,), 15), ((2, 2), 24), ((0,), 8), ((-1,), 8), ((-2,), 0)])
def test_decoding_refuses_a_size_that_does_not_match_the_shape(shape, size):
    with pytest.raises(ValueError, match="does not match"):
        decode(ndarray(shape=shape, data=b"\0" * size))


def test_decoding_refuses_two_unknown_dimensions():
    with pytest.raises(ValueError):
        decode(ndarray(shape=(-1, -1), data=b"\0" * 8))


@pytest.mark.parametrize("text", ["!!!!", "AAA", "AA AA===", "AAAA\n"])
def test_decoding_refuses_bad_base64(text):
    with pytest.raises(ValueError):
        decode({"t": "ndarray", "dtype": "|u1", "shape": [3], "b64": text})


@pytest.mark.parametrize("data", [{"t": "pickle"}, {}, {"t": None}, [], "none", None, 3])
def test_decoding_refuses_unknown_kinds(data):
    with pytest.raises(ValueError, match="unknown value kind"):
        decode(data)


@pytest.mark.parametrize("data", [
    {"t": "scalar", "dtype": "<c16", "v": 1.0},   # not a scalar type the encoder makes
    {"t": "scalar", "dtype": "|b1", "v": 1},
    {"t": "scalar", "dtype": "|O", "v": 1},
    {"t": "scalar", "dtype": np.dtype(np.longdouble).str, "v": 1.0},  # a float, but not one of SCALAR_TYPES
    {"t": "scalar", "dtype": "<i8", "v": 1.5},    # an integer needs an integer
    {"t": "scalar", "dtype": "<i8", "v": True},
    {"t": "scalar", "dtype": "<i8", "v": "1"},
    {"t": "scalar", "dtype": "|u1", "v": 256},    # out of range
    {"t": "scalar", "dtype": "|u1", "v": -1},
    {"t": "scalar", "dtype": "|i1", "v": -129},
])
def test_decoding_refuses_bad_scalars(data):
    with pytest.raises(ValueError):
        decode(data)


def test_integer_scalars_at_their_limits_are_accepted():
    assert decode({"t": "scalar", "dtype": "|u1", "v": 255}) == np.uint8(255)
    assert decode({"t": "scalar", "dtype": "|i1", "v": -128}) == np.int8(-128)


def test_unsupported_descriptions_are_cut_to_200_characters():
    assert decode({"t": "unsupported", "d": "x" * 1000}) == Unsupported("x" * 200)
    assert decode({"t": "unsupported"}) == Unsupported("an unsupported value")


@pytest.mark.parametrize("data", [
    {"t": "ndarray", "dtype": "<f8", "shape": [1]},              # no data
    {"t": "ndarray", "dtype": ["<f8"], "shape": [1], "b64": ""},  # a dtype that is not a string spec
    {"t": "tuple", "items": None},
    {"t": "tuple", "items": [{"t": "pickle"}]},
    {"t": "int", "v": "x"},
    {"t": "float", "v": [1]},
    ndarray(data=b"\0" * 15),
])
def test_the_protocol_turns_any_malformed_value_into_interference(data):
    with pytest.raises(Interference):
        protocol_value(data)

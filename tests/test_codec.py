"""Plain data across the boundary: exact round trips, nothing executable."""

import io

import numpy as np
import pytest

from autograder.run.codec import Opaque, from_json, from_wire, normalize, to_json, to_wire
from autograder.run.protocol import FrameReader, ProtocolError, encode_frame


def roundtrip_wire(value):
    buffers = []
    return from_wire(to_wire(normalize(value), buffers), buffers)


@pytest.mark.parametrize("value", [
    0.5, 3, None, "text", (1.0, -4.0), [1, 2],
    np.arange(6, dtype=np.float32).reshape(2, 3), np.float64(0.25), np.array(7),
])
def test_wire_and_json_roundtrip_keep_values_and_dtypes(value):
    for back in (roundtrip_wire(value), from_json(to_json(normalize(value)))):
        if isinstance(value, (np.ndarray, np.generic)):
            assert isinstance(back, np.ndarray), f"{value!r} came back as {back!r}"
            assert back.dtype == np.asarray(value).dtype and back.shape == np.asarray(value).shape
            np.testing.assert_array_equal(back, value)
        else:
            assert back == value, f"{value!r} came back as {back!r}"


def test_non_finite_floats_survive_json():
    back = from_json(to_json(normalize(np.array([np.inf, -np.inf, np.nan]))))
    assert np.isposinf(back[0]) and np.isneginf(back[1]) and np.isnan(back[2])


def test_objects_with_tricky_methods_become_opaque_descriptions():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

        def __repr__(self):
            return "x" * 10_000

    value = normalize(AlwaysEqual())
    assert isinstance(value, Opaque)
    assert value.type_name == "AlwaysEqual" and len(value.text) <= 200
    assert (value == 0.5) is False


def test_ndarray_subclass_is_reduced_to_a_plain_array():
    class Evil(np.ndarray):
        def __eq__(self, other):
            return True

    value = normalize(np.arange(3.0).view(Evil))
    assert type(value) is np.ndarray


def test_object_arrays_are_never_unpickled():
    buf = io.BytesIO()
    np.save(buf, np.array([object()], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError):
        from_wire({"t": "ndarray", "buf": 0}, [buf.getvalue()])


def test_reader_rejects_a_frame_over_the_size_limit():
    import os
    r, w = os.pipe()
    os.write(w, encode_frame({"value": np.zeros(1000)}))
    os.close(w)
    with pytest.raises(ProtocolError):
        FrameReader(r, max_bytes=1000).read(timeout=5)
    os.close(r)

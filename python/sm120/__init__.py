"""sm120: block-scaled GEMMs for NVIDIA Blackwell workstation GPUs.

A thin ctypes binding of libsm120rt's C API. Tensors are passed without
copies: PyTorch tensors (data_ptr, shape, strides) or any object exposing
``__cuda_array_interface__``. Kernels come from the kernel cache
($SM120_CACHE_DIR, default ~/.cache/sm120) and are compiled on a miss when
libsm120jit is found. Errors raise :class:`Error` with the runtime's
message.

Libraries are looked up in $SM120_LIBRARY / $SM120_JIT_LIBRARY, then next
to this package, then in the source tree's build directories, then on the
system library path.

Entry points (D = A B^T, A [M, K] and B [N, K] K-contiguous):

* ``fp8_gemm_nt(a, sfa, b, sfb, d, c=None)``: FP8 e4m3 with UE8M0 scales
  packed four per int32 (:func:`pack_ue8m0` makes them);
* ``fp8_fp4_gemm_nt(...)``: FP4 (e2m1, two per byte) x FP4 / FP8, MXFP4
  or NVFP4 (UE4M3 scales, float8_e4m3fn [MN, K / 16]);
* ``bf16_gemm_nt(a, b, d, c=None)``, and ``bf16_gemm_nn`` / ``_tn`` /
  ``_tt`` with MN-major operands ([K, N] b, [K, M] a);
* ``m_grouped_{fp8,fp8_fp4,bf16}_gemm_nt_contiguous(..., layout)``:
  mixture-of-experts groups concatenated along M;
* ``m_grouped_{fp8,fp8_fp4,bf16}_gemm_nt_masked(..., masked_m, expected_m)``:
  one [max_m, K] block per group, the valid rows of each on the device;
* ``fp8_einsum(equation, a, sfa, b, sfb, d, c=None)`` and
  ``bf16_einsum(equation, a, b, d, c=None)``: batched GEMMs, equation
  ``"bhr,hdr->bhd"`` (a [b, h, r], b [h, d, r], d [b, h, d]),
  ``"bhd,hdr->bhr"``, ``"bhd,bhr->hdr"`` (the batch rows contracted per
  head), ``"bmk,bnk->bmn"`` (a plain batch of GEMMs), and in BF16
  ``"bmk,bnk->mn"`` (the batch summed into d [m, n]).

Scale utilities (GPU kernels; with PyTorch, outputs are allocated when not
given): ``quantize_fp8`` and ``quantize_fp4`` (per token or per block, f32,
packed UE8M0 or NVFP4 UE4M3 scales), ``transpose_to_k_major`` and
:func:`pack_ue8m0`.

When PyTorch is importable, the same are registered as ``torch.ops.sm120.*``
custom ops for use under torch.compile.
"""

import ctypes
import ctypes.util
import os

__all__ = [
    "Error", "fp8_gemm_nt", "fp8_fp4_gemm_nt", "bf16_gemm_nt", "bf16_gemm_nn",
    "bf16_gemm_tn", "bf16_gemm_tt", "m_grouped_bf16_gemm_nn_contiguous",
    "m_grouped_fp8_gemm_nt_contiguous", "m_grouped_fp8_fp4_gemm_nt_contiguous",
    "m_grouped_bf16_gemm_nt_contiguous", "m_grouped_fp8_gemm_nt_masked",
    "m_grouped_fp8_fp4_gemm_nt_masked", "m_grouped_bf16_gemm_nt_masked",
    "k_grouped_fp8_gemm_nt_contiguous", "k_grouped_fp8_gemm_tn_contiguous",
    "k_grouped_bf16_gemm_nt_contiguous", "k_grouped_bf16_gemm_tn_contiguous",
    "fp8_einsum", "bf16_einsum", "fp4", "typed",
    "pack_ue8m0", "quantize_fp8", "quantize_fp4", "transpose_to_k_major",
    "jit_available", "library_path",
]

# sm120rt_dtype values.
F8E4M3, F4E2M1, F8E8M0, BF16, F16, F32, I32, U8 = range(1, 9)
_DTYPE_NAMES = {F8E4M3: "f8e4m3", F4E2M1: "f4e2m1", F8E8M0: "f8e8m0",
                BF16: "bf16", F16: "f16", F32: "f32", I32: "i32", U8: "u8"}

_BITS = {F8E4M3: 8, F4E2M1: 4, F8E8M0: 8, BF16: 16, F16: 16, F32: 32,
         I32: 32, U8: 8}

_STATUS_NAMES = ["Ok", "InvalidManifest", "UnsupportedSchema", "MissingFile",
                 "WrongArchitecture", "InvalidArgument", "DriverError",
                 "NoDevice", "NotSupported", "Internal", "CompileError"]


class Error(RuntimeError):
    """A failed call: ``code`` is the runtime's status name."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class _Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int),
                ("rank", ctypes.c_int),
                ("sizes", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64))]


class _Options(ctypes.Structure):
    _fields_ = [("c", ctypes.POINTER(_Tensor)), ("device", ctypes.c_int),
                ("stream", ctypes.c_void_p), ("sfa_gran_k", ctypes.c_int),
                ("sfb_gran_k", ctypes.c_int), ("chip", ctypes.c_char_p),
                ("machine", ctypes.c_char_p), ("expected_m", ctypes.c_int64),
                ("alpha", ctypes.POINTER(_Tensor)), ("prefix_sum", ctypes.c_int),
                ("k_sizes", ctypes.POINTER(ctypes.c_int32)),
                ("k_alignment", ctypes.c_int)]


def _candidates(env, name, build_dirs):
    if os.environ.get(env):
        return [os.environ[env]]
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    paths = [os.path.join(here, name)]
    paths += [os.path.join(root, d, name) for d in build_dirs]
    found = ctypes.util.find_library(name[3:].split(".")[0])
    if found:
        paths.append(found)
    return paths


def _load(env, name, build_dirs, required):
    errors = []
    for path in _candidates(env, name, build_dirs):
        if os.sep in path and not os.path.exists(path):
            continue
        try:
            return ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL), path
        except OSError as e:
            errors.append(f"{path}: {e}")
    if required:
        raise ImportError(f"sm120: cannot load {name} (set {env}); tried: "
                          + ("; ".join(errors) or "nothing found"))
    return None, None


class _QuantizeOptions(ctypes.Structure):
    _fields_ = [("block_mn", ctypes.c_int64), ("block_k", ctypes.c_int64),
                ("exact_f32_scales", ctypes.c_int),
                ("global_scale", ctypes.POINTER(_Tensor)),
                ("device", ctypes.c_int), ("stream", ctypes.c_void_p)]


_rt, library_path = _load("SM120_LIBRARY", "libsm120rt.so",
                          ["build/runtime", "build-rt"], True)
_jit, _jit_path = _load("SM120_JIT_LIBRARY", "libsm120jit.so",
                        ["build/lib"], False)
if _jit is not None:
    _jit.sm120jit_register_compiler.restype = None
    _jit.sm120jit_register_compiler()


def jit_available():
    """True when kernels missing from the cache can be compiled here."""
    return _jit is not None


_rt.sm120rt_last_error.restype = ctypes.c_char_p
for _name, _count in (("sm120rt_fp8_gemm_nt", 5), ("sm120rt_fp8_fp4_gemm_nt", 5),
                      ("sm120rt_bf16_gemm_nt", 3), ("sm120rt_bf16_gemm_nn", 3),
                      ("sm120rt_bf16_gemm_tn", 3), ("sm120rt_bf16_gemm_tt", 3),
                      ("sm120rt_m_grouped_bf16_gemm_nn_contiguous", 4),
                      ("sm120rt_m_grouped_fp8_gemm_nt_contiguous", 6),
                      ("sm120rt_m_grouped_fp8_fp4_gemm_nt_contiguous", 6),
                      ("sm120rt_m_grouped_bf16_gemm_nt_contiguous", 4),
                      ("sm120rt_k_grouped_fp8_gemm_nt_contiguous", 6),
                      ("sm120rt_k_grouped_fp8_gemm_tn_contiguous", 6),
                      ("sm120rt_k_grouped_bf16_gemm_nt_contiguous", 4),
                      ("sm120rt_k_grouped_bf16_gemm_tn_contiguous", 4)):
    _fn = getattr(_rt, _name)
    _fn.restype = ctypes.c_int
    _fn.argtypes = [ctypes.POINTER(_Tensor)] * _count + [ctypes.POINTER(_Options)]
for _name, _count in (("sm120rt_m_grouped_fp8_gemm_nt_masked", 6),
                      ("sm120rt_m_grouped_fp8_fp4_gemm_nt_masked", 6),
                      ("sm120rt_m_grouped_bf16_gemm_nt_masked", 4)):
    _fn = getattr(_rt, _name)
    _fn.restype = ctypes.c_int
    _fn.argtypes = [ctypes.POINTER(_Tensor)] * _count + [
        ctypes.c_int64, ctypes.POINTER(_Options)]
for _name, _count in (("sm120rt_fp8_einsum", 5), ("sm120rt_bf16_einsum", 3)):
    _fn = getattr(_rt, _name)
    _fn.restype = ctypes.c_int
    _fn.argtypes = [ctypes.c_char_p] + [ctypes.POINTER(_Tensor)] * _count + [
        ctypes.POINTER(_Options)]

for _name in ("sm120rt_quantize_fp8", "sm120rt_quantize_fp4"):
    _fn = getattr(_rt, _name)
    _fn.restype = ctypes.c_int
    _fn.argtypes = [ctypes.POINTER(_Tensor)] * 3 + [
        ctypes.POINTER(_QuantizeOptions)]
_rt.sm120rt_pack_ue8m0_scales.restype = ctypes.c_int
_rt.sm120rt_pack_ue8m0_scales.argtypes = [ctypes.POINTER(_Tensor)] * 2 + [
    ctypes.c_int64] * 4 + [ctypes.c_int, ctypes.c_void_p]
_rt.sm120rt_transpose_to_k_major.restype = ctypes.c_int
_rt.sm120rt_transpose_to_k_major.argtypes = [ctypes.POINTER(_Tensor)] * 2 + [
    ctypes.c_int, ctypes.c_void_p]


class typed:
    """Reads a tensor's memory as another element type of the same width,
    for types PyTorch or __cuda_array_interface__ cannot name (e.g. bytes
    holding f8e4m3). "f4e2m1" takes a 1-byte tensor [..., K / 2] packed two
    per byte (element 2i in the low nibble): the kernel sees [..., K]."""

    def __init__(self, tensor, dtype):
        codes = {v: k for k, v in _DTYPE_NAMES.items()}
        if dtype not in codes:
            raise Error("InvalidArgument", f"unknown dtype '{dtype}'; expected "
                        + ", ".join(sorted(codes)))
        self.tensor = tensor
        self.dtype = codes[dtype]


def fp4(tensor):
    """typed(tensor, "f4e2m1"): uint8 bytes holding FP4 pairs."""
    return typed(tensor, "f4e2m1")


_TORCH_DTYPES = {
    "torch.float8_e4m3fn": F8E4M3, "torch.bfloat16": BF16,
    "torch.float16": F16, "torch.float32": F32, "torch.int32": I32,
    "torch.uint8": U8, "torch.float8_e8m0fnu": F8E8M0,
}
_TYPESTR = {"<f4": F32, "<f2": F16, "<i4": I32, "|u1": U8, "<u1": U8}


def _describe(obj, name):
    """(data pointer, dtype, sizes, strides in elements, device index)."""
    override = obj.dtype if isinstance(obj, typed) else None
    t = obj.tensor if override else obj
    packed = override == F4E2M1
    if hasattr(t, "data_ptr") and hasattr(t, "stride"):  # PyTorch
        key = str(t.dtype)
        if key == "torch.float4_e2m1fn_x2":
            packed = True
        width = t.element_size() * 8
        if override and width != (8 if packed else _BITS[override]):
            raise Error("InvalidArgument",
                        f"{name}: a {key} tensor cannot be read as "
                        f"{_DTYPE_NAMES[override]} (element widths differ)")
        dtype = (override or (F4E2M1 if packed else _TORCH_DTYPES.get(key)))
        if dtype is None:
            raise Error("InvalidArgument", f"{name}: dtype {key} is not supported")
        if t.device.type != "cuda":
            raise Error("InvalidArgument",
                        f"{name} is on {t.device}; expected a CUDA tensor")
        sizes, strides = list(t.shape), list(t.stride())
        device = t.device.index or 0
        ptr = t.data_ptr()
    elif hasattr(t, "__cuda_array_interface__"):
        cai = t.__cuda_array_interface__
        itemsize = int(cai["typestr"][2:])
        if override and itemsize * 8 != (8 if packed else _BITS[override]):
            raise Error("InvalidArgument",
                        f"{name}: typestr {cai['typestr']} cannot be read as "
                        f"{_DTYPE_NAMES[override]} (element widths differ)")
        dtype = override or _TYPESTR.get(cai["typestr"])
        if dtype is None:
            raise Error("InvalidArgument",
                        f"{name}: typestr {cai['typestr']} is not supported; "
                        "wrap it in sm120.typed(tensor, dtype)")
        sizes = list(cai["shape"])
        if cai.get("strides") is None:
            strides, step = [], 1
            for s in reversed(sizes):
                strides.insert(0, step)
                step *= s
        else:
            strides = [s // itemsize for s in cai["strides"]]
        ptr, device = cai["data"][0], 0
    else:
        raise Error("InvalidArgument",
                    f"{name}: expected a torch tensor or an object with "
                    "__cuda_array_interface__")
    if packed:  # bytes -> FP4 elements along the contiguous dimension
        sizes[-1] *= 2
        strides = [s * 2 for s in strides[:-1]] + [strides[-1]]
    return ptr, dtype, sizes, strides, device


class _Args:
    """Keeps the ctypes arrays alive for one call."""

    def __init__(self):
        self.keep = []
        self.device = None

    def tensor(self, obj, name):
        ptr, dtype, sizes, strides, device = _describe(obj, name)
        if self.device is None:
            self.device = device
        elif device != self.device:
            raise Error("InvalidArgument",
                        f"{name} is on cuda:{device}; the others on cuda:{self.device}")
        sz = (ctypes.c_int64 * len(sizes))(*sizes)
        st = (ctypes.c_int64 * len(strides))(*strides)
        t = _Tensor(ptr, dtype, len(sizes), sz, st)
        self.keep += [sz, st, t]
        return ctypes.pointer(t)


def _stream(stream, device):
    if stream is not None:
        return getattr(stream, "cuda_stream", stream)
    try:
        import torch
        return torch.cuda.current_stream(device).cuda_stream
    except ImportError:
        return None


def _call(fn, names, tensors, c, stream, target, gran, alpha=None,
          prefix_sum=False, extra=(), k_sizes=None, k_alignment=0):
    args = _Args()
    refs = [args.tensor(t, n) for n, t in zip(names, tensors)]
    o = _Options()
    o.prefix_sum = 1 if prefix_sum else 0
    o.k_alignment = int(k_alignment)
    if k_sizes is not None:
        sizes = (ctypes.c_int32 * len(k_sizes))(*[int(k) for k in k_sizes])
        args.keep.append(sizes)
        o.k_sizes = sizes
    if c is not None:
        o.c = args.tensor(c, "c")
    if alpha is not None:
        o.alpha = args.tensor(alpha, "alpha")
    o.device = args.device or 0
    o.stream = _stream(stream, o.device)
    o.sfa_gran_k, o.sfb_gran_k = gran
    chip, machine = target
    if chip:
        o.chip = chip.encode()
    if machine:
        o.machine = machine.encode()
    _check(fn(*refs, *extra, ctypes.byref(o)))


def _check(status):
    if status != 0:
        code = (_STATUS_NAMES[status] if status < len(_STATUS_NAMES)
                else f"status {status}")
        raise Error(code, _rt.sm120rt_last_error().decode())


def fp8_gemm_nt(a, sfa, b, sfb, d, c=None, alpha=None, stream=None, chip=None,
                machine=None, sfa_gran_k=0, sfb_gran_k=0):
    """D = alpha A B^T (+ C), FP8 e4m3 with packed UE8M0 scales. ``alpha``:
    an optional float32 [1] CUDA tensor, read when the kernel runs;
    ``stream``: a torch stream or CUstream (default: torch's current
    stream); ``chip`` / ``machine``: override the target chosen from the
    device."""
    _call(_rt.sm120rt_fp8_gemm_nt, ["a", "sfa", "b", "sfb", "d"],
          [a, sfa, b, sfb, d], c, stream, (chip, machine),
          (sfa_gran_k, sfb_gran_k), alpha)


def fp8_fp4_gemm_nt(a, sfa, b, sfb, d, c=None, alpha=None, stream=None,
                    chip=None, machine=None, sfa_gran_k=0, sfb_gran_k=0):
    """D = alpha A B^T (+ C) with an FP4 operand (wrap uint8 data in fp4());
    for NVFP4, alpha is the product of the two global scales."""
    _call(_rt.sm120rt_fp8_fp4_gemm_nt, ["a", "sfa", "b", "sfb", "d"],
          [a, sfa, b, sfb, d], c, stream, (chip, machine),
          (sfa_gran_k, sfb_gran_k), alpha)


def bf16_gemm_nt(a, b, d, c=None, alpha=None, stream=None, chip=None,
                 machine=None):
    """D = alpha A B^T (+ C) in BF16."""
    _call(_rt.sm120rt_bf16_gemm_nt, ["a", "b", "d"], [a, b, d], c, stream,
          (chip, machine), (0, 0), alpha)


def bf16_gemm_nn(a, b, d, c=None, alpha=None, stream=None, chip=None,
                 machine=None):
    """D = alpha A B (+ C) in BF16 with b [K, N], read MN-major in the
    kernel (no copy)."""
    _call(_rt.sm120rt_bf16_gemm_nn, ["a", "b", "d"], [a, b, d], c, stream,
          (chip, machine), (0, 0), alpha)


def bf16_gemm_tn(a, b, d, c=None, alpha=None, stream=None, chip=None,
                 machine=None):
    """D = alpha A^T B (+ C) in BF16: a [K, M] (M a multiple of 8), b
    [K, N], both read MN-major."""
    _call(_rt.sm120rt_bf16_gemm_tn, ["a", "b", "d"], [a, b, d], c, stream,
          (chip, machine), (0, 0), alpha)


def bf16_gemm_tt(a, b, d, c=None, alpha=None, stream=None, chip=None,
                 machine=None):
    """D = alpha A^T B^T (+ C) in BF16: a [K, M] (M a multiple of 8), b
    [N, K]."""
    _call(_rt.sm120rt_bf16_gemm_tt, ["a", "b", "d"], [a, b, d], c, stream,
          (chip, machine), (0, 0), alpha)


def m_grouped_fp8_gemm_nt_contiguous(a, sfa, b, sfb, d, layout, c=None,
                                     prefix_sum=False, stream=None, chip=None,
                                     machine=None, sfa_gran_k=0, sfb_gran_k=0):
    """Mixture-of-experts forward: a [M, K] holds the groups' rows one group
    after another, b [G, N, K] (sfb [G, ...]) one weight per group, layout
    an int32 CUDA tensor [M] with each row's group (-1: padding, not
    written) or, with prefix_sum, [G] with each group's exclusive end row.
    Each group's rows must start on a multiple of the kernel's M alignment
    (128 always works)."""
    _call(_rt.sm120rt_m_grouped_fp8_gemm_nt_contiguous,
          ["a", "sfa", "b", "sfb", "d", "layout"], [a, sfa, b, sfb, d, layout],
          c, stream, (chip, machine), (sfa_gran_k, sfb_gran_k),
          prefix_sum=prefix_sum)


def m_grouped_fp8_fp4_gemm_nt_contiguous(a, sfa, b, sfb, d, layout, c=None,
                                         prefix_sum=False, stream=None,
                                         chip=None, machine=None,
                                         sfa_gran_k=0, sfb_gran_k=0):
    """m_grouped_fp8_gemm_nt_contiguous with an FP4 operand (MXFP4, NVFP4 or
    mixed)."""
    _call(_rt.sm120rt_m_grouped_fp8_fp4_gemm_nt_contiguous,
          ["a", "sfa", "b", "sfb", "d", "layout"], [a, sfa, b, sfb, d, layout],
          c, stream, (chip, machine), (sfa_gran_k, sfb_gran_k),
          prefix_sum=prefix_sum)


def m_grouped_bf16_gemm_nt_contiguous(a, b, d, layout, c=None,
                                      prefix_sum=False, stream=None,
                                      chip=None, machine=None):
    """m_grouped_fp8_gemm_nt_contiguous in BF16."""
    _call(_rt.sm120rt_m_grouped_bf16_gemm_nt_contiguous,
          ["a", "b", "d", "layout"], [a, b, d, layout], c, stream,
          (chip, machine), (0, 0), prefix_sum=prefix_sum)


def m_grouped_bf16_gemm_nn_contiguous(a, b, d, layout, c=None,
                                      prefix_sum=False, stream=None,
                                      chip=None, machine=None):
    """m_grouped_bf16_gemm_nt_contiguous with b [G, K, N], read MN-major in
    the kernel (no copy)."""
    _call(_rt.sm120rt_m_grouped_bf16_gemm_nn_contiguous,
          ["a", "b", "d", "layout"], [a, b, d, layout], c, stream,
          (chip, machine), (0, 0), prefix_sum=prefix_sum)


def m_grouped_fp8_gemm_nt_masked(a, sfa, b, sfb, d, masked_m, expected_m=0,
                                 c=None, stream=None, chip=None, machine=None,
                                 sfa_gran_k=0, sfb_gran_k=0):
    """Mixture-of-experts decode: a [G, max_m, K] (sfa [G, ...]), b
    [G, N, K] (sfb [G, ...]), d [G, max_m, N]; masked_m an int32 CUDA
    tensor [G] with each group's valid rows: only rows below it are computed
    and written. ``expected_m``: the typical valid rows per group, which the
    schedule is chosen for (0: max_m). A count outside [0, max_m] traps the
    kernel."""
    _call(_rt.sm120rt_m_grouped_fp8_gemm_nt_masked,
          ["a", "sfa", "b", "sfb", "d", "masked_m"],
          [a, sfa, b, sfb, d, masked_m], c, stream, (chip, machine),
          (sfa_gran_k, sfb_gran_k), extra=(expected_m,))


def m_grouped_fp8_fp4_gemm_nt_masked(a, sfa, b, sfb, d, masked_m,
                                     expected_m=0, c=None, stream=None,
                                     chip=None, machine=None, sfa_gran_k=0,
                                     sfb_gran_k=0):
    """m_grouped_fp8_gemm_nt_masked with an FP4 operand (MXFP4, NVFP4 or
    mixed)."""
    _call(_rt.sm120rt_m_grouped_fp8_fp4_gemm_nt_masked,
          ["a", "sfa", "b", "sfb", "d", "masked_m"],
          [a, sfa, b, sfb, d, masked_m], c, stream, (chip, machine),
          (sfa_gran_k, sfb_gran_k), extra=(expected_m,))


def m_grouped_bf16_gemm_nt_masked(a, b, d, masked_m, expected_m=0, c=None,
                                  stream=None, chip=None, machine=None):
    """m_grouped_fp8_gemm_nt_masked in BF16."""
    _call(_rt.sm120rt_m_grouped_bf16_gemm_nt_masked,
          ["a", "b", "d", "masked_m"], [a, b, d, masked_m], c, stream,
          (chip, machine), (0, 0), extra=(expected_m,))


def k_grouped_fp8_gemm_nt_contiguous(a, sfa, b, sfb, d, ks, c, ks_host=None,
                                     stream=None, chip=None, machine=None,
                                     gran_k=128, k_alignment=0):
    """Mixture-of-experts weight gradient: for each group g, d[g] = c[g] +
    A_g B_g^T, where A_g and B_g are the g-th run of ks[g] columns of a
    [M, sum K] and b [N, sum K] (FP8 e4m3). ks: an int32 CUDA tensor [G];
    c (required, may be d) and d float32 [G, M, N]; sfa / sfb packed UE8M0
    [rows, align(MN, 4)] of granularity ``gran_k`` (32 or 128), each group
    taking the next ceil(K_g / (4 gran_k)) rows. Each K_g must be a
    multiple of 64. a and b may also be 1-D: each group's K-major
    [M, K_g] and [N, K_g] blocks flattened one after another (the kernel
    points its descriptors at each group's). ``ks_host`` (the sizes as a
    list) makes the runtime check them before the launch; otherwise a bad
    size traps the kernel. ``k_alignment``: a multiple every K_g is (a
    multiple of 64; 0: 64); 128 lets the kernel take K blocks of 128."""
    _call(_rt.sm120rt_k_grouped_fp8_gemm_nt_contiguous,
          ["a", "sfa", "b", "sfb", "d", "ks"], [a, sfa, b, sfb, d, ks], c,
          stream, (chip, machine), (gran_k, gran_k), k_sizes=ks_host,
          k_alignment=k_alignment)


def k_grouped_fp8_gemm_tn_contiguous(a, sfa, b, sfb, d, ks, c, ks_host=None,
                                     stream=None, chip=None, machine=None,
                                     gran_k=128, k_alignment=0):
    """k_grouped_fp8_gemm_nt_contiguous with a [sum K, M] and b [sum K, N]
    (the groups' tokens as rows). FP8 kernels read K-major operands only:
    both are copied to [MN, sum K] with torch first."""
    k_grouped_fp8_gemm_nt_contiguous(
        a.t().contiguous(), sfa, b.t().contiguous(), sfb, d, ks, c, ks_host,
        stream, chip, machine, gran_k, k_alignment)


def k_grouped_bf16_gemm_nt_contiguous(a, b, d, ks, c, ks_host=None,
                                      stream=None, chip=None, machine=None,
                                      k_alignment=0):
    """k_grouped_fp8_gemm_nt_contiguous in BF16 (no scales)."""
    _call(_rt.sm120rt_k_grouped_bf16_gemm_nt_contiguous,
          ["a", "b", "d", "ks"], [a, b, d, ks], c, stream, (chip, machine),
          (0, 0), k_sizes=ks_host, k_alignment=k_alignment)


def k_grouped_bf16_gemm_tn_contiguous(a, b, d, ks, c, ks_host=None,
                                      stream=None, chip=None, machine=None,
                                      k_alignment=0):
    """k_grouped_bf16_gemm_nt_contiguous with a [sum K, M] and b [sum K, N],
    read MN-major in the kernel (no copy)."""
    _call(_rt.sm120rt_k_grouped_bf16_gemm_tn_contiguous,
          ["a", "b", "d", "ks"], [a, b, d, ks], c, stream, (chip, machine),
          (0, 0), k_sizes=ks_host, k_alignment=k_alignment)


def _with_equation(fn, equation):
    return lambda *args: fn(equation.encode(), *args)


def fp8_einsum(equation, a, sfa, b, sfb, d, c=None, stream=None, chip=None,
               machine=None, sfa_gran_k=0, sfb_gran_k=0):
    """Batched FP8 GEMM ``"bhr,hdr->bhd"``: per head h, D[:, h, :] =
    A[:, h, :] B[h]^T (+ C). a [b, h, r] (may be a strided view), b
    [h, d, r], d [b, h, d] (d and c may be strided views, e.g. head-major
    storage transposed); sfa / sfb the packed UE8M0 scales of
    each head with a leading [h]. One kernel covers every head.
    ``"bhd,hdr->bhr"`` (a [b, h, d], b [h, d, r], d [b, h, r]; sfb the
    scales of each head's [r, d]): FP8 kernels read K-major operands only,
    so the library copies b to [h, r, d] on the stream first. ``"bhd,bhr->hdr"`` (a [b, h, d],
    b [b, h, r], d [h, d, r]): the library copies a and b to [h, d, b] and
    [h, r, b] on the stream itself; sfa / sfb are the scales of each head's
    [d, b] and [r, b] (b a multiple of their granularity).
    ``"bmk,bnk->bmn"``: d[g] = a[g] b[g]^T for a [g, m, k], b [g, n, k],
    d [g, m, n], the scales stacked per batch."""
    _call(_with_equation(_rt.sm120rt_fp8_einsum, equation),
          ["a", "sfa", "b", "sfb", "d"], [a, sfa, b, sfb, d], c, stream,
          (chip, machine), (sfa_gran_k, sfb_gran_k))


def bf16_einsum(equation, a, b, d, c=None, stream=None, chip=None,
                machine=None):
    """fp8_einsum in BF16, ``"bhd,hdr->bhr"`` reading b MN-major in the
    kernel (no copy); ``"bhd,bhr->hdr"``: d [h, d, r] = per head the batch
    rows of a [b, h, d] and b [b, h, r] contracted (both read MN-major);
    ``"bmk,bnk->bmn"``; also ``"bmk,bnk->mn"``: d [m, n] = sum over b of
    a[b] b[b]^T (+ c), deterministic (one FP32 accumulator per tile)."""
    _call(_with_equation(_rt.sm120rt_bf16_einsum, equation), ["a", "b", "d"],
          [a, b, d], c, stream, (chip, machine), (0, 0))


def pack_ue8m0(scales, mn, gran_mn=1):
    """FP32 scales [ceil(MN / gran_mn), K blocks] (powers of two, e.g. from
    per-token or 128 x 128 per-block quantization) to the kernels' layout:
    int32 [ceil(K blocks / 4), align(MN, 4)], byte j of [p, i] the UE8M0
    exponent of K block 4p + j of row i. Coarser MN blocks are repeated per
    row; padding holds 127 (scale 1). CUDA tensors are packed by the
    runtime's kernel on torch's current stream, others with torch."""
    import torch
    kb = scales.shape[1]
    mn_al, kb_al = (mn + 3) // 4 * 4, (kb + 3) // 4 * 4
    if scales.is_cuda:
        out = torch.empty(kb_al // 4, mn_al, dtype=torch.int32,
                          device=scales.device)
        args = _Args()
        src = args.tensor(scales if scales.dtype == torch.float32
                          else scales.float(), "scales")
        dst = args.tensor(out, "packed")
        # One K block per granule: K = kb with granularity 1.
        _check(_rt.sm120rt_pack_ue8m0_scales(
            src, dst, mn, kb, gran_mn, 1, args.device,
            _stream(None, args.device)))
        return out
    rows = scales.repeat_interleave(gran_mn, dim=0)[:mn]
    exp = ((rows.float().view(torch.int32) >> 23) & 0xFF).to(torch.int32)
    full = torch.full((mn_al, kb_al), 127, dtype=torch.int32,
                      device=scales.device)
    full[:mn, :kb] = exp
    b = full.view(mn_al, kb_al // 4, 4)
    packed = b[..., 0] | (b[..., 1] << 8) | (b[..., 2] << 16) | (b[..., 3] << 24)
    return packed.t().contiguous()


def _quantize(fn, fp4_data, x, q, sf, block_mn, block_k, scale_format,
              round_to_ue8m0, global_scale, stream):
    if q is None or sf is None:
        import torch
        m, k = x.shape
        dev = x.device
        if q is None:
            q = (torch.empty(m, k // 2, dtype=torch.uint8, device=dev)
                 if fp4_data else
                 torch.empty(m, k, dtype=torch.float8_e4m3fn, device=dev))
            if fp4_data and hasattr(torch, "float4_e2m1fn_x2"):
                q = q.view(torch.float4_e2m1fn_x2)
        if sf is None:
            bk = block_k or (16 if scale_format == "ue4m3"
                             else 32 if fp4_data else 128)
            g = -(-k // bk)
            if scale_format == "packed":
                sf = torch.empty(-(-g // 4), (m + 3) // 4 * 4,
                                 dtype=torch.int32, device=dev)
            elif scale_format == "f32":
                sf = torch.empty(-(-m // block_mn), g, dtype=torch.float32,
                                 device=dev)
            elif scale_format == "ue4m3":
                sf = torch.empty(m, g, dtype=torch.float8_e4m3fn, device=dev)
            else:
                raise Error("InvalidArgument",
                            f"scale_format {scale_format!r}: expected "
                            "'packed', 'f32' or 'ue4m3'")
    args = _Args()
    refs = [args.tensor(x, "x"),
            args.tensor(fp4(q) if fp4_data and not _is_fp4(q) else q, "q"),
            args.tensor(sf, "sf")]
    o = _QuantizeOptions()
    o.block_mn = block_mn
    o.block_k = block_k
    o.exact_f32_scales = 0 if round_to_ue8m0 else 1
    if global_scale is not None:
        o.global_scale = args.tensor(global_scale, "global_scale")
    o.device = args.device or 0
    o.stream = _stream(stream, o.device)
    _check(fn(*refs, ctypes.byref(o)))
    return q, sf


def _is_fp4(t):
    return isinstance(t, typed) or str(getattr(t, "dtype", "")) == \
        "torch.float4_e2m1fn_x2"


def quantize_fp8(x, q=None, sf=None, block_mn=1, block_k=0,
                 scale_format="packed", round_to_ue8m0=True, stream=None):
    """x [M, K] (bf16, f16 or f32) to e4m3 with one scale per
    (block_mn x block_k) block (default 1 x 128; 128 x 128 for weights):
    scale = amax / 448, rounded up to a power of two for "packed" scales
    (ready for fp8_gemm_nt) and for "f32" unless round_to_ue8m0 is False.
    Returns (q, sf); with PyTorch, missing outputs are allocated."""
    return _quantize(_rt.sm120rt_quantize_fp8, False, x, q, sf, block_mn,
                     block_k, scale_format, round_to_ue8m0, None, stream)


def quantize_fp4(x, q=None, sf=None, block_mn=1, block_k=0,
                 scale_format="packed", round_to_ue8m0=True,
                 global_scale=None, stream=None):
    """x [M, K] to e2m1 (two per byte): MXFP4 ("packed" or "f32" scales,
    amax / 6, granularity 32) or NVFP4 ("ue4m3": e4m3 scales of amax / 6
    times ``global_scale``, a float32 [1] CUDA tensor, granularity 16).
    Returns (q, sf)."""
    return _quantize(_rt.sm120rt_quantize_fp4, True, x, q, sf, block_mn,
                     block_k, scale_format, round_to_ue8m0, global_scale,
                     stream)


def transpose_to_k_major(src, dst=None, stream=None):
    """src [(B,) K, MN] to dst [(B,) MN, K] (FP4 keeps its nibble pairs along
    K: wrap uint8 tensors in fp4()). Returns dst (allocated with PyTorch when
    not given)."""
    if dst is None:
        import torch
        t = src.tensor if isinstance(src, typed) else src
        shape = list(t.shape)
        if isinstance(src, typed) and src.dtype == F4E2M1 or \
                str(t.dtype) == "torch.float4_e2m1fn_x2":
            shape[-1], shape[-2] = shape[-2] // 2, shape[-1] * 2
        else:
            shape[-1], shape[-2] = shape[-2], shape[-1]
        dst = torch.empty(shape, dtype=t.dtype, device=t.device)
        if isinstance(src, typed):
            dst = typed(dst, _DTYPE_NAMES[src.dtype])
    args = _Args()
    refs = [args.tensor(src, "src"), args.tensor(dst, "dst")]
    _check(_rt.sm120rt_transpose_to_k_major(
        *refs, args.device or 0, _stream(stream, args.device or 0)))
    return dst


def _register_torch_ops():
    try:
        import torch
        from typing import Optional
        custom_op = torch.library.custom_op
    except (ImportError, AttributeError):
        return
    Tensor = torch.Tensor

    @custom_op("sm120::fp8_gemm_nt", mutates_args=("d",))
    def _fp8(a: Tensor, sfa: Tensor, b: Tensor, sfb: Tensor, d: Tensor,
             c: Optional[Tensor] = None,
             alpha: Optional[Tensor] = None) -> None:
        fp8_gemm_nt(a, sfa, b, sfb, d, c, alpha)

    @custom_op("sm120::bf16_gemm_nt", mutates_args=("d",))
    def _bf16(a: Tensor, b: Tensor, d: Tensor, c: Optional[Tensor] = None,
              alpha: Optional[Tensor] = None) -> None:
        bf16_gemm_nt(a, b, d, c, alpha)

    @_fp8.register_fake
    def _fp8_fake(a, sfa, b, sfb, d, c=None, alpha=None):
        return None

    @_bf16.register_fake
    def _bf16_fake(a, b, d, c=None, alpha=None):
        return None


_register_torch_ops()

"""Tests of the sm120 Python package. The CPU tests run everywhere (fake
device pointers never reach a GPU); the GPU tests need PyTorch with CUDA
and kernels for their shapes (compiled when libsm120jit is found, else from
$SM120_CACHE_DIR)."""

import itertools
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("SM120_CACHE_DIR", tempfile.mkdtemp(prefix="sm120-py-"))
import sm120  # noqa: E402

try:
    import torch
    HAVE_CUDA = torch.cuda.is_available()
except ImportError:
    torch = None
    HAVE_CUDA = False

HAVE_GPU_NODE = os.path.exists("/dev/nvidiactl")


class Fake:
    """An object with __cuda_array_interface__ at a fake address."""

    def __init__(self, shape, typestr, strides=None):
        self.__cuda_array_interface__ = {
            "shape": tuple(shape), "typestr": typestr, "strides": strides,
            "data": (0x100000, False), "version": 3}


def f8(shape):
    return sm120.typed(Fake(shape, "|u1"), "f8e4m3")


def diff(x, y):
    x, y = x.double(), y.double()
    return 1 - 2 * (x * y).sum().item() / (x * x + y * y).sum().item()


def quantize_heads(x, w):
    """Per-head FP8 operands of an einsum: x [b, h, k] per token, w
    [h, n, k] per 128 x 128 block. Returns a [b, h, k], sfa, b [h, n, k]
    and sfb, the scales stacked per head."""
    qx = [sm120.quantize_fp8(x[:, i].contiguous()) for i in range(x.shape[1])]
    qw = [sm120.quantize_fp8(w[i].contiguous(), block_mn=128)
          for i in range(w.shape[0])]
    return (torch.stack([q for q, _ in qx], dim=1),
            torch.stack([s for _, s in qx]),
            torch.stack([q for q, _ in qw]),
            torch.stack([s for _, s in qw]))


class CpuTest(unittest.TestCase):
    def assertError(self, code, text, fn, *args, **kwargs):
        with self.assertRaises(sm120.Error) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.code, code)
        self.assertIn(text, cm.exception.message)

    def test_library_loads(self):
        self.assertTrue(os.path.exists(sm120.library_path))

    def test_dtype_errors(self):
        self.assertError(
            "InvalidArgument",
            "fp8_gemm_nt: a has dtype u8; expected f8e4m3",
            sm120.fp8_gemm_nt, Fake((128, 512), "|u1"),
            Fake((1, 128), "<i4"), f8((576, 512)), Fake((1, 576), "<i4"),
            Fake((128, 576), "<f4"), chip="sm_90a", machine="h100")
        self.assertError(
            "InvalidArgument", "bf16_gemm_nt: a has dtype f16; expected bf16",
            sm120.bf16_gemm_nt, Fake((128, 512), "<f2"), Fake((576, 512), "<f2"),
            Fake((128, 576), "<f4"), chip="sm_90a", machine="h100")

    def test_shape_errors(self):
        self.assertError(
            "InvalidArgument",
            "fp8_gemm_nt: a is [128, 512] and b is [576, 1024]: their K differ",
            sm120.fp8_gemm_nt, f8((128, 512)), Fake((1, 128), "<i4"),
            f8((576, 1024)), Fake((2, 576), "<i4"), Fake((128, 576), "<f4"),
            chip="sm_90a", machine="h100")
        self.assertError(
            "InvalidArgument", "sfb (packed UE8M0) has 3 rows",
            sm120.fp8_gemm_nt, f8((128, 512)), Fake((1, 128), "<i4"),
            f8((576, 512)), Fake((3, 576), "<i4"), Fake((128, 576), "<f4"),
            chip="sm_90a", machine="h100")

    def test_wrapping_errors(self):
        self.assertError("InvalidArgument", "expected a torch tensor",
                         sm120.bf16_gemm_nt, 1, 2, 3)
        self.assertError("InvalidArgument", "unknown dtype 'f9'",
                         sm120.typed, Fake((1,), "|u1"), "f9")
        self.assertError(
            "InvalidArgument", "typestr <f4 cannot be read as f8e4m3",
            sm120.fp8_gemm_nt, sm120.typed(Fake((1, 512), "<f4"), "f8e4m3"),
            Fake((1, 4), "<i4"), f8((576, 512)), Fake((1, 576), "<i4"),
            Fake((1, 576), "<f4"))
        self.assertError(
            "InvalidArgument", "typestr <u2 is not supported; wrap it",
            sm120.bf16_gemm_nt, Fake((1, 512), "<u2"), Fake((576, 512), "<u2"),
            Fake((1, 576), "<f4"))

    def test_fp4_views_double_the_contiguous_dim(self):
        # [128, 256] bytes are [128, 512] FP4 elements: K agrees with b.
        self.assertError(
            "InvalidArgument", "neither operand is f4e2m1",
            sm120.fp8_fp4_gemm_nt, f8((128, 512)), Fake((1, 128), "<i4"),
            f8((576, 512)), Fake((1, 576), "<i4"), Fake((128, 576), "<f4"),
            chip="sm_90a", machine="h100")
        self.assertError(
            "InvalidArgument",
            "sfb (packed UE8M0) has 2 rows; K = 512 needs 4 (granularity 32) "
            "or 1 (granularity 128)",
            sm120.fp8_fp4_gemm_nt, f8((128, 512)), Fake((1, 128), "<i4"),
            sm120.fp4(Fake((576, 256), "|u1")), Fake((2, 576), "<i4"),
            Fake((128, 576), "<f4"), chip="sm_90a", machine="h100")

    def test_einsum_fp8_head_contraction_is_validated_first(self):
        # FP8 bhd,bhr->hdr: checked as the stacked GEMM on K-major copies
        # before the library copies anything.
        self.assertError(
            "InvalidArgument",
            "fp8_einsum: a is [384, 8, 192] and b is [256, 8, 136]; "
            "'bhd,bhr->hdr' needs the same batch rows and heads",
            sm120.fp8_einsum, "bhd,bhr->hdr", f8((384, 8, 192)),
            Fake((8, 1, 192), "<i4"), f8((256, 8, 136)),
            Fake((8, 1, 136), "<i4"), Fake((8, 192, 136), "<f4"),
            chip="sm_90a", machine="h100")
        self.assertError(
            "InvalidArgument",
            "fp8_einsum: sfa (packed UE8M0): K = 300 is not a multiple of "
            "the scale granularity (128 or 32)",
            sm120.fp8_einsum, "bhd,bhr->hdr", f8((300, 8, 192)),
            Fake((8, 1, 192), "<i4"), f8((300, 8, 136)),
            Fake((8, 1, 136), "<i4"), Fake((8, 192, 136), "<f4"),
            chip="sm_90a", machine="h100")

    @unittest.skipIf(HAVE_GPU_NODE, "a GPU is present: fake pointers must not "
                     "reach a launch")
    def test_valid_call_reaches_the_device_layer(self):
        # Valid arguments: the kernel is compiled (or missing) and the
        # launch fails for want of a GPU, with the runtime's message.
        with self.assertRaises(sm120.Error) as cm:
            sm120.fp8_gemm_nt(f8((128, 512)), Fake((1, 128), "<i4"),
                              f8((576, 512)), Fake((1, 576), "<i4"),
                              Fake((128, 576), "<f4"), chip="sm_90a",
                              machine="h100")
        expected = "NoDevice" if sm120.jit_available() else "NotSupported"
        self.assertEqual(cm.exception.code, expected, cm.exception.message)

    @unittest.skipUnless(torch is not None, "needs PyTorch")
    def test_pack_ue8m0_layout(self):
        s = torch.tensor([[1.0, 2.0, 0.5, 4.0, 8.0]] * 3)  # 3 rows, 5 K blocks
        p = sm120.pack_ue8m0(s, mn=6, gran_mn=2)
        self.assertEqual(tuple(p.shape), (2, 8))
        self.assertEqual(p.dtype, torch.int32)
        word = int(p[0, 0]) & 0xFFFFFFFF
        self.assertEqual([(word >> (8 * j)) & 0xFF for j in range(4)],
                         [127, 128, 126, 129])
        self.assertEqual(int(p[1, 5]) & 0xFF, 130)        # row 5 = block 2
        self.assertEqual((int(p[1, 0]) >> 8) & 0xFF, 127)  # K padding
        self.assertEqual(int(p[0, 7]) & 0xFF, 127)        # MN padding

    def test_grouped_errors(self):
        a, d = f8((8, 512)), Fake((8, 576), "<f4")
        sfa, sfb = Fake((1, 8), "<i4"), Fake((4, 1, 576), "<i4")
        self.assertError("InvalidArgument", "b has rank 2; expected 3",
                         sm120.m_grouped_fp8_gemm_nt_contiguous, a, sfa,
                         f8((576, 512)), Fake((1, 576), "<i4"), d,
                         Fake((8,), "<i4"))
        self.assertError("InvalidArgument", "layout is i32 with 1 dimension(s) "
                         "of 8; expected i32 [4] (each group's end row)",
                         sm120.m_grouped_fp8_gemm_nt_contiguous, a, sfa,
                         f8((4, 576, 512)), sfb, d, Fake((8,), "<i4"),
                         prefix_sum=True)

    def test_masked_errors(self):
        a, sfa = f8((4, 64, 512)), Fake((4, 1, 64), "<i4")
        b, sfb = f8((4, 576, 512)), Fake((4, 1, 576), "<i4")
        d = Fake((4, 64, 576), "<f4")
        self.assertError("InvalidArgument", "masked_m is i32 with 1 "
                         "dimension(s) of 3; expected i32 [4]",
                         sm120.m_grouped_fp8_gemm_nt_masked, a, sfa, b, sfb,
                         d, Fake((3,), "<i4"), chip="sm_90a", machine="h100")
        self.assertError("InvalidArgument", "expected_m is -2",
                         sm120.m_grouped_fp8_gemm_nt_masked, a, sfa, b, sfb,
                         d, Fake((4,), "<i4"), expected_m=-2, chip="sm_90a",
                         machine="h100")

    def test_k_grouped_errors(self):
        a, b = f8((64, 1024)), f8((576, 1024))
        sfa, sfb = Fake((2, 64), "<i4"), Fake((2, 576), "<i4")
        d = c = Fake((4, 64, 576), "<f4")
        ks = Fake((4,), "<i4")
        self.assertError("InvalidArgument", "c is f32 with 3 dimension(s); "
                         "expected f32 [G, M, N] = [4, 64, 576]",
                         sm120.k_grouped_fp8_gemm_nt_contiguous, a, sfa, b,
                         sfb, d, ks, Fake((3, 64, 576), "<f4"),
                         chip="sm_90a", machine="h100")
        self.assertError("InvalidArgument", "scale granularities 64 and 64",
                         sm120.k_grouped_fp8_gemm_nt_contiguous, a, sfa, b,
                         sfb, d, ks, c, gran_k=64, chip="sm_90a",
                         machine="h100")
        self.assertError("InvalidArgument", "the K alignment is 100; "
                         "expected a positive multiple of 64",
                         sm120.k_grouped_fp8_gemm_nt_contiguous, a, sfa, b,
                         sfb, d, ks, c, k_alignment=100, chip="sm_90a",
                         machine="h100")
        # 1-D blocks hold M * sum K and N * sum K elements.
        self.assertError("InvalidArgument", "a holds 64000 and b 589824 "
                         "elements; with M = 64 and N = 576 (from d) they "
                         "must be M * sum K and N * sum K for one sum K",
                         sm120.k_grouped_fp8_gemm_nt_contiguous,
                         f8((64000,)), sfa, f8((576 * 1024,)), sfb, d, ks, c,
                         chip="sm_90a", machine="h100")
        # The C entry for FP8 [sum K, MN] names the route the Python
        # wrapper takes itself.
        self.assertError("NotSupported", "transpose_to_k_major", sm120._call,
                         sm120._rt.sm120rt_k_grouped_fp8_gemm_tn_contiguous,
                         ["a", "sfa", "b", "sfb", "d", "ks"],
                         [f8((1024, 64)), sfa, f8((1024, 576)), sfb, d, ks], c,
                         None, ("sm_90a", "h100"), (128, 128))

    def test_utility_errors(self):
        x = Fake((8, 256), "<f4")
        self.assertError("InvalidArgument", "sf has shape [8, 3]; expected [8, 2]",
                         sm120.quantize_fp8, x, f8((8, 256)),
                         Fake((8, 3), "<f4"))
        self.assertError("InvalidArgument", "q has dtype f8e4m3; expected f4e2m1",
                         sm120.quantize_fp4, x, f8((8, 256)),
                         Fake((8, 8), "<f4"))
        self.assertError("InvalidArgument", "dst has shape [8, 256]",
                         sm120.transpose_to_k_major, x, Fake((8, 256), "<f4"))


@unittest.skipUnless(HAVE_CUDA, "needs PyTorch with a CUDA GPU")
class GpuTest(unittest.TestCase):
    def quantize(self, x, br, bc):
        """Per (br x bc) block e4m3 with power-of-two scales."""
        r, c = x.shape
        blocks = x.view(r // br, br, c // bc, bc).abs().amax(dim=(1, 3))
        scale = torch.exp2(torch.ceil(torch.log2(blocks.clamp(min=1e-4) / 448)))
        full = scale.repeat_interleave(br, 0).repeat_interleave(bc, 1)
        return (x / full).to(torch.float8_e4m3fn), scale, full

    def test_fp8_reference_recipe(self):
        m, n, k = 129, 2112, 7168
        torch.manual_seed(0)
        xa = torch.randn(m, k, device="cuda")
        xb = torch.randn(n, k, device="cuda") * 0.05
        a, sa, fa = self.quantize(xa, 1, 128)
        nb = (n + 127) // 128 * 128
        xb_pad = torch.zeros(nb, k, device="cuda")
        xb_pad[:n] = xb
        b, sb, fb = self.quantize(xb_pad, 128, 128)
        b, fb = b[:n].contiguous(), fb[:n]
        d = torch.empty(m, n, dtype=torch.bfloat16, device="cuda")
        sm120.fp8_gemm_nt(a, sm120.pack_ue8m0(sa, m), b,
                          sm120.pack_ue8m0(sb, n, gran_mn=128), d)
        ref = (a.double() * fa.double()) @ (b.double() * fb.double()).T
        self.assertLess(diff(d, ref), 1e-3)
        # The same through the torch custom op.
        d2 = torch.empty_like(d)
        torch.ops.sm120.fp8_gemm_nt(a, sm120.pack_ue8m0(sa, m), b,
                                    sm120.pack_ue8m0(sb, n, gran_mn=128), d2)
        torch.cuda.synchronize()
        self.assertTrue(torch.equal(d, d2))

    def test_quantizers_match_torch(self):
        torch.manual_seed(1)
        m, n, k = 129, 2112, 7168
        xa = torch.randn(m, k, device="cuda")
        xb = torch.randn(n, k, device="cuda") * 0.05
        a, sa = sm120.quantize_fp8(xa)                   # 1 x 128, packed
        b, sb = sm120.quantize_fp8(xb, block_mn=128)     # 128 x 128, packed
        ta, tsa, fa = self.quantize(xa, 1, 128)
        self.assertTrue(torch.equal(a.view(torch.uint8), ta.view(torch.uint8)))
        self.assertTrue(torch.equal(sa, sm120.pack_ue8m0(tsa.cpu(), m).cuda()))
        _, f32 = sm120.quantize_fp8(xa, scale_format="f32")
        self.assertTrue(torch.equal(f32, tsa))
        # Quantized on the GPU, multiplied by the GEMM, against float64.
        d = torch.empty(m, n, dtype=torch.bfloat16, device="cuda")
        sm120.fp8_gemm_nt(a, sa, b, sb, d)
        self.assertLess(diff(d, xa.double() @ xb.double().T), 2e-3)

    def test_nvfp4_quantizer_and_transpose(self):
        torch.manual_seed(2)
        x = torch.randn(64, 512, device="cuda")
        g = (448.0 * 6.0 / x.abs().amax()).reshape(1).float()
        q, s = sm120.quantize_fp4(x, scale_format="ue4m3", global_scale=g)
        self.assertEqual(tuple(s.shape), (64, 32))
        lut = torch.tensor([0, .5, 1, 1.5, 2, 3, 4, 6, -0., -.5, -1, -1.5, -2,
                            -3, -4, -6], device="cuda")
        byte = q.view(torch.uint8).int()
        vals = torch.stack([lut[byte & 15], lut[byte >> 4]], -1).view(64, 512)
        deq = vals * s.float().repeat_interleave(16, 1) / g
        self.assertLess(diff(deq, x), 2e-2)
        # MN-major FP4 back to K-major: transposing twice is the identity.
        qt = sm120.transpose_to_k_major(sm120.fp4(byte.to(torch.uint8)))
        back = sm120.transpose_to_k_major(qt)
        self.assertTrue(torch.equal(back.tensor, byte.to(torch.uint8)))
        w = torch.randn(96, 80, device="cuda").bfloat16()
        self.assertTrue(torch.equal(sm120.transpose_to_k_major(w), w.t()))

    def test_masked_fp8(self):
        torch.manual_seed(3)
        g, max_m, n, k = 4, 96, 576, 1024
        masked_m = torch.tensor([50, 0, 96, 7], dtype=torch.int32,
                                device="cuda")
        xa = torch.randn(g, max_m, k, device="cuda")
        xb = torch.randn(g, n, k, device="cuda") * 0.05
        qa = [sm120.quantize_fp8(xa[i]) for i in range(g)]
        qb = [sm120.quantize_fp8(xb[i], block_mn=128) for i in range(g)]
        a = torch.stack([q for q, _ in qa])
        sfa = torch.stack([s for _, s in qa])
        b = torch.stack([q for q, _ in qb])
        sfb = torch.stack([s for _, s in qb])
        d = torch.full((g, max_m, n), 7.0, dtype=torch.bfloat16, device="cuda")
        sm120.m_grouped_fp8_gemm_nt_masked(a, sfa, b, sfb, d, masked_m,
                                           expected_m=64)
        torch.cuda.synchronize()
        for i in range(g):
            rows = int(masked_m[i])
            if rows:
                ref = xa[i, :rows].double() @ xb[i].double().T
                self.assertLess(diff(d[i, :rows], ref), 2e-3)
            self.assertTrue(bool((d[i, rows:] == 7).all()), f"group {i}")

    def test_einsum_fp8(self):
        # bhr,hdr->bhd with x a strided view of a wider buffer.
        torch.manual_seed(5)
        bsz, h, r, dd = 48, 8, 1024, 512
        wide = torch.randn(bsz, h, r + 128, device="cuda")
        x = wide[:, :, :r]
        y = torch.randn(h, dd, r, device="cuda") * 0.05
        qa, sfa, b, sfb = quantize_heads(x, y)
        a_wide = torch.empty(bsz, h, r + 128, dtype=torch.float8_e4m3fn,
                             device="cuda")
        a = a_wide[:, :, :r]
        a.copy_(qa)
        d = torch.empty(bsz, h, dd, dtype=torch.bfloat16, device="cuda")
        sm120.fp8_einsum("bhr,hdr->bhd", a, sfa, b, sfb, d)
        ref = torch.einsum("bhr,hdr->bhd", x.double(), y.double())
        self.assertLess(diff(d, ref), 2e-3)
        # D stored head-major ([h, b, d] memory seen as [b, h, d]).
        dh = torch.empty(h, bsz, dd, dtype=torch.bfloat16, device="cuda")
        sm120.fp8_einsum("bhr,hdr->bhd", a, sfa, b, sfb, dh.transpose(0, 1))
        self.assertTrue(torch.equal(dh.transpose(0, 1), d))

    def test_einsum_bf16_decode(self):
        # Few batch rows: a swap_ab kernel, with C accumulated in FP32.
        bsz, h, r, dd = 4, 16, 512, 128
        x = torch.randn(bsz, h, r, device="cuda").bfloat16()
        y = torch.randn(h, dd, r, device="cuda").bfloat16()
        c = torch.randn(bsz, h, dd, device="cuda")
        d = torch.empty(bsz, h, dd, dtype=torch.float32, device="cuda")
        sm120.bf16_einsum("bhr,hdr->bhd", x, y, d, c=c)
        ref = torch.einsum("bhr,hdr->bhd", x.double(), y.double()) + c.double()
        self.assertLess(diff(d, ref), 1e-5)
        with self.assertRaises(sm120.Error) as cm:
            sm120.bf16_einsum("bhd,bhr->hdr", x, y, d)
        self.assertEqual(cm.exception.code, "InvalidArgument")
        # d may be a strided view (a slice of a wider buffer): the kernel
        # takes its strides at launch.
        wide = torch.full((bsz, h, dd + 8), 7.0, device="cuda")
        sm120.bf16_einsum("bhr,hdr->bhd", x, y, wide[:, :, :dd], c=c)
        self.assertTrue(torch.equal(wide[:, :, :dd], d))
        self.assertTrue(bool((wide[:, :, dd:] == 7).all()))

    def test_einsum_bf16_mn_major_b(self):
        # bhd,hdr->bhr reads b [h, d, r] MN-major in the kernel; b is a
        # strided view (rows of r + 128).
        torch.manual_seed(6)
        bsz, h, dd, r = 40, 8, 512, 384
        x = torch.randn(bsz, h, dd, device="cuda").bfloat16()
        y = torch.randn(h, dd, r + 128, device="cuda").bfloat16()[:, :, :r]
        d = torch.empty(bsz, h, r, dtype=torch.bfloat16, device="cuda")
        sm120.bf16_einsum("bhd,hdr->bhr", x, y, d)
        ref = torch.einsum("bhd,hdr->bhr", x.double(), y.double())
        self.assertLess(diff(d, ref), 1e-5)

    def test_einsum_fp8_mn_major_b(self):
        # FP8 bhd,hdr->bhr: the wrapper copies b to [h, r, d] (K-major).
        torch.manual_seed(7)
        bsz, h, dd, r = 40, 8, 512, 384
        x = torch.randn(bsz, h, dd, device="cuda")
        y = torch.randn(h, dd, r, device="cuda") * 0.05
        a, sfa, b, sfb = quantize_heads(x, y.transpose(1, 2))
        b = b.transpose(1, 2)  # [h, d, r]
        d = torch.empty(bsz, h, r, dtype=torch.bfloat16, device="cuda")
        sm120.fp8_einsum("bhd,hdr->bhr", a, sfa, b, sfb, d)
        ref = torch.einsum("bhd,hdr->bhr", x.double(), y.double())
        self.assertLess(diff(d, ref), 2e-3)

    def test_einsum_bf16_head_contraction(self):
        # bhd,bhr->hdr: per head, the batch rows contracted (both operands
        # read MN-major), into an FP32 d with C; a strided view of a.
        torch.manual_seed(12)
        bsz, h, dd, r = 300, 8, 192, 136
        wide = torch.randn(bsz, h, dd + 64, device="cuda").bfloat16()
        x = wide[:, :, :dd]
        y = torch.randn(bsz, h, r, device="cuda").bfloat16()
        c = torch.randn(h, dd, r, device="cuda")
        d = torch.empty(h, dd, r, device="cuda")
        sm120.bf16_einsum("bhd,bhr->hdr", x, y, d, c=c)
        ref = torch.einsum("bhd,bhr->hdr", x.double(), y.double()) + c.double()
        self.assertLess(diff(d, ref), 1e-5)

    def test_einsum_fp8_head_contraction(self):
        # FP8 bhd,bhr->hdr: the library copies a (a strided view) and b to
        # K-major [h, d, b] and [h, r, b] on the stream and runs the stacked
        # kernel with K = b; the scales are per 128 batch rows of each
        # head's [d, b] and [r, b]; FP32 C and d.
        torch.manual_seed(13)
        bsz, h, dd, r = 384, 8, 192, 136
        x = torch.randn(bsz, h, dd, device="cuda")
        y = torch.randn(bsz, h, r, device="cuda")
        qx = [sm120.quantize_fp8(x[:, i].T.contiguous()) for i in range(h)]
        qy = [sm120.quantize_fp8(y[:, i].T.contiguous()) for i in range(h)]
        wide = torch.empty(bsz, h, dd + 64, dtype=torch.float8_e4m3fn,
                           device="cuda")
        a = wide[:, :, :dd]
        a.copy_(torch.stack([q for q, _ in qx]).permute(2, 0, 1))
        b = torch.stack([q for q, _ in qy]).permute(2, 0, 1).contiguous()
        sfa = torch.stack([s for _, s in qx])
        sfb = torch.stack([s for _, s in qy])
        c = torch.randn(h, dd, r, device="cuda")
        d = torch.empty(h, dd, r, device="cuda")
        sm120.fp8_einsum("bhd,bhr->hdr", a, sfa, b, sfb, d, c=c)
        ref = torch.einsum("bhd,bhr->hdr", x.double(), y.double()) + c.double()
        self.assertLess(diff(d, ref), 2e-3)

    def test_einsum_bmn_stacks_every_operand(self):
        # bmk,bnk->bmn: BF16 into an FP32 d with C, and FP8 with 4 rows per
        # batch (a decode-sized M).
        torch.manual_seed(14)
        s, m, n, k = 6, 100, 384, 512
        a = torch.randn(s, m, k, device="cuda").bfloat16()
        b = torch.randn(s, n, k, device="cuda").bfloat16()
        c = torch.randn(s, m, n, device="cuda")
        d = torch.empty(s, m, n, device="cuda")
        sm120.bf16_einsum("bmk,bnk->bmn", a, b, d, c=c)
        ref = torch.einsum("bmk,bnk->bmn", a.double(), b.double()) + c.double()
        self.assertLess(diff(d, ref), 1e-5)
        x = torch.randn(s, 4, k, device="cuda")
        w = torch.randn(s, n, k, device="cuda") * 0.05
        qx = [sm120.quantize_fp8(x[i]) for i in range(s)]
        qw = [sm120.quantize_fp8(w[i], block_mn=128) for i in range(s)]
        d8 = torch.empty(s, 4, n, dtype=torch.bfloat16, device="cuda")
        sm120.fp8_einsum("bmk,bnk->bmn", torch.stack([q for q, _ in qx]),
                         torch.stack([t for _, t in qx]),
                         torch.stack([q for q, _ in qw]),
                         torch.stack([t for _, t in qw]), d8)
        ref = torch.einsum("bmk,bnk->bmn", x.double(), w.double())
        self.assertLess(diff(d8, ref), 2e-3)

    def test_einsum_bmk_reduces_the_batch(self):
        s, m, n, k = 6, 64, 384, 512
        a = torch.randn(s, m, k, device="cuda").bfloat16()
        b = torch.randn(s, n, k, device="cuda").bfloat16()
        c = torch.randn(m, n, device="cuda")
        d = torch.empty(m, n, dtype=torch.float32, device="cuda")
        sm120.bf16_einsum("bmk,bnk->mn", a, b, d, c=c)
        ref = torch.einsum("bmk,bnk->mn", a.double(), b.double()) + c.double()
        self.assertLess(diff(d, ref), 1e-5)

    def test_custom_op_under_torch_compile(self):
        m, n, k = 64, 2112, 7168
        a = torch.randn(m, k, device="cuda").bfloat16()
        b = torch.randn(n, k, device="cuda").bfloat16()
        alpha = torch.tensor([0.5], device="cuda")

        def layer(x, w, s):
            out = torch.empty(x.shape[0], w.shape[0], dtype=torch.bfloat16,
                              device=x.device)
            torch.ops.sm120.bf16_gemm_nt(x, w, out, None, s)
            return out * 2

        # aot_eager traces the graph (functionalizing the mutated output)
        # without generating code, so no compiler toolchain is needed.
        compiled = torch.compile(layer, backend="aot_eager", fullgraph=True)
        got = compiled(a, b, alpha)
        self.assertLess(diff(got, a.double() @ b.double().T), 1e-3)

    def test_bf16(self):
        m, n, k = 64, 2112, 7168
        a = torch.randn(m, k, device="cuda").bfloat16()
        b = torch.randn(n, k, device="cuda").bfloat16()
        d = torch.empty(m, n, dtype=torch.bfloat16, device="cuda")
        sm120.bf16_gemm_nt(a, b, d)
        self.assertLess(diff(d, a.double() @ b.double().T), 1e-3)

    def test_bf16_mn_major(self):
        # nn, tn and tt read their [K, MN] operands in the kernel; tn and
        # tt need M (A's row length) a multiple of 8.
        torch.manual_seed(8)
        m, n, k = 264, 576, 1024
        a = torch.randn(m, k, device="cuda").bfloat16()
        b = torch.randn(n, k, device="cuda").bfloat16()
        ref = a.double() @ b.double().T
        at, bt = a.T.contiguous(), b.T.contiguous()
        for fn, x, y in ((sm120.bf16_gemm_nn, a, bt),
                         (sm120.bf16_gemm_tn, at, bt),
                         (sm120.bf16_gemm_tt, at, b)):
            d = torch.empty(m, n, dtype=torch.bfloat16, device="cuda")
            fn(x, y, d)
            self.assertLess(diff(d, ref), 1e-3, fn.__name__)
        # A [K, M] with M = 260: TMA rows of 520 bytes are refused.
        d = torch.empty(260, n, dtype=torch.bfloat16, device="cuda")
        with self.assertRaises(sm120.Error) as cm:
            sm120.bf16_gemm_tt(at[:, :260].contiguous(), b, d)
        self.assertEqual(cm.exception.code, "InvalidArgument")

    def test_grouped_bf16_nn(self):
        # Experts stored [K, N]: b [G, K, N] read MN-major, two groups of
        # 128 rows.
        torch.manual_seed(9)
        g, m, n, k = 2, 256, 576, 512
        a = torch.randn(m, k, device="cuda").bfloat16()
        b = torch.randn(g, k, n, device="cuda").bfloat16()
        layout = torch.arange(m, device="cuda", dtype=torch.int32) // 128
        d = torch.empty(m, n, dtype=torch.bfloat16, device="cuda")
        sm120.m_grouped_bf16_gemm_nn_contiguous(a, b, d, layout)
        for i in range(g):
            rows = slice(128 * i, 128 * (i + 1))
            ref = a[rows].double() @ b[i].double()
            self.assertLess(diff(d[rows], ref), 1e-3)

    def k_grouped_bf16_case(self):
        torch.manual_seed(10)
        g, m, n = 4, 256, 576
        ks_host = [128, 0, 384, 256]
        sum_k = sum(ks_host) + 64  # rows past the groups are never read
        a = torch.randn(sum_k, m, device="cuda").bfloat16()   # [sum K, M]
        b = torch.randn(sum_k, n, device="cuda").bfloat16()   # [sum K, N]
        c = torch.randn(g, m, n, device="cuda")
        ks = torch.tensor(ks_host, dtype=torch.int32, device="cuda")
        refs, k0 = [], 0
        for i, k in enumerate(ks_host):
            refs.append(c[i].double() + a[k0:k0 + k].double().T
                        @ b[k0:k0 + k].double())
            k0 += k
        return a, b, c, ks, ks_host, refs

    def test_k_grouped_bf16(self):
        a, b, c, ks, ks_host, refs = self.k_grouped_bf16_case()
        for fn, x, y in ((sm120.k_grouped_bf16_gemm_tn_contiguous, a, b),
                         (sm120.k_grouped_bf16_gemm_nt_contiguous,
                          a.T.contiguous(), b.T.contiguous())):
            d = torch.empty_like(c)
            fn(x, y, d, ks, c, ks_host=ks_host)
            for i, ref in enumerate(refs):
                self.assertLess(diff(d[i], ref), 1e-5, f"{fn.__name__} {i}")
            # The empty group's D is its C.
            self.assertTrue(torch.equal(d[1], c[1]))
        # 1-D operands: each group's K-major [MN, K_g] block in turn.
        bounds = [0] + list(itertools.accumulate(ks_host))
        blocks = [torch.cat([x[k0:k1].T.contiguous().flatten()
                             for k0, k1 in zip(bounds, bounds[1:])])
                  for x in (a, b)]
        d = torch.empty_like(c)
        sm120.k_grouped_bf16_gemm_nt_contiguous(blocks[0], blocks[1], d, ks,
                                                c, ks_host=ks_host)
        for i, ref in enumerate(refs):
            self.assertLess(diff(d[i], ref), 1e-5, f"blocks {i}")
        # Accumulating in place: c is d.
        d = c.clone()
        sm120.k_grouped_bf16_gemm_tn_contiguous(a, b, d, ks, d)
        self.assertLess(diff(d[2], refs[2]), 1e-5)
        # Host sizes are checked against the kernel's K alignment.
        with self.assertRaises(sm120.Error) as cm:
            sm120.k_grouped_bf16_gemm_tn_contiguous(
                a, b, torch.empty_like(c), ks, c, ks_host=[100, 0, 384, 256])
        self.assertEqual(cm.exception.code, "InvalidArgument")
        self.assertIn("group 0 has K = 100", cm.exception.message)

    def test_k_grouped_fp8(self):
        torch.manual_seed(11)
        g, m, n = 3, 256, 320
        ks_host = [512, 256, 0]
        for gran in (128, 32):
            xa, xb, qa, qb, sa, sb = [], [], [], [], [], []
            for k in ks_host:
                if k == 0:
                    continue
                xa.append(torch.randn(m, k, device="cuda"))
                xb.append(torch.randn(n, k, device="cuda") * 0.05)
                for x, q, s in ((xa[-1], qa, sa), (xb[-1], qb, sb)):
                    qx, sx = sm120.quantize_fp8(x, block_k=gran)
                    q.append(qx)
                    s.append(sx)
            # Each group's scale words follow the previous group's.
            a, b = torch.cat(qa, dim=1), torch.cat(qb, dim=1)
            sfa, sfb = torch.cat(sa), torch.cat(sb)
            c = torch.randn(g, m, n, device="cuda")
            ks = torch.tensor(ks_host, dtype=torch.int32, device="cuda")
            refs = [c[0].double() + xa[0].double() @ xb[0].double().T,
                    c[1].double() + xa[1].double() @ xb[1].double().T,
                    c[2].double()]
            d = torch.empty_like(c)
            # The host sizes (all multiples of 128) pick the BK-128 kernel
            # at granularity 128.
            sm120.k_grouped_fp8_gemm_nt_contiguous(a, sfa, b, sfb, d, ks, c,
                                                   ks_host=ks_host,
                                                   gran_k=gran)
            for i, ref in enumerate(refs):
                self.assertLess(diff(d[i], ref), 2e-3, f"gran {gran} {i}")
            # Without them, the default (BK-64) kernel.
            d4 = torch.empty_like(c)
            sm120.k_grouped_fp8_gemm_nt_contiguous(a, sfa, b, sfb, d4, ks, c,
                                                   gran_k=gran)
            for i, ref in enumerate(refs):
                self.assertLess(diff(d4[i], ref), 2e-3, f"gran {gran} {i}")
            # [sum K, MN] operands: copied to K-major first.
            d2 = torch.empty_like(c)
            sm120.k_grouped_fp8_gemm_tn_contiguous(
                a.T.contiguous(), sfa, b.T.contiguous(), sfb, d2, ks, c,
                ks_host=ks_host, gran_k=gran)
            self.assertTrue(torch.equal(d, d2))
            # 1-D operands of each group's [MN, K_g] blocks (the kernel
            # points its descriptors at each group's): the same sums.
            d3 = torch.empty_like(c)
            sm120.k_grouped_fp8_gemm_nt_contiguous(
                torch.cat([q.flatten() for q in qa]), sfa,
                torch.cat([q.flatten() for q in qb]), sfb, d3, ks, c,
                ks_host=ks_host, gran_k=gran)
            self.assertTrue(torch.equal(d, d3))

    def test_errors_carry_the_runtime_message(self):
        a = torch.zeros(8, 512, device="cuda").bfloat16()
        b = torch.zeros(576, 256, device="cuda").bfloat16()
        d = torch.empty(8, 576, device="cuda").bfloat16()
        with self.assertRaises(sm120.Error) as cm:
            sm120.bf16_gemm_nt(a, b, d)
        self.assertEqual(cm.exception.code, "InvalidArgument")
        self.assertIn("their K differ", cm.exception.message)
        with self.assertRaises(sm120.Error) as cm:
            sm120.bf16_gemm_nt(a.cpu(), b, d)
        self.assertIn("is on cpu", cm.exception.message)


if __name__ == "__main__":
    unittest.main()

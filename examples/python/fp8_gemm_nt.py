"""FP8 GEMM from PyTorch through sm120, with DeepSeek's recipe: activations
quantized per token and 128 channels (1 x 128), weights per 128 x 128 block,
UE8M0 (power-of-two) scales. The kernel for the shapes is compiled on first
use (or found in the kernel cache); the result is compared with a float64
torch reference of the same quantized tensors.

    python3 examples/python/fp8_gemm_nt.py [M N K]   (default 4096 2112 7168)
"""

import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
import sm120  # noqa: E402


def quantize(x, br, bc):
    """e4m3 data and one power-of-two scale per (br x bc) block."""
    r, c = x.shape
    rp, cp = -(-r // br) * br, -(-c // bc) * bc
    padded = torch.zeros(rp, cp, device=x.device)
    padded[:r, :c] = x
    amax = padded.view(rp // br, br, cp // bc, bc).abs().amax(dim=(1, 3))
    scale = torch.exp2(torch.ceil(torch.log2(amax.clamp(min=1e-4) / 448)))
    full = scale.repeat_interleave(br, 0).repeat_interleave(bc, 1)[:r, :c]
    return (x / full).to(torch.float8_e4m3fn), scale, full


def main():
    m, n, k = (int(v) for v in sys.argv[1:4]) if len(sys.argv) == 4 else (4096, 2112, 7168)
    torch.manual_seed(7)
    a, sa, fa = quantize(torch.randn(m, k, device="cuda"), 1, 128)
    b, sb, fb = quantize(torch.randn(n, k, device="cuda") * 0.05, 128, 128)
    d = torch.empty(m, n, dtype=torch.bfloat16, device="cuda")

    # The kernels read UE8M0 scales packed four per int32, MN-major.
    sm120.fp8_gemm_nt(a, sm120.pack_ue8m0(sa, m), b,
                      sm120.pack_ue8m0(sb, n, gran_mn=128), d)

    ref = (a.double() * fa.double()) @ (b.double() * fb.double()).T
    x, y = d.double(), ref
    diff = 1 - 2 * (x * y).sum().item() / (x * x + y * y).sum().item()
    ok = diff < 1e-3
    print(f"fp8_gemm_nt M={m} N={n} K={k} (A 1x128, B 128x128, UE8M0): "
          f"diff {diff:.3g} -> {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

# lit configuration of the sm120 test suite.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "SM120"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.sm120_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%examples", os.path.join(config.sm120_src_root, "examples")))
config.substitutions.append(("%scripts", os.path.join(config.sm120_src_root, "scripts")))
config.substitutions.append(("%sm120_opt", os.path.join(config.sm120_tools_dir, "sm120-opt")))
config.substitutions.append(("%sm120_run", os.path.join(config.sm120_tools_dir, "sm120-run")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tool_dirs = [config.sm120_tools_dir, config.llvm_tools_dir]
tools = [ToolSubst("sm120-opt", unresolved="fatal"),
         ToolSubst("sm120-jit", unresolved="fatal")]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# The CUDA toolkit (an assembler: libnvJitLink or ptxas) enables cubin tests.
cuda_home = os.environ.get("CUDA_HOME", "/usr/local/cuda")
if os.path.exists(os.path.join(cuda_home, "lib64", "libnvJitLink.so")) or \
        os.path.exists(os.path.join(cuda_home, "bin", "ptxas")):
    config.available_features.add("cuda-toolkit")
if "CUDA_HOME" in os.environ:
    config.environment["CUDA_HOME"] = os.environ["CUDA_HOME"]

# Upstream passes that lower the scf/arith/nvvm test kernels to the LLVM and
# NVVM dialects the serializer takes.
config.substitutions.append(("%lower-to-llvm", "--sm120-lower-kernel-to-llvm"))
config.substitutions.append(("%fixture", os.path.join(config.test_source_root, "Target", "Inputs", "fixture_fp8_tile")))
config.substitutions.append(("%cuda_home", cuda_home))

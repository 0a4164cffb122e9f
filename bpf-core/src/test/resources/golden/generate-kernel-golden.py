#!/usr/bin/env python3
"""Records how the running kernel's verifier prints each instruction form.

Not run by the build: the tests read the recorded kernel-verifier.golden. Needs root (or
CAP_BPF) on Linux; run from this directory:
    python3 generate-kernel-golden.py > kernel-verifier.golden

Each case is a tiny socket-filter program loaded with BPF_PROG_LOAD at log_level 2. The
verifier prints an instruction ("N: (cc) text", kernel/bpf/disasm.c print_bpf_insn) before it
checks it, so even an instruction it then rejects (r2 never written, no arena map, ...) is
printed. The encodings below are written out field by field from RFC 9669 and
include/uapi/linux/bpf.h; they do not come from bpf4j. The register-state comment the verifier
appends ("; R0=0") is dropped.

Output rows: <hex bytes of the instruction, little endian> | <the verifier's line>
"""
import ctypes
import os
import platform
import re
import struct
import sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_BPF = {"x86_64": 321, "aarch64": 280}[platform.machine()]
BPF_PROG_LOAD = 5
SOCKET_FILTER = 1


def insn(op, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", op, (src << 4) | dst, off, imm)


def verifier_log(code):
    buf = ctypes.create_string_buffer(code)
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(1 << 20)
    attr = ctypes.create_string_buffer(256)
    struct.pack_into("<IIQQIIQ", attr, 0, SOCKET_FILTER, len(code) // 8, ctypes.addressof(buf),
                     ctypes.addressof(lic), 2, len(log), ctypes.addressof(log))
    fd = libc.syscall(SYS_BPF, BPF_PROG_LOAD, attr, 256)
    if fd >= 0:
        os.close(fd)
    return log.value.decode()


R0_0 = insn(0xb7)
EXIT = insn(0x95)
cases = []  # (program bytes, index of the slot of interest, slots it takes)


def alone(code, slots=1):
    """The instruction first, then r0 = 0; exit."""
    cases.append((code + R0_0 + EXIT, 0, slots))


ALU = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0xc0]
for cls in (0x07, 0x04):
    for op in ALU:
        alone(insn(op | cls, 1, 0, 0, 3))
        alone(insn(op | 0x08 | cls, 1, 2))
    alone(insn(0x80 | cls, 3))
    alone(insn(0x00 | cls, 4, 0, 0, -1))
    for op in (0x30, 0x90):                       # sdiv, smod: off 1
        alone(insn(op | cls, 1, 0, 1, 3))
        alone(insn(op | 0x08 | cls, 1, 2, 1))
    for bits in ((8, 16, 32) if cls == 0x07 else (8, 16)):   # movsx: off 8/16/32
        alone(insn(0xb8 | cls, 1, 2, bits))
for op in (0xd4, 0xdc, 0xd7):                     # le, be, bswap
    for width in (16, 32, 64):
        alone(insn(op, 5, 0, 0, width))
alone(insn(0xbf, 1, 2, 1, 1))                     # addr_space_cast(r2, 0, 1)
alone(insn(0xbf, 1, 2, 1, 1 << 16))               # addr_space_cast(r2, 1, 0)
for size in (0x00, 0x08, 0x10, 0x18):             # W, H, B, DW
    alone(insn(0x61 | size, 1, 2, 8))
    alone(insn(0x61 | size, 1, 2, -8))
    alone(insn(0x62 | size, 10, 0, -8, 7))
    alone(insn(0x62 | size, 10, 0, -16, -1))
    alone(insn(0x63 | size, 10, 1, -8))
    if size != 0x18:
        alone(insn(0x81 | size, 1, 2, 4))         # ldsx
    alone(insn(0xc3 | size, 2, 1, 0, 0x100))      # load_acquire
    alone(insn(0xc3 | size, 1, 2, 8, 0x110))      # store_release
for size in (0x00, 0x18):
    for op in (0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1):
        alone(insn(0xc3 | size, 1, 2, -4, op))
lo, hi = 0x23456789, 0x1
alone(insn(0x18, 1, 0, 0, lo) + insn(0, 0, 0, 0, hi), 2)
alone(insn(0x18, 2, 0, 0, -1) + insn(0, 0, 0, 0, -1), 2)
alone(insn(0x18, 3, 0, 0, 0) + insn(0, 0, 0, 0, 0), 2)
for size in (0x00, 0x08, 0x10):
    alone(insn(0x20 | size, 0, 0, 0, 12))         # ld_abs
    alone(insn(0x40 | size, 0, 3, 0, 4))          # ld_ind
JMP = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0]
for cls in (0x05, 0x06):
    for op in JMP:
        alone(insn(op | cls, 1, 0, 1, 3))
        alone(insn(op | 0x08 | cls, 1, 2, 1))
    alone(insn(0x10 | cls, 1, 0, 1, -1))
# goto/gotol/may_goto forward: "if r1 == 0 goto pc+1; <jump> pc+1; r0 = 0; r0 = 0; exit"
for jump in (insn(0x05, off=1), insn(0x06, imm=1), insn(0xe5, off=1)):
    cases.append((insn(0x15, 1, 0, 1, 0) + jump + R0_0 + R0_0 + EXIT, 1, 1))
cases.append((R0_0 + insn(0x25, 0, 0, -2, 1) + EXIT, 1, 1))      # backward: if r0 > 0x1 goto pc-2
cases.append((insn(0x05, off=0) + R0_0 + EXIT, 0, 1))             # goto pc+0
for helper in (1, 5, 14, 131, 300):
    alone(insn(0x85, imm=helper))
cases.append((insn(0x85, 0, 1, 0, 1) + EXIT + R0_0 + EXIT, 0, 1))  # call pc+1 (bpf-to-bpf)
cases.append((R0_0 + EXIT, 1, 1))                                   # exit

print(f"# Source: the Linux {platform.release()} verifier log (BPF_PROG_LOAD, log_level 2), recorded by")
print("# generate-kernel-golden.py (encodings from RFC 9669 / include/uapi/linux/bpf.h, not from bpf4j).")
print("# <instruction bytes, hex, little endian> | <the verifier's line for it>")
line_re = re.compile(r"^(\d+): \(([0-9a-f]{2})\) (.*?)(\s+; .*)?$")
for code, index, slots in cases:
    log = verifier_log(code)
    want = None
    for line in log.splitlines():
        m = line_re.match(line)
        if m and int(m.group(1)) == index:
            want = f"{m.group(1)}: ({m.group(2)}) {m.group(3)}"
            break
    if want is None:
        sys.exit(f"no verifier line for slot {index} of {code.hex()}:\n{log}")
    print(f"{code[index * 8:(index + slots) * 8].hex()} | {want}")

#!/usr/bin/env python3
"""Builds llvm-mc-tests.corpus from LLVM's own BPF assembler tests (llvm/test/MC/BPF/*.s).

Takes the .s files, keeps only their assembly statements (comments, RUN and CHECK lines
dropped), and records the bytes llvm-mc 19 makes of each file's statements (one block per file).
Statements bpf4j cannot reproduce without a linker are taken out of the block and listed as skips
with the reason: a relocation against a symbol (r9 = dummy_map ll) and callx (an LLVM extension the
kernel does not know).

usage: extract-llvm-mc.py OUT_FILE source-description FILE.s...
"""
import os
import re
import subprocess
import sys
import tempfile

LLVM_MC = "llvm-mc-19"
OBJCOPY = "llvm-objcopy-19"


def statements(path):
    out = []
    for line in open(path):
        line = re.split(r"//|#", line)[0].strip()
        if line:
            out.append(line)
    return out


def skip_reason(stmt):
    if re.match(r"r\d+\s*=\s*[A-Za-z_]\w*\s+ll$", stmt):
        return "relocation against a symbol"
    if stmt.startswith("callx"):
        return "callx: an LLVM extension, not in the kernel's instruction set"
    return None


def llvm_bytes(asm):
    with tempfile.TemporaryDirectory() as d:
        s, o, b = (os.path.join(d, n) for n in ("a.s", "a.o", "a.bin"))
        open(s, "w").write(asm + "\n")
        subprocess.run([LLVM_MC, "-triple=bpfel", "-mcpu=v4", "-filetype=obj", "-o", o, s], check=True)
        subprocess.run([OBJCOPY, "-O", "binary", "--only-section=.text", o, b], check=True)
        return open(b, "rb").read()


def main():
    out, desc, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    version = subprocess.run([LLVM_MC, "--version"], capture_output=True, text=True).stdout
    version = " ".join(l.strip() for l in version.splitlines() if "version" in l.lower())
    with open(out, "w") as f:
        f.write("# Conformance corpus: the statements of LLVM's BPF assembler tests (llvm/test/MC/BPF/*.s)\n")
        f.write("# with the bytes llvm-mc makes of them.\n")
        f.write("# Source: %s\n" % desc)
        f.write("# Bytes: %s, %s -triple=bpfel -mcpu=v4 -filetype=obj, .text by %s -O binary\n"
                % (version, LLVM_MC, OBJCOPY))
        f.write("# Made by extract-llvm-mc.py. Do not edit.\n")
        f.write("# === file:line / asm lines / '--- ' hex bytes, or '!skip reason'\n")
        for path in files:
            kept = []
            for stmt in statements(path):
                reason = skip_reason(stmt)
                if reason:
                    f.write("=== %s %s\n!skip %s\n" % (os.path.basename(path), stmt, reason))
                else:
                    kept.append(stmt)
            if kept:
                text = "\n".join(kept)
                code = llvm_bytes(text).hex()
                f.write("=== %s\n%s\n" % (os.path.basename(path), text))
                f.write("--- " + " ".join(code[i:i + 16] for i in range(0, len(code), 16)) + "\n")


if __name__ == "__main__":
    main()

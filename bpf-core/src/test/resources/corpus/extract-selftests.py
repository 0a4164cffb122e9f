#!/usr/bin/env python3
"""Builds the conformance corpus kernel-selftests.corpus from the kernel's BPF verifier selftests.

Reads the inline-asm blocks of tools/testing/selftests/bpf/progs/verifier_*.c (a kernel source
tree, e.g. Debian's linux-source-6.12 unpacked), turns each into plain assembly text and records
the bytes llvm-mc 19 makes of it. Only the extracted assembly text and the bytes are written, never
the C files. Operands are substituted as the C compiler would:
  %=                     -> the block's number (labels l0_%= stay unique per block); %% -> %
  %[name] from __imm(h)  -> the helper's number from include/uapi/linux/bpf.h (FN(name, N))
  %[name] from __imm_const(name, expr) -> expr evaluated by clang (uapi structs, the test's own
                            #defines and named structs; only to compute the constant)
Blocks that cannot be reproduced without the C file's linker or loader are skipped, with the
reason written into the corpus: map addresses (__imm_addr), pointers (__imm_ptr), raw
instructions (__imm_insn / .8byte), calls to kfuncs or other functions, C macros in the text,
or a constant clang cannot evaluate.

Statements are split on ';' (the separator llvm-mc uses) onto lines of their own: bpf4j reads
';' as a comment. Nothing else in the text is changed.

usage: extract-selftests.py KERNEL_SRC_DIR OUT_FILE [source-description]
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

LLVM_MC = "llvm-mc-19"
OBJCOPY = "llvm-objcopy-19"
CLANG = "clang-14"


def helpers(src):
    text = open(os.path.join(src, "include/uapi/linux/bpf.h")).read()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"FN\((\w+),\s*(\d+)", text)}


def split_args(s):
    """Top-level comma split."""
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def string_literals(s):
    """The concatenated C string literals of s, or None if anything but literals and whitespace is there."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c.isspace():
            i += 1
            continue
        if s.startswith("/*", i):
            i = s.index("*/", i) + 2
            continue
        if c != '"':
            return None
        i += 1
        buf = ""
        while s[i] != '"':
            if s[i] == "\\":
                nxt = s[i + 1]
                if nxt == "\n":
                    i += 2
                    continue
                buf += {"n": "\n", "t": "\t", "\\": "\\", '"': '"'}.get(nxt, "\\" + nxt)
                i += 2
                continue
            buf += s[i]
            i += 1
        out.append(buf)
        i += 1
    return "".join(out)


def blocks(path):
    """(line, function name, asm string part, operand part) for each asm volatile(...) in the file."""
    text = open(path).read()
    for m in re.finditer(r"asm\s+volatile\s*\(", text):
        start = m.end()
        depth, i, in_str = 1, start, False
        while depth:
            c = text[i]
            if in_str:
                if c == "\\":
                    i += 1
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            i += 1
        body = text[start:i - 1]
        # split the template from the operands at the first ':' outside strings
        j, in_str = 0, False
        while j < len(body):
            c = body[j]
            if in_str:
                if c == "\\":
                    j += 1
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif c == ":":
                break
            j += 1
        template, operands = body[:j], body[j:]
        line = text.count("\n", 0, m.start()) + 1
        fn = re.findall(r"\b(\w+)\s*\([^()]*\)\s*\{", text[:m.start()])
        yield line, fn[-1] if fn else "?", template, operands


def defines_and_structs(path):
    text = open(path).read()
    out = []
    for m in re.finditer(r"^#define\s+(\w+)\s+([^\n\\]+)$", text, re.M):
        out.append("#define %s %s" % (m.group(1), m.group(2)))
    for m in re.finditer(r"^struct\s+(\w+)\s*\{[^{}]*\};", text, re.M):
        out.append(m.group(0))
    return "\n".join(out)


def evaluate(src, path, exprs):
    """Values of C constant expressions, by compiling a snippet of globals (never the test file)."""
    if not exprs:
        return {}
    lines = ["#include <linux/types.h>", "#include <stddef.h>", "#define INT_MAX __INT_MAX__", "#define INT_MIN (-INT_MAX - 1)",
             "#define UINT_MAX (INT_MAX * 2U + 1U)", "#define LLONG_MAX __LONG_LONG_MAX__",
             "#define LLONG_MIN (-LLONG_MAX - 1LL)", "#define ULLONG_MAX (LLONG_MAX * 2ULL + 1ULL)",
             "#define SHRT_MAX __SHRT_MAX__", "#define SHRT_MIN (-SHRT_MAX - 1)",
             "#include <linux/bpf.h>", "#include <linux/if_ether.h>", "#include <linux/ip.h>",
             "#include <linux/in.h>", "#include <linux/in6.h>", "typedef __u32 u32; typedef __u64 u64;",
             defines_and_structs(path)]
    names = sorted(exprs)
    for k, name in enumerate(names):
        lines.append("long long bpf4j_v%d = (long long)(%s);" % (k, exprs[name]))
    with tempfile.TemporaryDirectory() as d:
        c = os.path.join(d, "c.c")
        open(c, "w").write("\n".join(lines) + "\n")
        r = subprocess.run([CLANG, "-target", "bpf", "-S", "-emit-llvm", "-o", "-", "-idirafter", "/usr/include/x86_64-linux-gnu", "-I",
                            os.path.join(src, "tools/include/uapi"), c], capture_output=True, text=True)
        if r.returncode != 0:
            return None
        vals = {int(m.group(1)): int(m.group(2))
                for m in re.finditer(r"@bpf4j_v(\d+) = \S+ (?:\S+ )?global i64 (-?\d+)", r.stdout)}
    if len(vals) != len(names):
        return None
    return {name: vals[k] for k, name in enumerate(names)}


def llvm_bytes(asm):
    with tempfile.TemporaryDirectory() as d:
        s, o, b = (os.path.join(d, n) for n in ("a.s", "a.o", "a.bin"))
        open(s, "w").write(asm + "\n")
        r = subprocess.run([LLVM_MC, "-triple=bpfel", "-mcpu=v4", "-filetype=obj", "-o", o, s],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return None, r.stderr.strip().splitlines()[0] if r.stderr.strip() else "llvm-mc failed"
        subprocess.run([OBJCOPY, "-O", "binary", "--only-section=.text", o, b], check=True)
        return open(b, "rb").read(), None


def convert(template, operands, number, helper_numbers, path, src):
    """(text, None) or (None, skip reason)."""
    try:
        asm = string_literals(template)
    except (ValueError, IndexError):
        asm = None
    if asm is None:
        return None, "C macro in the asm text"
    ops = {}
    consts = {}
    for arg in split_args(operands.replace(":", ",")):
        m = re.match(r"(__imm\w*)\((.*)\)$", arg, re.S)
        if not m:
            continue
        kind, inner = m.group(1), split_args(m.group(2))
        if kind == "__imm":
            ops[inner[0]] = ("helper", inner[0])
        elif kind == "__imm_const":
            ops[inner[0]] = ("const", None)
            consts[inner[0]] = inner[1]
        elif kind == "__imm_addr":
            ops[inner[0]] = ("skip", "map or variable address (__imm_addr)")
        elif kind == "__imm_ptr":
            ops[inner[0]] = ("skip", "pointer operand (__imm_ptr)")
        elif kind == "__imm_insn":
            ops[inner[0]] = ("skip", "raw instruction (__imm_insn, .8byte)")
        else:
            ops[inner[0]] = ("skip", "operand " + kind)
    used = set(re.findall(r"%\[(\w+)\]", asm))
    for name in sorted(used):
        if name not in ops:
            return None, "operand not given by an __imm macro"
        if ops[name][0] == "skip":
            return None, ops[name][1]
    values = {}
    need = {n: consts[n] for n in used if ops[n][0] == "const"}
    if need:
        ev = evaluate(src, path, need)
        if ev is None:
            return None, "constant clang cannot evaluate outside the test file"
        values.update(ev)
    for name in used:
        if ops[name][0] == "helper":
            h = ops[name][1]
            if not h.startswith("bpf_") or h[4:] not in helper_numbers:
                return None, "call to a kfunc or another function"
            values[name] = helper_numbers[h[4:]]
    if re.search(r"\.8byte|\.long|\.quad", asm):
        return None, "raw instruction (__imm_insn, .8byte)"
    asm = re.sub(r"%\[(\w+)\]", lambda m: str(values[m.group(1)]), asm)
    # %% is a literal % (s%%= is smod); replace it first so that it does not read as %=
    asm = asm.replace("%%", "\0").replace("%=", str(number)).replace("\0", "%")
    lines = []
    for raw in asm.split("\n"):
        for stmt in raw.split(";"):
            stmt = stmt.strip()
            if stmt:
                lines.append(stmt)
    if not lines:
        return None, "empty asm block"
    defined = set()
    for l in lines:
        m = re.match(r"([A-Za-z_.$][\w.$]*)\s*:", l)
        if m:
            defined.add(m.group(1))
    for l in lines:
        m = re.match(r"(?:[A-Za-z_.$][\w.$]*\s*:\s*)?call\s+([A-Za-z_][\w.$]*)\s*$", l)
        if m and m.group(1) not in defined:
            return None, "call to a function outside the block (a relocation)"
        if re.match(r"(?:[A-Za-z_.$][\w.$]*\s*:\s*)?\.(rept|endr|macro|irp)\b", l):
            return None, "assembler macro directive (.rept)"
    return "\n".join(lines), None


def main():
    src, out = sys.argv[1], sys.argv[2]
    desc = sys.argv[3] if len(sys.argv) > 3 else src
    helper_numbers = helpers(src)
    version = subprocess.run([LLVM_MC, "--version"], capture_output=True, text=True).stdout
    version = " ".join(l.strip() for l in version.splitlines() if "version" in l.lower())
    files = sorted(glob.glob(os.path.join(src, "tools/testing/selftests/bpf/progs/verifier_*.c")))
    number = 0
    with open(out, "w") as f:
        f.write("# Conformance corpus: the inline-asm blocks of the Linux BPF verifier selftests\n")
        f.write("# (tools/testing/selftests/bpf/progs/verifier_*.c) with the bytes llvm-mc makes of them.\n")
        f.write("# Source: %s\n" % desc)
        f.write("# Bytes: %s, %s -triple=bpfel -mcpu=v4 -filetype=obj, .text by %s -O binary\n"
                % (version, LLVM_MC, OBJCOPY))
        f.write("# Made by extract-selftests.py (see its comment for the operand substitution). Do not edit.\n")
        f.write("# === file:line function / asm lines / '--- ' hex bytes, or '!skip reason'\n")
        for path in files:
            for line, fn, template, operands in blocks(path):
                number += 1
                f.write("=== %s:%d %s\n" % (os.path.basename(path), line, fn))
                text, reason = convert(template, operands, number, helper_numbers, path, src)
                if text is not None:
                    code, err = llvm_bytes(text)
                    if code is None:
                        text, reason = None, "llvm-mc 19 rejects it: " + err.split("error:")[-1].strip()
                if text is None:
                    f.write("!skip %s\n" % reason)
                    continue
                f.write(text + "\n")
                hexed = code.hex()
                f.write("--- " + " ".join(hexed[i:i + 16] for i in range(0, len(hexed), 16)) + "\n")


if __name__ == "__main__":
    main()

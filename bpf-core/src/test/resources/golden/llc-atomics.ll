; Atomic instructions for the golden test, compiled by LLVM 14's BPF code generator
; (its assembler cannot parse these forms). generate-llvm-golden.py pairs the n-th atomic
; instruction in llc's output with the n-th '; ours:' line below: our expected text for it.
; Registers are LLVM 14's register allocation; regenerate and update these lines if it changes.
; ours: r2 = atomic64_fetch_add((u64 *)(r1 +8), r2)
; ours: r5 = atomic64_fetch_or((u64 *)(r1 +8), r5)
; ours: r0 = atomic64_fetch_and((u64 *)(r1 +8), r0)
; ours: r0 = atomic64_fetch_xor((u64 *)(r1 +8), r0)
; ours: r0 = atomic64_xchg((u64 *)(r1 +8), r0)
; ours: r0 = atomic64_cmpxchg((u64 *)(r1 +8), r0, r2)
; ours: r2 = atomic_fetch_add((u32 *)(r4 -4), r2)
; ours: r9 = atomic_xchg((u32 *)(r4 -4), r9)
; ours: r0 = atomic_cmpxchg((u32 *)(r4 -4), r0, r2)
; ours: r8 = atomic_fetch_and((u32 *)(r4 -4), r8)
; ours: r7 = atomic_fetch_or((u32 *)(r4 -4), r7)
; ours: r9 = atomic_fetch_xor((u32 *)(r4 -4), r9)
; ours: lock *(u64 *)(r1 +8) += r2
; ours: lock *(u64 *)(r1 +8) |= r2
; ours: lock *(u64 *)(r1 +8) &= r2
; ours: lock *(u64 *)(r1 +8) ^= r6
; ours: lock *(u32 *)(r4 -4) += r1
; ours: lock *(u32 *)(r4 -4) |= r1
; ours: lock *(u32 *)(r4 -4) &= r1
; ours: lock *(u32 *)(r4 -4) ^= r3
define i64 @f(i64* %p0, i64 %v, i32 %w, i32* %q0) {
  %p = getelementptr i64, i64* %p0, i64 1
  %q = getelementptr i32, i32* %q0, i64 -1
  %a = atomicrmw add i64* %p, i64 %v seq_cst
  %b = atomicrmw or i64* %p, i64 %v seq_cst
  %b2 = atomicrmw and i64* %p, i64 %v seq_cst
  %b3 = atomicrmw xor i64* %p, i64 %v seq_cst
  %c = atomicrmw xchg i64* %p, i64 %v seq_cst
  %d = cmpxchg i64* %p, i64 %v, i64 %a seq_cst seq_cst
  %e = extractvalue {i64, i1} %d, 0
  %f = atomicrmw add i32* %q, i32 %w seq_cst
  %g = atomicrmw xchg i32* %q, i32 %w seq_cst
  %h = cmpxchg i32* %q, i32 %w, i32 %f seq_cst seq_cst
  %i = atomicrmw and i32* %q, i32 %g seq_cst
  %j = atomicrmw or i32* %q, i32 %g seq_cst
  %k = atomicrmw xor i32* %q, i32 %g seq_cst
  atomicrmw add i64* %p, i64 %v monotonic
  atomicrmw or i64* %p, i64 %v monotonic
  atomicrmw and i64* %p, i64 %v monotonic
  atomicrmw xor i64* %p, i64 %v monotonic
  atomicrmw add i32* %q, i32 %w monotonic
  atomicrmw or i32* %q, i32 %w monotonic
  atomicrmw and i32* %q, i32 %w monotonic
  atomicrmw xor i32* %q, i32 %w monotonic
  %s = add i64 %b, %c
  %t = add i64 %s, %e
  %t2 = add i64 %t, %b2
  %t3 = add i64 %t2, %b3
  %h0 = extractvalue {i32, i1} %h, 0
  %x1 = add i32 %h0, %i
  %x2 = add i32 %x1, %j
  %x3 = add i32 %x2, %k
  %x4 = zext i32 %x3 to i64
  %t4 = add i64 %t3, %x4
  ret i64 %t4
}

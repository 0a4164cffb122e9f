/**
 * C structs for BPF programs, defined once in Java: the layout ({@link io.bpf4j.structs.StructLayout},
 * by a builder or from an annotated record), the instructions that fill a struct inside a BPF
 * program, and the decoding of the same bytes in Java.
 *
 * <pre>{@code
 * // one declaration: layout and Java type
 * record Exec(@U64 long timestamp, @U32 int pid, @U32 int tgid, @U32 int uid, @U32 int ppid,
 *             @Chars(16) String comm) {}
 * StructLayout EXEC = StructLayout.of(Exec.class);            // 40 bytes, comm at 24
 * RecordCodec<Exec> CODEC = StructLayout.codec(Exec.class);
 *
 * // in the BPF program (r7 = reserved ring-buffer record, r8 = ktime, r6 = pid)
 * b.append(EXEC.zero(Reg.R7))
 *  .append(EXEC.store("timestamp", Reg.R7, Reg.R8))
 *  .append(EXEC.store("pid", Reg.R7, Reg.R6))
 *  .append(EXEC.getCurrentComm(Reg.R7, "comm"));
 *
 * // in Java, per ring-buffer record
 * Exec e = CODEC.decode(buf, offset);                         // the record
 * StructValue v = EXEC.decode(buf, offset);                   // or a generic value
 * long pid = EXEC.view().wrap(buf, offset).getU32("pid");     // or a flyweight
 * System.out.println(EXEC.toC());                             // struct exec { __u64 timestamp; … };
 * }</pre>
 *
 * <p>Layouts follow C (natural alignment, padding, trailing padding; {@code packed} on request)
 * and are checked against gcc in the tests. Nothing here makes a system call. Kernel types come
 * from the {@code btf} and {@code tracepoint} subpackages.
 */
package io.bpf4j.structs;

/**
 * The eBPF instruction set as immutable values, and what turns them into bytecode and back: the
 * fluent {@link io.bpf4j.core.ProgramBuilder} (mnemonics as methods, labels, helper sequences),
 * {@link io.bpf4j.core.Program} and its assembler, the {@link io.bpf4j.core.Disassembler} (the
 * kernel verifier's syntax), the {@link io.bpf4j.core.TextAssembler} and the
 * {@link io.bpf4j.core.Helper} catalogue. Nothing here calls the kernel.
 *
 * <pre>{@code
 * Program p = Program.builder()
 *         .mov64(Reg.R0, 0)
 *         .exit()
 *         .build();
 * byte[] code = p.assemble();                       // host byte order
 * String text = Disassembler.disassemble(code);     // one line per instruction, as the verifier prints them
 * }</pre>
 */
package io.bpf4j.core;

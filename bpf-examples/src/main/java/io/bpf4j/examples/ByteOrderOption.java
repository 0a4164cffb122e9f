package io.bpf4j.examples;

import java.nio.ByteOrder;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The {@code --order host|little|big} option shared by {@code asm} and {@code disasm}, for
 * bytecode of another architecture than the host's.
 *
 * <pre>{@code
 * @Mixin ByteOrderOption order;
 * byte[] code = TextAssembler.assemble(text, order.order());
 * }</pre>
 */
public final class ByteOrderOption {
    @Option(names = "--order", paramLabel = "ORDER", defaultValue = "host",
            description = "byte order of the bytecode: host (default), little or big")
    String name;

    /** The chosen order; an unknown name is an {@link IllegalArgumentException} naming the choices. */
    public ByteOrder order() {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "host":
            case "native":
                return ByteOrder.nativeOrder();
            case "little":
            case "le":
                return ByteOrder.LITTLE_ENDIAN;
            case "big":
            case "be":
                return ByteOrder.BIG_ENDIAN;
            default:
                throw new IllegalArgumentException("--order " + name + " unknown: expected host, little or big");
        }
    }
}

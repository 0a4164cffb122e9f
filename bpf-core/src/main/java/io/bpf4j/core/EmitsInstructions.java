package io.bpf4j.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a library class that appends instructions on its caller's behalf (the builder, prologue
 * and struct code generators). When source positions are recorded, frames of such classes are
 * skipped so an instruction points at the user's line, not at the library's.
 *
 * <pre>{@code
 * @EmitsInstructions
 * public final class MyFragments { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EmitsInstructions {
}

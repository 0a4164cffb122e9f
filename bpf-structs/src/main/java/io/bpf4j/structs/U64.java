package io.bpf4j.structs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a record component as a C {@code __u64} field (or, with {@link Length}, an array of
 * them). Java types that hold it: long (or their arrays).
 *
 * <pre>{@code
 * record Sample(@U64 long value) {}
 * StructLayout.of(Sample.class).field("value").type();   // ScalarType.U64
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface U64 {
}

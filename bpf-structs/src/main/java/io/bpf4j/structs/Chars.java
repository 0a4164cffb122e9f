package io.bpf4j.structs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a record component as {@code char name[n]}: a {@code String} (decoded as UTF-8 up to
 * the first NUL, encoded NUL-filled) or a {@code byte[]} (all n raw bytes).
 *
 * <pre>{@code
 * record Exec(@U32 int pid, @Chars(16) String comm) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Chars {
    /** The array length n (at least 1). */
    int value();
}

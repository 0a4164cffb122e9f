package io.bpf4j.structs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lays a record's struct out without padding, as {@code __attribute__((packed))}.
 *
 * <pre>{@code
 * @Packed record Wire(@U8 int tag, @U32 int len) {}   // 5 bytes
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Packed {
}

package io.bpf4j.structs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The length of an array component: a primitive array (element type from {@link U32 @U32} and
 * friends, or signed by the Java type) or an array of nested records.
 *
 * <pre>{@code
 * record Hist(@U32 @Length(4) int[] buckets, @Length(2) Proc[] procs) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Length {
    /** Number of elements (at least 1). */
    int value();
}

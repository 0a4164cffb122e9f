package io.bpf4j.structs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The C struct tag of a record's layout, when the snake-case form of its name is not wanted.
 *
 * <pre>{@code
 * @CName("event") record ExecEvent(@U32 int pid) {}   // struct event { __u32 pid; };
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface CName {
    /** The tag. */
    String value();
}

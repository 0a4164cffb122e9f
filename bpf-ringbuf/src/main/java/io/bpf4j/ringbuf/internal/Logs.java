package io.bpf4j.ringbuf.internal;

import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The loggers of bpf4j's libraries. SLF4J 2 prints a three-line "No SLF4J providers were found"
 * warning the first time a logger is asked for without a binding on the path; a library user who
 * chose no binding has chosen no logging, so bpf4j then logs nowhere and says nothing. With a
 * binding (Logback, slf4j-simple, ...) or {@code -Dslf4j.provider=...}, the loggers are SLF4J's.
 *
 * <p>The same as bpf-syscall's internal {@code Logs}, which is not exported: a module's internals
 * stay its own.
 *
 * <pre>{@code
 * private static final Logger LOG = Logs.get(EpollRings.class);
 * }</pre>
 */
public final class Logs {
    /** True when SLF4J will find a provider: asked once, without touching LoggerFactory. */
    private static final boolean CONFIGURED = System.getProperty("slf4j.provider") != null
            || ServiceLoader.load(SLF4JServiceProvider.class, Logs.class.getClassLoader()).findFirst().isPresent()
            || ServiceLoader.load(SLF4JServiceProvider.class).findFirst().isPresent();

    private Logs() {
    }

    /** SLF4J's logger for {@code type}, or a silent one when no SLF4J binding is present. */
    public static Logger get(Class<?> type) {
        return CONFIGURED ? LoggerFactory.getLogger(type) : NOPLogger.NOP_LOGGER;
    }
}

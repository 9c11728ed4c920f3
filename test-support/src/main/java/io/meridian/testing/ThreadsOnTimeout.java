package io.meridian.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Prints every thread of the test JVM when a test fails by waiting in vain (a client's blocking
 * read or request timing out, an Awaitility condition never met), then fails it as before. The
 * servers of a Spring Boot test run in the same JVM, so the dump shows what the request that got
 * no answer was waiting on: an event loop, a lock, a pool. Registered for every test by
 * {@code META-INF/services} where {@code junit.jupiter.extensions.autodetection.enabled} is set.
 */
public final class ThreadsOnTimeout implements TestExecutionExceptionHandler {

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (waitedInVain(failure)) {
            StringBuilder dump = new StringBuilder("==== threads of the test JVM when ")
                    .append(context.getDisplayName()).append(" timed out\n");
            for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                dump.append('"').append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
                if (thread.getLockName() != null) {
                    dump.append(" on ").append(thread.getLockName());
                }
                if (thread.getLockOwnerName() != null) {
                    dump.append(" owned by \"").append(thread.getLockOwnerName()).append('"');
                }
                dump.append('\n');
                StackTraceElement[] frames = thread.getStackTrace();
                for (int i = 0; i < Math.min(frames.length, 24); i++) {
                    dump.append("    at ").append(frames[i]).append('\n');
                }
            }
            System.out.println(dump);
        }
        throw failure;
    }

    private static boolean waitedInVain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (name.contains("Timeout") || message.contains("timeout on blocking read") || message.contains("timed out")) {
                return true;
            }
        }
        return false;
    }
}

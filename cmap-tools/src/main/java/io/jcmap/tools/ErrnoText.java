package io.jcmap.tools;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** What C's {@code perror} prints after the colon for a failed open, from Java's exception. */
final class ErrnoText {
    private static final String JAVA_ELOOP_SUFFIX = " or unable to access attributes of symbolic link";

    private ErrnoText() {
    }

    /** {@return glibc's strerror text for the errno behind {@code e}} */
    static String of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            // the JDK's reason is strerror's text, with a suffix of its own for ELOOP
            String reason = fs.getReason();
            return reason.endsWith(JAVA_ELOOP_SUFFIX)
                    ? reason.substring(0, reason.length() - JAVA_ELOOP_SUFFIX.length()) : reason;
        }
        return String.valueOf(e.getMessage());
    }
}

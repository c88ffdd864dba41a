package io.jcmap.tools;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * What one jcmapctl run reads and writes, and its environment: the process's own streams in
 * {@link Jcmapctl#main}, captured ones in tests.
 *
 * @param in             standard input ({@code -s key bin -}, tracking's "q")
 * @param out            standard output
 * @param err            standard error
 * @param program        the name getopt prints before its diagnostics ({@code argv[0]})
 * @param posixlyCorrect whether {@code POSIXLY_CORRECT} is set (getopt stops at the first operand)
 * @param home           the repository root (for {@code scripts/provision}), or null when unknown
 */
record Stdio(InputStream in, Output out, Output err, String program, boolean posixlyCorrect, Path home) {
}

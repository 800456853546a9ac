package org.carerecord.e2e.support;

import java.io.File;
import org.junit.jupiter.api.Assumptions;

/**
 * Programs some tests drive that a developer's machine may lack (HAProxy, openssl, kubectl): without them those
 * tests are skipped, unless {@code CARE_EXTERNAL_TOOLS=required} (as {@code .ci/run} sets, after installing them),
 * where a missing one fails the test instead of hiding it.
 */
public final class ExternalTools {

    private ExternalTools() {}

    /** Skips the calling test (or fails it, when required) unless each named program is on the PATH or in /usr/sbin. */
    public static void require(String... programs) {
        for (String program : programs) {
            boolean present = onPath(program);
            if (!present && "required".equals(System.getenv("CARE_EXTERNAL_TOOLS"))) {
                throw new IllegalStateException("CARE_EXTERNAL_TOOLS=required but " + program + " is not installed");
            }
            Assumptions.assumeTrue(
                    present, program + " is not installed (CARE_EXTERNAL_TOOLS=required makes this a failure)");
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
        for (String directory : path.split(File.pathSeparator)) {
            if (new File(directory, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}

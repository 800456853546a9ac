package org.carerecord.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code .care-record/} under the repository root: PostgreSQL data, logs, and the development master
 * secret (every dev client secret and password derives from it), generated on first start so that no secret
 * lives in the repository.
 */
record RunDirectory(Path home) {

    Path root() {
        return home.resolve(".care-record");
    }

    Path logs() {
        return root().resolve("logs");
    }

    Path pgdata() {
        return root().resolve("pgdata");
    }

    private Path secretFile() {
        return root().resolve("master-secret");
    }

    /** The development secret, made on first use. */
    String secret() {
        try {
            Files.createDirectories(root());
            if (!Files.exists(secretFile())) {
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                Files.writeString(
                        secretFile(), Base64.getUrlEncoder().withoutPadding().encodeToString(random));
                Files.setPosixFilePermissions(secretFile(), PosixFilePermissions.fromString("rw-------"));
            }
            return existingSecret();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String existingSecret() {
        try {
            return Files.readString(secretFile()).trim();
        } catch (IOException e) {
            throw new IllegalStateException("no " + secretFile() + ": run ./care-record up first", e);
        }
    }
}

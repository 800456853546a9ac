package org.carerecord.security.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DevCredentialsTest {

    private final DevCredentials credentials = new DevCredentials("a-master-secret-of-the-install");

    @Test
    void everyClientAndUserHasItsOwnCredential() {
        List<String> names =
                List.of("fhir-server", "audit-service", "rtd-pas", "gp-system", "gp.clinician", "care-viewer");
        Set<String> all = new HashSet<>();
        for (String name : names) {
            all.add(credentials.clientSecret(name));
            all.add(credentials.password(name));
        }
        assertThat(all).hasSize(names.size() * 2);
    }

    @Test
    void theSameNameGivesTheSameCredentialOnEveryCall() {
        assertThat(credentials.clientSecret("rtd-pas"))
                .isEqualTo(new DevCredentials("a-master-secret-of-the-install").clientSecret("rtd-pas"));
        assertThat(credentials.clientSecret("rtd-pas"))
                .isNotEqualTo(new DevCredentials("another-master-secret-entirely").clientSecret("rtd-pas"));
    }

    @Test
    void whenTheMasterIsMissingOrShortThenItRefusesToStart() {
        assertThatThrownBy(() -> new DevCredentials("short")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new DevCredentials(null)).isInstanceOf(IllegalStateException.class);
    }
}

package org.carerecord.viewer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Serves the clinician viewer: static pages and scripts that run in the clinician's browser as a SMART app
 * (public client {@code care-viewer}). This server holds no token and no patient data; the browser talks to
 * the identity provider and the FHIR server directly.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ClinicianViewerApplication {

    public static void main(String[] args) {
        SpringApplication.run(ClinicianViewerApplication.class, args);
    }
}

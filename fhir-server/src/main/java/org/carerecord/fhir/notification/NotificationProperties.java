package org.carerecord.fhir.notification;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of Subscription notifications ({@code care.fhir.notifications.*}).
 *
 * @param baseUrl         this server's FHIR base as receivers reach it (the references in a notification)
 * @param allowedEndpoints a regular expression every Subscription's endpoint must match: the server posts wherever
 *                        a Subscription points. By default https to a named host (no IP literal: not the cloud
 *                        metadata address, not an internal address; a name that resolves to one is the
 *                        region's to exclude here), and http on loopback for the demo, not to this record's own
 *                        default ports; a region lists its receivers' hosts here
 * @param maxBackoff      the longest wait between two attempts at one notification (it doubles from 1 s)
 * @param giveUpAfter     how long a notification is tried before it is dropped (and logged)
 */
@ConfigurationProperties("care.fhir.notifications")
record NotificationProperties(
        @DefaultValue("http://localhost:8080/fhir") String baseUrl,

        @DefaultValue("^(https://(?![0-9.]+([:/]|$))[A-Za-z0-9.-]+(:[0-9]+)?(/.*)?"
                + "|http://(localhost|127\\.0\\.0\\.1)(?!:(8080|8081|8082|8083|9000|5433)([/]|$))(:[0-9]+)?(/.*)?)$")
        String allowedEndpoints,

        @DefaultValue("PT10M") Duration maxBackoff,
        @DefaultValue("P1D") Duration giveUpAfter) {}

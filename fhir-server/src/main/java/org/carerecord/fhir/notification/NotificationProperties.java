package org.carerecord.fhir.notification;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of Subscription notifications ({@code care.fhir.notifications.*}).
 *
 * @param baseUrl         this server's FHIR base as receivers reach it (the references in a notification)
 * @param allowedEndpoints a regular expression every Subscription's endpoint must match: the server posts wherever
 *                        a Subscription points, so only https, and http on loopback for the demo, by default
 * @param maxBackoff      the longest wait between two attempts at one notification (it doubles from 1 s)
 * @param giveUpAfter     how long a notification is tried before it is dropped (and logged)
 */
@ConfigurationProperties("care.fhir.notifications")
record NotificationProperties(
        @DefaultValue("http://localhost:8080/fhir") String baseUrl,

        @DefaultValue("^(https://.+|http://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?(/.*)?)$")
        String allowedEndpoints,

        @DefaultValue("PT10M") Duration maxBackoff,
        @DefaultValue("P1D") Duration giveUpAfter) {}
